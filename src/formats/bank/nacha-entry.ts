/**
 * One NACHA entry detail record with its addenda, filed as a receipt, a return, a notification
 * of change or another transaction. Layouts by 1-based position (NACHA Operating Rules,
 * Appendix Three):
 * - Entry (6): transaction code 2-3, RDFI 4-11, check digit 12, account 13-29, amount 30-39,
 *   identification number 40-54, name 55-76, trace 80-94. CTX: addenda count 55-58, receiving
 *   company 59-74. IAT: account 40-74 (names come from the 710/711 addenda).
 * - 05 addenda: payment-related information 4-83 (CCD+ one record, CTX an X12 stream in up to
 *   9,999 records).
 * - 99 return: reason 4-6, original trace 7-21, date of death 22-27, original RDFI 28-35,
 *   information 36-79. Dishonored (R61, R67-R70): return trace 39-53, information 59-79.
 *   Contested (R71-R77): dishonored return trace 59-73, dishonored reason 77-78.
 * - 98 notification of change: change code 4-6, original trace 7-21, original RDFI 28-35,
 *   corrected data 36-64.
 */
import type { IsoDate } from '../../domain/dates.ts';
import type { Cents } from '../../domain/money.ts';
import { compact, MalformedFile, type FileCollector } from './common.ts';
import type {
  BankStatement,
  Party,
  Remittance,
  SourceRecord,
} from './model.ts';
import {
  CHANGE_REASONS,
  RETURN_REASONS,
  returnKindOf,
  type TransactionCodeInfo,
} from './nacha-codes.ts';
import { remittanceFromSegments } from './x12-remittance.ts';
import { x12Segments, x12Separators, type X12Segment } from './x12-segments.ts';

export interface NachaRecord {
  /** Always 94 characters (short records are padded with spaces). */
  text: string;
  record: number;
  line: number;
}

/** Field at 1-based inclusive positions, as the NACHA record layouts number them. */
export function field(r: NachaRecord, from: number, to: number): string {
  return r.text.slice(from - 1, to);
}

export interface NachaEntry {
  record: NachaRecord;
  addenda: NachaRecord[];
}

export interface NachaBatch {
  header: NachaRecord;
  serviceClass: string;
  secCode: string;
  companyName: string | undefined;
  companyId: string | undefined;
  discretionary: string | undefined;
  entryDescription: string | undefined;
  effectiveDate: IsoDate | undefined;
  /** Effective date, else the file creation date (returns often leave the date blank). */
  fallbackDate: IsoDate | undefined;
  odfi: string;
  statement: BankStatement;
  statementIndex: number;
}

export interface EntryInput {
  batch: NachaBatch;
  entry: NachaEntry;
  tc: string;
  info: TransactionCodeInfo;
  amountCents: Cents;
}

const at = (r: NachaRecord): SourceRecord => ({ record: r.record, line: r.line });
const addendaOf = (e: NachaEntry, type: string) => e.addenda.filter((a) => field(a, 2, 3) === type);

interface EntryFields {
  account: string;
  bankId: string;
  id: string;
  name: string;
  trace: string;
}

function entryFields(input: EntryInput): EntryFields {
  const r = input.entry.record;
  const bankId = field(r, 4, 12).trim();
  const trace = field(r, 80, 94).trim();
  if (input.batch.secCode === 'IAT') {
    const a710 = addendaOf(input.entry, '10')[0];
    const name = a710 ? field(a710, 47, 81).trim() : '';
    return { account: field(r, 40, 74).trim(), bankId, id: '', name, trace };
  }
  const ctx = input.batch.secCode === 'CTX';
  return {
    account: field(r, 13, 29).trim(),
    bankId,
    id: field(r, 40, 54).trim(),
    name: (ctx ? field(r, 59, 74) : field(r, 55, 76)).trim(),
    trace,
  };
}

/** Files one entry in the collector (see the module comment for the layouts). */
export function addNachaEntry(input: EntryInput, c: FileCollector): void {
  const { entry, info } = input;
  const fields = entryFields(input);
  if (addendaOf(entry, '99').length > 0) return addReturn(input, fields, c);
  if (addendaOf(entry, '98').length > 0) return addNotifications(input, fields, c);
  if (info.isReturnOrNoc) {
    c.warn(
      'unknown_code',
      `transaction code ${input.tc} is a return or notification code but the entry has no ` +
        '98/99 addenda; listed with other transactions',
      at(entry.record),
    );
  }
  if (info.direction === 'credit' && !info.isPrenote && input.amountCents > 0) {
    return addReceipt(input, fields, c);
  }
  addOther(input, fields, c);
}

function party(f: EntryFields): Party {
  return compact({ name: f.name, account: f.account, bankId: f.bankId, id: f.id });
}

function addReceipt(input: EntryInput, f: EntryFields, c: FileCollector): void {
  const b = input.batch;
  const originator = addendaOf(input.entry, '11')[0];
  const payerName = originator ? field(originator, 4, 38).trim() : b.companyName;
  c.result.receipts.push(
    compact({
      amountCents: input.amountCents,
      currency: 'USD',
      bookingDate: b.effectiveDate,
      valueDate: b.effectiveDate,
      method: 'ach' as const,
      status: 'booked' as const,
      bankReference: f.trace,
      customerReference: f.id || undefined,
      payer: compact({ name: payerName, id: b.companyId, bankId: b.odfi }),
      remittance: paymentRemittance(input.entry, c),
      bankText: [b.entryDescription, b.discretionary].filter((x): x is string => !!x),
      typeCode: `${input.tc}/${b.secCode}`,
      accountId: f.account,
      statementIndex: b.statementIndex,
      sourceRecord: at(input.entry.record),
    }),
  );
}

