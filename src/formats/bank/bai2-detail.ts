/**
 * Turns one BAI2 16 transaction detail (with its 88 text) into a receipt, a return or another
 * transaction. Bank text in the Goldman Sachs style carries tags (`EREF:`, `DBNM:`, `DACT:`,
 * `REMI:` ...): the counterparty's tags fill the payer, `EREF` the customer reference, `REMI` and
 * untagged lines stay as remittance free text; our own side's tags go to bank text.
 */
import type { IsoDate } from '../../domain/dates.ts';
import type { Cents } from '../../domain/money.ts';
import {
  baiDebitCategory,
  baiDirection,
  baiMethod,
  baiNonReceiptCategory,
  baiReturnKind,
} from './bai2-codes.ts';
import { compact, type FileCollector } from './common.ts';
import type { OtherCategory, Party, PaymentMethod, ReturnKind, SourceRecord } from './model.ts';

export interface Bai2Context {
  asOfDate: IsoDate;
  reportType?: 'prior_day' | 'current_day';
  groupStatus: string;
  accountId: string;
  currency: string;
  statementIndex: number;
}

export interface Bai2Detail {
  typeCode: number;
  amountCents: Cents;
  bankReference?: string | undefined;
  customerReference?: string | undefined;
  valueDate?: IsoDate | undefined;
  /** The 16 record's text field, then each 88 line, trimmed, empty ones dropped. */
  text: string[];
  sourceRecord: SourceRecord;
}

interface TaggedText {
  party: Party;
  eref?: string;
  checkNumber?: string;
  freeText: string[];
  bankText: string[];
}

const SIDE_TAGS = {
  credit: { name: 'DBNM', account: 'DACT', bank: ['DABA', 'DBIC'] },
  debit: { name: 'CRNM', account: 'CACT', bank: ['CABA', 'CBIC'] },
} as const;

const TAG = /^([A-Z]{4}):\s*(.*)$/;

/** Sorts tagged lines into party fields, references, free text and bank text. */
function readTags(lines: string[], direction: 'credit' | 'debit'): TaggedText {
  const mine = SIDE_TAGS[direction];
  const theirs = SIDE_TAGS[direction === 'credit' ? 'debit' : 'credit'];
  const out: TaggedText = { party: {}, freeText: [], bankText: [] };
  for (const line of lines) {
    const m = TAG.exec(line);
    const tag = m?.[1] ?? '';
    const value = (m?.[2] ?? '').trim();
    if (!m) out.freeText.push(line);
    else if (value === '') continue;
    else if (tag === mine.name) out.party.name ??= value;
    else if (tag === mine.account) out.party.account ??= value;
    else if ((mine.bank as readonly string[]).includes(tag)) out.party.bankId ??= value;
    else if (tag === 'IDNM') out.party.id ??= value;
    else if (tag === 'EREF') out.eref ??= value;
    else if (tag === 'CHKN') out.checkNumber ??= value;
    else if (tag === 'REMI') out.freeText.push(value);
    else if (tag === theirs.name || tag === theirs.account || theirs.bank.includes(tag as never)) {
      out.bankText.push(line);
    } else out.freeText.push(line);
  }
  const first = lines[0] ?? '';
  const named = (direction === 'credit' ? /\bFrom: ([^,]+)/ : /\bTo: ([^,]+)/).exec(first);
  if (named?.[1]) out.party.name ??= named[1].trim();
  return out;
}

const RETURN_TEXT =
  /\bRETURNED\b|\bRTN\b|\bRTD\b|\bNSF\b|\bRETURN(?:ED)? (?:ITEM|CHEQUE|CHECK|CHQ)/i;
const FEE_TEXT = /\b(?:FEES?|CHRG|CHARGES?|COMMISSION)\b/i;

/** A debit whose narrative says a deposited item came back ("RETURNED CHEQUE"). */
function textSaysReturned(text: string[]): boolean {
  const joined = text.join(' ');
  return RETURN_TEXT.test(joined) && !FEE_TEXT.test(joined);
}

function methodFromText(text: string[], fallback: PaymentMethod): PaymentMethod {
  if (fallback !== 'other') return fallback;
  const joined = text.join(' ');
  if (/\bWIRE\b/i.test(joined)) return 'wire';
  if (/\bACH\b/i.test(joined)) return 'ach';
  if (/\b(?:CHECK|CHEQUE|CHQ)\b/i.test(joined)) return 'check';
  return fallback;
}

const typeCodeText = (code: number) => String(code).padStart(3, '0');

