/**
 * X12 820 Payment Order/Remittance Advice: one receipt per ST/SE transaction set, with its
 * remittance lines. An 820 is the payer's advice, not the bank's confirmation, so its receipts
 * have status `info`; the matching engine pairs them with the bank's credit.
 *
 * BPR02 amount, BPR04 method (ACH, CHK, FWT...), BPR05 format (CTX, CCD, PBC), BPR07/BPR09 the
 * payer's bank and account, BPR16 effective date; TRN02 the check or EFT trace number; CUR02 the
 * currency; N1*PR the payer. Control counts (SE01, GE01, IEA01) are checked as warnings, and so
 * is whether the remittance lines add up to BPR02.
 */
import type { IsoDate } from '../../domain/dates.ts';
import type { Result } from '../../domain/result.ts';
import {
  ccyymmddToIso,
  compact,
  FileCollector,
  malformed,
  refuseOnMalformed,
  yymmddToIso,
} from './common.ts';
import type {
  BankFileError,
  BankStatement,
  ParsedBankFile,
  PaymentMethod,
  Receipt,
  SourceRecord,
} from './model.ts';
import { remittanceFromSegments, x12Amount } from './x12-remittance.ts';
import { x12Segments, x12Separators, type X12Segment } from './x12-segments.ts';

/** Parses an X12 interchange holding 820 transaction sets. */
export function parseX12820(text: string): Result<ParsedBankFile, BankFileError> {
  return refuseOnMalformed('x12-820', () => {
    const body = text.replace(/^\uFEFF/, '').trimStart();
    const segments = x12Segments(body, x12Separators(body));
    const c = new FileCollector('x12-820');
    readInterchange(segments, c);
    return c.result;
  });
}

const at = (s: X12Segment): SourceRecord => ({ record: s.record, line: s.line });

function readInterchange(segments: X12Segment[], c: FileCollector): void {
  const isa = segments[0];
  if (!isa || isa.id !== 'ISA') malformed('an X12 interchange must begin with an ISA segment');
  c.result.sender = isa.elements[6] ?? '';
  c.result.receiver = isa.elements[8] ?? '';
  c.result.fileId = isa.elements[13] ?? '';
  const date = yymmddToIso(isa.elements[9] ?? '');
  if (date) c.result.createdAt = `${date}T${hhmm(isa.elements[10] ?? '')}`;
  let groups = 0;
  let sets = 0;
  let gs: X12Segment | undefined;
  let st: number | undefined;
  for (let i = 1; i < segments.length; i++) {
    const seg = segments[i] as X12Segment;
    if (seg.id === 'GS') {
      gs = seg;
      groups += 1;
      sets = 0;
      c.result.formatVersion = seg.elements[8] ?? c.result.formatVersion;
    } else if (seg.id === 'ST') {
      if (!gs) malformed('an ST transaction set outside a GS functional group', seg);
      if (seg.elements[1] !== '820') {
        const set = seg.elements[1] ?? '?';
        malformed(`X12 transaction set ${set} is not an 820 remittance advice`, seg);
      }
      st = i;
    } else if (seg.id === 'SE') {
      if (st === undefined) malformed('an SE trailer without its ST header', seg);
      c.control('transaction', 'segment count', seg.elements[1] ?? '', i - st + 1, at(seg));
      readTransaction(segments.slice(st, i + 1), c);
      st = undefined;
      sets += 1;
    } else if (seg.id === 'GE') {
      if (!gs) malformed('a GE trailer without its GS header', seg);
      c.control('group', 'transaction set count', seg.elements[1] ?? '', sets, at(seg));
      c.control('group', 'control number', seg.elements[2] ?? '', gs.elements[6] ?? '', at(seg));
      gs = undefined;
    } else if (seg.id === 'IEA') {
      c.control('file', 'functional group count', seg.elements[1] ?? '', groups, at(seg));
      c.control('file', 'control number', seg.elements[2] ?? '', isa.elements[13] ?? '', at(seg));
      return;
    }
  }
  malformed('the interchange ends without an IEA trailer (truncated?)', segments.at(-1));
}

