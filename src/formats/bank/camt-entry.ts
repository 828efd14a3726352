/**
 * One camt entry (`Ntry`): receipts (one per transaction detail of a credit), returns (reversal
 * indicator, return information or a return bank-transaction code), or another transaction.
 *
 * - Credits are receipts unless the bank transaction code says interest, charges, or a
 *   non-payment domain (account management, securities, FX, loans).
 * - A single `TxDtls` takes the entry's booked amount; several take their own amounts, and a
 *   difference from the entry amount is a warning. Without any `TxDtls` the entry is one receipt.
 * - A batch (`Btch/NbOfTxs`) larger than the details given is a lump sum itemised elsewhere (the
 *   camt.054 for a camt.053): the receipt keeps `batchItemCount`.
 */
import type { IsoDate } from '../../domain/dates.ts';
import { cents, type Cents } from '../../domain/money.ts';
import { compact, type FileCollector } from './common.ts';
import {
  camtAmount,
  camtCharges,
  camtParty,
  camtRemittance,
  camtUltimateParty,
} from './camt-remittance.ts';
import { all, get, text, textAt, type XmlNode, type XmlValue } from './camt-xml.ts';
import type {
  AmountInCurrency,
  OtherCategory,
  Party,
  PaymentMethod,
  SourceRecord,
} from './model.ts';

export interface EntryContext {
  c: FileCollector;
  accountId: string | undefined;
  statementIndex: number;
  /** 1-based entry ordinal in the file and its line. */
  record: number;
  line: number | undefined;
  /** e.g. `Stmt[1]/Ntry[3]`. */
  path: string;
}

interface Entry {
  amount: AmountInCurrency;
  credit: boolean;
  reversal: boolean;
  status: 'booked' | 'pending' | 'info';
  bookingDate: IsoDate | undefined;
  valueDate: IsoDate | undefined;
  reference: string | undefined;
  typeCode: string | undefined;
  domain: string | undefined;
  family: string | undefined;
  subFamily: string | undefined;
  info: string[];
  batchCount: number | undefined;
  details: XmlNode[];
}

/** A date element holding `Dt` or `DtTm`; a date-time keeps the date written. */
export function camtDate(node: XmlValue | undefined): IsoDate | undefined {
  const d = textAt(node, 'Dt') ?? textAt(node, 'DtTm');
  return d && /^\d{4}-\d{2}-\d{2}/.test(d) ? d.slice(0, 10) : undefined;
}

const STATUS: Readonly<Record<string, Entry['status']>> = {
  BOOK: 'booked',
  PDNG: 'pending',
  INFO: 'info',
  FUTR: 'pending',
};

function readEntry(ntry: XmlValue, ctx: EntryContext): Entry {
  const where = source(ctx);
  const amount = camtAmount(get(ntry, 'Amt'), ctx.c, where);
  if (!amount) ctx.c.warn('unsupported_content', 'entry without an amount; read as 0', where);
  const domain = get(ntry, 'BkTxCd', 'Domn');
  const code = [
    textAt(domain, 'Cd'),
    textAt(domain, 'Fmly', 'Cd'),
    textAt(domain, 'Fmly', 'SubFmlyCd'),
  ].filter((x): x is string => x !== undefined);
  const status = textAt(ntry, 'Sts') ?? textAt(ntry, 'Sts', 'Cd') ?? 'BOOK';
  const batchCounts = all(ntry, 'NtryDtls', 'Btch').map((b) => Number(textAt(b, 'NbOfTxs')));
  return {
    amount: amount ?? { amountCents: cents(0), currency: 'XXX' },
    credit: textAt(ntry, 'CdtDbtInd') === 'CRDT',
    reversal: textAt(ntry, 'RvslInd') === 'true',
    status: STATUS[status] ?? 'booked',
    bookingDate: camtDate(get(ntry, 'BookgDt')),
    valueDate: camtDate(get(ntry, 'ValDt')),
    reference: textAt(ntry, 'AcctSvcrRef') ?? textAt(ntry, 'NtryRef'),
    typeCode:
      code.length > 0 ? code.join('-') : (textAt(ntry, 'BkTxCd', 'Prtry', 'Cd') ?? undefined),
    domain: code[0],
    family: code[1],
    subFamily: code[2],
    info: all(ntry, 'AddtlNtryInf')
      .map((n) => text(n))
      .filter((t): t is string => t !== undefined),
    batchCount: batchCounts.find((n) => Number.isSafeInteger(n) && n > 0),
    details: all(ntry, 'NtryDtls', 'TxDtls'),
  };
}