/** Files one detail as a receipt, a return or another transaction. */
export function buildDetail(d: Bai2Detail, ctx: Bai2Context, c: FileCollector): void {
  const direction = baiDirection(d.typeCode);
  const returnKind = baiReturnKind(d.typeCode);
  if (returnKind) {
    addReturn(d, ctx, c, returnKind, direction === 'credit' ? 'credit' : 'debit', 'code');
  } else if (direction === 'debit' && textSaysReturned(d.text)) {
    addReturn(d, ctx, c, 'return', 'debit', 'text');
  } else if (direction === 'credit' && baiNonReceiptCategory(d.typeCode) === undefined) {
    addReceipt(d, ctx, c);
  } else {
    addOther(d, ctx, c, direction);
  }
}

function addReceipt(d: Bai2Detail, ctx: Bai2Context, c: FileCollector): void {
  const tags = readTags(d.text, 'credit');
  const freeText = [...tags.freeText];
  if (tags.eref && d.customerReference && tags.eref !== d.customerReference) {
    freeText.push(`EREF: ${tags.eref}`);
  }
  c.result.receipts.push(
    compact({
      amountCents: d.amountCents,
      currency: ctx.currency,
      bookingDate: ctx.asOfDate,
      valueDate: d.valueDate,
      method: methodFromText(d.text, baiMethod(d.typeCode)),
      status: 'booked' as const,
      bankReference: d.bankReference,
      customerReference: d.customerReference ?? tags.eref,
      checkNumber: tags.checkNumber,
      payer: compact(tags.party),
      remittance: { lines: [], freeText },
      bankText: tags.bankText,
      typeCode: typeCodeText(d.typeCode),
      accountId: ctx.accountId,
      statementIndex: ctx.statementIndex,
      sourceRecord: d.sourceRecord,
    }),
  );
}

function addReturn(
  d: Bai2Detail,
  ctx: Bai2Context,
  c: FileCollector,
  kind: ReturnKind,
  direction: 'credit' | 'debit',
  detectedBy: 'code' | 'text',
): void {
  const tags = readTags(d.text, direction);
  const joined = d.text.join(' ');
  const reasonCode = /\bReason:\s*"?([A-Z]{1,2}\d{2,3})\b/.exec(joined)?.[1];
  const stated = /Return Reason:\s*"([^"]+)"/.exec(joined)?.[1];
  const reasonText = stated ?? (detectedBy === 'text' ? d.text[0] : undefined);
  const original = /Return of Client Ref ID:\s*([^,\s]+)/.exec(joined)?.[1];
  c.result.returns.push(
    compact({
      kind,
      direction,
      status: 'booked' as const,
      amountCents: d.amountCents,
      currency: ctx.currency,
      date: ctx.asOfDate,
      method: methodFromText(d.text, baiMethod(d.typeCode)),
      reasonCode,
      reasonText,
      originalReference: original ?? d.customerReference ?? tags.eref,
      party: compact(tags.party),
      bankReference: d.bankReference,
      remittance: { lines: [], freeText: tags.freeText },
      bankText: tags.bankText,
      typeCode: typeCodeText(d.typeCode),
      detectedBy,
      accountId: ctx.accountId,
      statementIndex: ctx.statementIndex,
      sourceRecord: d.sourceRecord,
    }),
  );
}

function addOther(
  d: Bai2Detail,
  ctx: Bai2Context,
  c: FileCollector,
  direction: 'credit' | 'debit' | 'unknown',
): void {
  let category: OtherCategory = 'other';
  if (direction === 'credit') category = baiNonReceiptCategory(d.typeCode) ?? 'other';
  if (direction === 'debit') {
    category = FEE_TEXT.test(d.text.join(' ')) ? 'fee' : baiDebitCategory(d.typeCode);
  }
  if (direction === 'unknown') {
    c.warn(
      'unknown_code',
      `type code ${typeCodeText(d.typeCode)} is neither a credit nor a debit code; ` +
        'listed with other transactions',
      d.sourceRecord,
    );
  }
  const tags = readTags(d.text, direction === 'debit' ? 'debit' : 'credit');
  c.result.other.push(
    compact({
      direction,
      category,
      amountCents: d.amountCents,
      currency: ctx.currency,
      bookingDate: ctx.asOfDate,
      valueDate: d.valueDate,
      typeCode: typeCodeText(d.typeCode),
      description: d.text.join(' ') || `type ${typeCodeText(d.typeCode)}`,
      bankReference: d.bankReference ?? d.customerReference,
      counterparty: compact(tags.party),
      accountId: ctx.accountId,
      statementIndex: ctx.statementIndex,
      sourceRecord: d.sourceRecord,
    }),
  );
}