const METHODS: Readonly<Record<string, PaymentMethod>> = {
  ACH: 'ach',
  CHK: 'check',
  FWT: 'wire',
  SWT: 'wire',
  FEW: 'wire',
  BOP: 'other',
};

function readTransaction(segs: X12Segment[], c: FileCollector): void {
  const bpr = segs.find((s) => s.id === 'BPR');
  const st = segs[0] as X12Segment;
  if (!bpr) malformed('the 820 transaction set has no BPR payment segment', st);
  const currency = segs.find((s) => s.id === 'CUR')?.elements[2] || 'USD';
  const warnRounded = (m: string, s: X12Segment) => c.warn('amount_rounded', m, at(s));
  const amount = x12Amount(bpr, 2, currency, warnRounded);
  if (amount === undefined) malformed('BPR02 payment amount is missing', bpr);
  if (amount <= 0) {
    malformed(`BPR02 payment amount must be positive, found ${bpr.elements[2]}`, bpr);
  }
  const firstLoop = segs.findIndex((s) => s.id === 'ENT' || s.id === 'RMR');
  const header = firstLoop < 0 ? segs : segs.slice(0, firstLoop);
  const remittance = remittanceFromSegments(
    firstLoop < 0 ? [] : segs.slice(firstLoop),
    currency,
    warnRounded,
  );
  const e = bpr.elements;
  const trn = header.find((s) => s.id === 'TRN');
  const payerN1 = header.find((s) => s.id === 'N1' && s.elements[1] === 'PR');
  const method = METHODS[e[4] ?? ''] ?? 'other';
  const valueDate = ccyymmddToIso(e[16] ?? '') ?? headerDate(header);
  const statement: BankStatement = compact({
    kind: 'remittance_advice' as const,
    id: trn?.elements[2] || st.elements[2],
    accountId: e[15] || undefined,
    currency,
    date: valueDate,
    secCode: e[5] || undefined,
    companyName: payerN1?.elements[2],
    balances: [],
    summaries: [],
    transactionCount: 1,
    sourceRecord: at(st),
  });
  c.result.statements.push(statement);
  const receipt: Receipt = compact({
    amountCents: amount,
    currency,
    valueDate,
    method,
    status: 'info' as const,
    customerReference: trn?.elements[2],
    checkNumber: method === 'check' ? trn?.elements[2] : undefined,
    payer: compact({
      name: payerN1?.elements[2],
      id: payerN1?.elements[4],
      idScheme: payerN1?.elements[3],
      account: e[9] || undefined,
      bankId: e[7] || undefined,
    }),
    remittance,
    bankText: header
      .filter((s) => s.id === 'REF' || s.id === 'NTE')
      .map((s) => s.elements.slice(1).join(': ')),
    typeCode: [e[4], e[5]].filter(Boolean).join('/'),
    accountId: e[15] || undefined,
    statementIndex: c.result.statements.length - 1,
    sourceRecord: at(bpr),
  });
  c.result.receipts.push(receipt);
  checkRemittanceTotal(receipt, bpr, c);
}

/** Warns when the remittance lines, deductions included, do not add up to the payment. */
function checkRemittanceTotal(r: Receipt, bpr: X12Segment, c: FileCollector): void {
  const paid = r.remittance.lines.map((l) => l.paidCents);
  if (paid.length === 0 || paid.some((p) => p === undefined)) return;
  const total = paid.reduce<number>((a, b) => a + (b ?? 0), 0);
  const warning = 'remittance_does_not_tie';
  c.control('transaction', 'remittance total', r.amountCents, total, at(bpr), warning);
}

function headerDate(header: X12Segment[]): IsoDate | undefined {
  for (const q of ['007', '020', '097']) {
    const dtm = header.find((s) => s.id === 'DTM' && s.elements[1] === q);
    const d = ccyymmddToIso(dtm?.elements[2] ?? '');
    if (d) return d;
  }
  return undefined;
}

function hhmm(s: string): string {
  return /^\d{4}$/.test(s) ? `${s.slice(0, 2)}:${s.slice(2)}` : '00:00';
}