function addReturn(input: EntryInput, f: EntryFields, c: FileCollector): void {
  const returns = addendaOf(input.entry, '99');
  const first = returns[0] as NachaRecord;
  const last = returns.at(-1) as NachaRecord;
  const codes = returns.map((a) => field(a, 4, 6).trim());
  const reasonCode = codes.at(-1) ?? '';
  const kind = returnKindOf(reasonCode);
  const bankText = returns.map((a) => returnAddendaText(a)).filter((t) => t !== '');
  const item = compact({
    kind,
    direction: input.info.direction,
    status: 'booked' as const,
    amountCents: input.amountCents,
    currency: 'USD',
    date: input.batch.fallbackDate,
    method: 'ach' as const,
    reasonCode,
    reasonText: RETURN_REASONS[reasonCode] ?? returnAddendaText(last),
    reasonCodes: codes.length > 1 ? codes : undefined,
    originalReference: field(first, 7, 21).trim(),
    originalAmountCents: input.amountCents,
    party: party(f),
    bankReference: f.trace,
    remittance: paymentRemittance(input.entry, c),
    bankText,
    typeCode: `${input.tc}/${input.batch.secCode}`,
    detectedBy: 'code' as const,
    accountId: input.batch.companyId,
    statementIndex: input.batch.statementIndex,
    sourceRecord: at(input.entry.record),
  });
  c.result.returns.push(item);
}

/** The free-text part of a 99 addenda, by its layout. */
function returnAddendaText(a: NachaRecord): string {
  const kind = returnKindOf(field(a, 4, 6));
  if (kind === 'dishonored_return') return field(a, 59, 79).trim();
  if (kind === 'contested_dishonored_return') return '';
  return field(a, 36, 79).trim();
}

function addNotifications(input: EntryInput, f: EntryFields, c: FileCollector): void {
  for (const a of addendaOf(input.entry, '98')) {
    const changeCode = field(a, 4, 6).trim();
    c.result.notifications.push(
      compact({
        changeCode,
        changeReason: CHANGE_REASONS[changeCode],
        originalReference: field(a, 7, 21).trim(),
        correctedData: field(a, 36, 64).trim(),
        party: party(f),
        sourceRecord: at(a),
      }),
    );
  }
}

function addOther(input: EntryInput, f: EntryFields, c: FileCollector): void {
  const b = input.batch;
  const remittance = paymentRemittance(input.entry, c);
  const hasRemittance = remittance.lines.length > 0 || remittance.freeText.length > 0;
  const category = input.info.isPrenote
    ? 'prenote'
    : input.info.direction === 'debit'
      ? 'outgoing_payment'
      : 'other';
  c.result.other.push(
    compact({
      direction: input.info.direction,
      category,
      amountCents: input.amountCents,
      currency: 'USD',
      bookingDate: b.effectiveDate,
      valueDate: b.effectiveDate,
      typeCode: `${input.tc}/${b.secCode}`,
      description:
        [b.companyName, b.entryDescription, f.name].filter(Boolean).join(' / ') ||
        `transaction code ${input.tc}`,
      bankReference: f.trace,
      counterparty: party(f),
      remittance: hasRemittance ? remittance : undefined,
      accountId: f.account,
      statementIndex: b.statementIndex,
      sourceRecord: at(input.entry.record),
    }),
  );
}

/**
 * Remittance from 05 addenda. X12 content (`RMR*IV*...\`, or a whole ISA envelope in CTX) gives
 * structured lines; anything else is kept as free text, one entry per addenda record.
 */
export function paymentRemittance(entry: NachaEntry, c: FileCollector): Remittance {
  const addenda = entry.addenda.filter((a) => field(a, 2, 3) === '05');
  const texts = addenda.map((a) => field(a, 4, 83));
  const joined = texts.join('').trim();
  const first = addenda[0];
  if (first && /(^|[\\~*\s])RMR\*/.test(joined)) {
    const segments = edxSegments(joined, first);
    if (segments) {
      const remittance = remittanceFromSegments(segments, 'USD', (m) =>
        c.warn('amount_rounded', m, at(first)),
      );
      if (remittance.lines.length > 0) return remittance;
    }
  }
  return { lines: [], freeText: texts.map((t) => t.trim()).filter((t) => t !== '') };
}

/** X12 segments inside addenda text: an ISA envelope, or bare `\`- or `~`-ended segments. */
function edxSegments(text: string, a: NachaRecord): X12Segment[] | undefined {
  if (text.startsWith('ISA')) {
    try {
      return x12Segments(text, x12Separators(text)).map((s) => ({
        ...s,
        record: a.record,
        line: a.line,
      }));
    } catch (e) {
      if (e instanceof MalformedFile) return undefined; // not X12 after all: kept as free text
      throw e;
    }
  }
  return text
    .split(/[\\~]/)
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((s) => {
      const elements = s.split('*').map((x) => x.trim());
      return { id: elements[0] ?? '', elements, record: a.record, line: a.line };
    });
}