function source(ctx: EntryContext, detail?: number): SourceRecord {
  const s: SourceRecord = { record: ctx.record, path: ctx.path };
  if (detail !== undefined) s.path = `${ctx.path}/TxDtls[${detail + 1}]`;
  if (ctx.line !== undefined) s.line = ctx.line;
  return s;
}

const RETURN_SUBFAMILIES = new Set(['UPDD', 'RRTN', 'PRDD', 'RPCR', 'ARET', 'AREV', 'RRCT']);
const NON_PAYMENT_DOMAINS = new Set(['ACMT', 'CAMT', 'SECU', 'FORX', 'DERV', 'LDAS', 'TRAD']);
const FEE_SUBFAMILIES = new Set(['CHRG', 'FEES', 'COMM', 'COME', 'COMI', 'TAXE']);

/** Files one entry; see the module comment for the rules. */
export function addCamtEntry(ntry: XmlValue, ctx: EntryContext): void {
  const e = readEntry(ntry, ctx);
  const isReturn =
    e.reversal ||
    RETURN_SUBFAMILIES.has(e.subFamily ?? '') ||
    e.details.some((tx) => get(tx, 'RtrInf') !== undefined);
  if (isReturn) return addReturns(e, ctx);
  const nonPayment =
    NON_PAYMENT_DOMAINS.has(e.domain ?? '') ||
    e.subFamily === 'INTR' ||
    FEE_SUBFAMILIES.has(e.subFamily ?? '');
  if (e.credit && !nonPayment) return addReceipts(e, ctx);
  addOther(e, ctx, nonPayment);
}

/** Each detail's own amount (v04+ `Amt`, v02 `AmtDtls/TxAmt/Amt`). */
function detailAmount(tx: XmlValue, ctx: EntryContext, i: number): AmountInCurrency | undefined {
  const node = get(tx, 'Amt') ?? get(tx, 'AmtDtls', 'TxAmt', 'Amt');
  return camtAmount(node, ctx.c, source(ctx, i));
}

/** Splits the entry into per-detail amounts; one part for the whole entry when not itemised. */
interface Part {
  tx: XmlValue | undefined;
  amount: AmountInCurrency;
}

function parts(e: Entry, ctx: EntryContext): Part[] {
  if (e.details.length <= 1) return [{ tx: e.details[0], amount: e.amount }];
  const amounts = e.details.map((tx, i) => detailAmount(tx, ctx, i));
  if (amounts.some((a) => a === undefined || a.currency !== e.amount.currency)) {
    ctx.c.warn(
      'lump_sum_without_details',
      `entry of ${e.details.length} transactions without an amount in ${e.amount.currency} ` +
        'for each: kept as one item with all their remittance',
      source(ctx),
    );
    return [{ tx: undefined, amount: e.amount }];
  }
  const total = amounts.reduce((s, a) => s + (a?.amountCents ?? 0), 0);
  ctx.c.control('transaction', 'entry total', e.amount.amountCents, total, source(ctx));
  return e.details.map((tx, i) => ({ tx, amount: amounts[i] as AmountInCurrency }));
}

/** Remittance of one detail, or of all details merged when the entry is kept whole. */
function detailsOf(e: Entry, tx: XmlValue | undefined): XmlNode[] {
  return tx === undefined ? e.details : [tx as XmlNode];
}

const METHODS: Readonly<Record<string, PaymentMethod>> = {
  RCDT: 'transfer',
  ICDT: 'transfer',
  RCHQ: 'check',
  ICHQ: 'check',
  RDDT: 'direct_debit',
  IDDT: 'direct_debit',
  CCRD: 'card',
  MCRD: 'card',
  LBOX: 'lockbox',
  DRFT: 'check',
};

function method(e: Entry): PaymentMethod {
  if (e.subFamily === 'XBCT' || e.subFamily === 'XBDD') return 'wire';
  if (e.subFamily === 'LBDP' || e.subFamily === 'LBCA') return 'lockbox';
  return METHODS[e.family ?? ''] ?? 'other';
}

function references(tx: XmlValue | undefined) {
  const refs = get(tx, 'Refs');
  const endToEnd = textAt(refs, 'EndToEndId');
  return {
    bank: textAt(refs, 'AcctSvcrRef') ?? textAt(refs, 'Prtry', 'Ref'),
    customer: endToEnd && endToEnd !== 'NOTPROVIDED' ? endToEnd : textAt(refs, 'TxId'),
    cheque: textAt(refs, 'ChqNb'),
    uetr: textAt(refs, 'UETR'),
  };
}

function bankTexts(e: Entry, txs: XmlNode[], uetr: string | undefined): string[] {
  const out = txs.flatMap((tx) =>
    all(tx, 'AddtlTxInf')
      .map((n) => text(n))
      .filter((t): t is string => t !== undefined),
  );
  out.push(...e.info);
  if (uetr) out.push(`UETR: ${uetr}`);
  return out;
}

function mergedRemittance(txs: XmlNode[], e: Entry, ctx: EntryContext, i?: number) {
  const where = { currency: e.amount.currency, c: ctx.c, where: source(ctx, i) };
  const rem = txs.map((tx) => camtRemittance(tx, where));
  return { lines: rem.flatMap((r) => r.lines), freeText: rem.flatMap((r) => r.freeText) };
}

function counterparty(tx: XmlValue | undefined, original: 'Dbtr' | 'Cdtr'): Party {
  const other = original === 'Dbtr' ? 'Cdtr' : 'Dbtr';
  return camtParty(tx, original) ?? camtParty(tx, other) ?? {};
}

function addReceipts(e: Entry, ctx: EntryContext): void {
  for (const [i, part] of parts(e, ctx).entries()) {
    const txs = detailsOf(e, part.tx);
    const refs = references(part.tx ?? txs[0]);
    const detailIndex = part.tx !== undefined && e.details.length > 1 ? i : undefined;
    const instructed = camtAmount(
      get(part.tx, 'AmtDtls', 'InstdAmt', 'Amt'),
      ctx.c,
      source(ctx, detailIndex),
    );
    const differs =
      instructed &&
      (instructed.currency !== part.amount.currency ||
        instructed.amountCents !== part.amount.amountCents);
    ctx.c.result.receipts.push(
      compact({
        amountCents: part.amount.amountCents,
        currency: part.amount.currency,
        bookingDate: e.bookingDate,
        valueDate: e.valueDate,
        method: method(e),
        status: e.status,
        bankReference: refs.bank ?? e.reference,
        customerReference: refs.customer,
        checkNumber: refs.cheque,
        payer: counterparty(part.tx, 'Dbtr'),
        ultimatePayer: camtUltimateParty(part.tx, 'UltmtDbtr'),
        remittance: mergedRemittance(txs, e, ctx, detailIndex),
        bankText: bankTexts(e, txs, refs.uetr),
        typeCode: e.typeCode,
        accountId: ctx.accountId,
        statementIndex: ctx.statementIndex,
        entryReference: e.reference,
        batchItemCount:
          e.batchCount !== undefined && e.batchCount > e.details.length ? e.batchCount : undefined,
        chargesCents: camtCharges(part.tx, {
          currency: part.amount.currency,
          c: ctx.c,
          where: source(ctx, detailIndex),
        }),
        instructedAmount: differs ? instructed : undefined,
        sourceRecord: source(ctx, detailIndex),
      }),
    );
  }
}

function addReturns(e: Entry, ctx: EntryContext): void {
  for (const [i, part] of parts(e, ctx).entries()) {
    const txs = detailsOf(e, part.tx);
    const tx = part.tx ?? txs[0];
    const refs = references(tx);
    const rtr = get(tx, 'RtrInf');
    const detailIndex = part.tx !== undefined && e.details.length > 1 ? i : undefined;
    const reasonText = all(rtr, 'AddtlInf')
      .map((n) => text(n))
      .filter((t): t is string => t !== undefined)
      .join(' ');
    ctx.c.result.returns.push(
      compact({
        kind: rtr !== undefined || !e.reversal ? ('return' as const) : ('reversal' as const),
        direction: e.credit ? ('credit' as const) : ('debit' as const),
        status: e.status,
        amountCents: part.amount.amountCents,
        currency: part.amount.currency,
        date: e.bookingDate ?? e.valueDate,
        method: method(e),
        reasonCode: textAt(rtr, 'Rsn', 'Cd') ?? textAt(rtr, 'Rsn', 'Prtry'),
        reasonText,
        originalReference: refs.customer ?? textAt(tx, 'Refs', 'InstrId'),
        originalAmountCents: originalAmount(tx, ctx, detailIndex),
        // The original of a debit reversal was a credit to us, paid by the debtor.
        party: counterparty(tx, e.credit ? 'Cdtr' : 'Dbtr'),
        bankReference: refs.bank ?? e.reference,
        remittance: mergedRemittance(txs, e, ctx, detailIndex),
        bankText: bankTexts(e, txs, refs.uetr),
        typeCode: e.typeCode,
        detectedBy: 'code' as const,
        accountId: ctx.accountId,
        statementIndex: ctx.statementIndex,
        sourceRecord: source(ctx, detailIndex),
      }),
    );
  }
}

function originalAmount(
  tx: XmlValue | undefined,
  ctx: EntryContext,
  i: number | undefined,
): Cents | undefined {
  const node = get(tx, 'AmtDtls', 'InstdAmt', 'Amt');
  return camtAmount(node, ctx.c, source(ctx, i))?.amountCents;
}

function addOther(e: Entry, ctx: EntryContext, nonPayment: boolean): void {
  let category: OtherCategory = 'other';
  if (FEE_SUBFAMILIES.has(e.subFamily ?? '')) category = 'fee';
  else if (e.subFamily === 'INTR') category = 'interest';
  else if (!e.credit && e.domain === 'PMNT') category = 'outgoing_payment';
  else if (nonPayment) category = 'transfer';
  const first = e.details[0];
  const names = e.details
    .map((tx) => counterparty(tx, e.credit ? 'Dbtr' : 'Cdtr').name)
    .filter((n): n is string => n !== undefined);
  const texts = e.details.flatMap((tx) => all(tx, 'RmtInf', 'Ustrd').map((u) => text(u) ?? ''));
  const remittance = mergedRemittance(e.details, e, ctx);
  const hasRemittance = remittance.lines.length > 0 || remittance.freeText.length > 0;
  ctx.c.result.other.push(
    compact({
      direction: e.credit ? ('credit' as const) : ('debit' as const),
      category,
      amountCents: e.amount.amountCents,
      currency: e.amount.currency,
      bookingDate: e.bookingDate,
      valueDate: e.valueDate,
      typeCode: e.typeCode,
      description:
        [...new Set([...names, ...texts, ...e.info])].filter(Boolean).join(' / ') ||
        `${e.credit ? 'credit' : 'debit'} ${e.typeCode ?? 'entry'}`,
      bankReference: e.reference ?? references(first).bank ?? references(first).uetr,
      counterparty: e.details.length === 1 ? counterparty(first, e.credit ? 'Dbtr' : 'Cdtr') : {},
      remittance: hasRemittance ? remittance : undefined,
      itemCount: Math.max(e.details.length, e.batchCount ?? 0) || undefined,
      accountId: ctx.accountId,
      statementIndex: ctx.statementIndex,
      sourceRecord: source(ctx),
    }),
  );
}
