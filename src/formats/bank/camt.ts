/**
 * ISO 20022 bank-to-customer cash management messages: camt.053 statements, camt.054
 * debit/credit notifications and camt.052 intraday reports, any schema version (the element
 * names used here are the same from 001.02 to 001.08). Pure: text in, values out.
 *
 * Each Stmt/Ntfctn/Rpt becomes a statement; entries become receipts, returns or other
 * transactions (camt-entry.ts). Checked as warnings: the transaction summary (`TxsSummry`)
 * against the entries, and for statements opening balance + credits - debits = closing balance.
 * A message without any Stmt/Ntfctn/Rpt is refused: there is nothing to import.
 */
import { cents } from '../../domain/money.ts';
import type { Result } from '../../domain/result.ts';
import {
  compact,
  FileCollector,
  malformed,
  parseDecimalAmount,
  refuseOnMalformed,
} from './common.ts';
import { addCamtEntry, camtDate } from './camt-entry.ts';
import { camtAmount } from './camt-remittance.ts';
import {
  all,
  elementLines,
  get,
  parseXml,
  textAt,
  type XmlNode,
  type XmlValue,
} from './camt-xml.ts';
import type {
  Balance,
  BankFileError,
  BankFileFormat,
  BankStatement,
  ParsedBankFile,
  SourceRecord,
} from './model.ts';

interface MessageKind {
  format: Extract<BankFileFormat, 'camt.052' | 'camt.053' | 'camt.054'>;
  root: string;
  report: string;
  kind: BankStatement['kind'];
}

const MESSAGES: readonly MessageKind[] = [
  { format: 'camt.053', root: 'BkToCstmrStmt', report: 'Stmt', kind: 'statement' },
  { format: 'camt.054', root: 'BkToCstmrDbtCdtNtfctn', report: 'Ntfctn', kind: 'notification' },
  { format: 'camt.052', root: 'BkToCstmrAcctRpt', report: 'Rpt', kind: 'report' },
];

const NAMESPACE = /urn:iso:std:iso:20022:tech:xsd:(camt\.05[234]\.\d{3}\.\d{2})/;

/** Parses a camt.052, camt.053 or camt.054 message. */
export function parseCamt(xml: string): Result<ParsedBankFile, BankFileError> {
  const body = xml.replace(/^\uFEFF/, '');
  const declared = NAMESPACE.exec(body.slice(0, 4096))?.[1];
  const guess = (declared?.slice(0, 8) as MessageKind['format'] | undefined) ?? 'camt.053';
  return refuseOnMalformed(guess, () => {
    const root = parseXml(body);
    const doc = root['Document'] ?? root;
    const kind = MESSAGES.find((m) => get(doc, m.root) !== undefined);
    if (!kind) {
      malformed('the XML is not a camt.052, camt.053 or camt.054 message (no BkToCstmr* element)');
    }
    const c = new FileCollector(kind.format);
    if (declared) c.result.formatVersion = declared;
    readMessage(body, get(doc, kind.root), kind, c);
    return c.result;
  });
}

function readMessage(xml: string, msg: XmlValue | undefined, kind: MessageKind, c: FileCollector) {
  const hdr = get(msg, 'GrpHdr');
  const res = c.result;
  res.fileId = textAt(hdr, 'MsgId');
  res.createdAt = textAt(hdr, 'CreDtTm');
  res.receiver = textAt(hdr, 'MsgRcpt', 'Nm');
  compact(res);
  const reports = all(msg, kind.report);
  if (reports.length === 0) {
    malformed(
      `the ${kind.format} message has no ${kind.report} element: it reports no account, ` +
        'so there is nothing to import',
      { line: elementLines(xml, kind.root)[0] ?? 1 },
    );
  }
  const reportLines = elementLines(xml, kind.report);
  const entryLines = elementLines(xml, 'Ntry');
  let entryOrdinal = 0;
  reports.forEach((report, si) => {
    const path = `${kind.report}[${si + 1}]`;
    const where: SourceRecord = compact({ record: si + 1, line: reportLines[si], path });
    const statement = readStatement(report, kind, c, where);
    c.result.statements.push(statement);
    const statementIndex = c.result.statements.length - 1;
    const entries = all(report, 'Ntry');
    entries.forEach((ntry, ni) => {
      entryOrdinal += 1;
      addCamtEntry(ntry, {
        c,
        accountId: statement.accountId,
        statementIndex,
        record: entryOrdinal,
        line: entryLines[entryOrdinal - 1],
        path: `${path}/Ntry[${ni + 1}]`,
      });
    });
    checkSummary(report, entries, statement, c, where);
  });
}

function readStatement(
  report: XmlNode,
  kind: MessageKind,
  c: FileCollector,
  where: SourceRecord,
): BankStatement {
  const acct = get(report, 'Acct');
  const balances = all(report, 'Bal').map((b) => readBalance(b, c, where));
  const statement: BankStatement = compact({
    kind: kind.kind,
    id: textAt(report, 'Id'),
    accountId: textAt(acct, 'Id', 'IBAN') ?? textAt(acct, 'Id', 'Othr', 'Id'),
    accountName: textAt(acct, 'Nm') ?? textAt(acct, 'Ownr', 'Nm'),
    currency: textAt(acct, 'Ccy'),
    date: textAt(report, 'CreDtTm')?.slice(0, 10),
    fromDate: textAt(report, 'FrToDt', 'FrDtTm')?.slice(0, 10),
    toDate: textAt(report, 'FrToDt', 'ToDtTm')?.slice(0, 10),
    reportType: kind.format === 'camt.052' ? ('current_day' as const) : undefined,
    balances: balances.filter((b): b is Balance => b !== undefined),
    summaries: [],
    transactionCount: all(report, 'Ntry').length,
    sourceRecord: where,
  });
  return statement;
}

function readBalance(b: XmlNode, c: FileCollector, where: SourceRecord): Balance | undefined {
  const amount = camtAmount(get(b, 'Amt'), c, where);
  if (!amount) return undefined;
  const debit = textAt(b, 'CdtDbtInd') === 'DBIT';
  return compact({
    type:
      textAt(b, 'Tp', 'CdOrPrtry', 'Cd') ?? textAt(b, 'Tp', 'CdOrPrtry', 'Prtry') ?? 'UNKNOWN',
    amountCents: cents(debit ? -amount.amountCents : amount.amountCents),
    currency: amount.currency,
    date: camtDate(get(b, 'Dt')),
  });
}

interface EntryTotals {
  count: number;
  sum: number;
  credits: { count: number; sum: number };
  debits: { count: number; sum: number };
  currency: string | undefined;
}

function totalsOf(entries: XmlNode[], c: FileCollector, where: SourceRecord): EntryTotals {
  const t: EntryTotals = {
    count: entries.length,
    sum: 0,
    credits: { count: 0, sum: 0 },
    debits: { count: 0, sum: 0 },
    currency: undefined,
  };
  for (const ntry of entries) {
    const a = camtAmount(get(ntry, 'Amt'), c, where);
    if (!a) continue;
    t.currency ??= a.currency;
    const side = textAt(ntry, 'CdtDbtInd') === 'CRDT' ? t.credits : t.debits;
    side.count += 1;
    side.sum += a.amountCents;
    t.sum += a.amountCents;
  }
  return t;
}

/** Compares `TxsSummry` and the balances with the entries; mismatches become warnings. */
function checkSummary(
  report: XmlNode,
  entries: XmlNode[],
  s: BankStatement,
  c: FileCollector,
  where: SourceRecord,
): void {
  const t = totalsOf(entries, c, where);
  const currency = t.currency ?? s.currency ?? s.balances[0]?.currency ?? 'EUR';
  const summary = get(report, 'TxsSummry');
  const check = (name: string, node: XmlValue | undefined, count: number, sum: number) => {
    const n = textAt(node, 'NbOfNtries');
    if (n !== undefined) c.control('statement', `${name} entry count`, Number(n), count, where);
    const total = textAt(node, 'Sum');
    if (total !== undefined) {
      const parsed = parseDecimalAmount(total, currency);
      const stated = parsed.ok ? parsed.value.amountCents : total;
      c.control('statement', `${name} sum`, stated, sum, where);
    }
  };
  check('total', get(summary, 'TtlNtries'), t.count, t.sum);
  check('credit', get(summary, 'TtlCdtNtries'), t.credits.count, t.credits.sum);
  check('debit', get(summary, 'TtlDbtNtries'), t.debits.count, t.debits.sum);
  if (s.kind !== 'statement') return;
  const opening = s.balances.find((b) => b.type === 'OPBD' || b.type === 'PRCD');
  const closing = s.balances.find((b) => b.type === 'CLBD');
  if (!opening || !closing || opening.currency !== closing.currency) return;
  if (t.currency !== undefined && t.currency !== opening.currency) return;
  const expected = opening.amountCents + t.credits.sum - t.debits.sum;
  c.control('statement', 'closing balance', closing.amountCents, expected, where);
}

/** Exposed for detection: the camt message type an XML text declares, if any. */
export function declaredCamtFormat(xml: string): MessageKind['format'] | undefined {
  const ns = NAMESPACE.exec(xml.slice(0, 4096))?.[1];
  if (ns) return ns.slice(0, 8) as MessageKind['format'];
  const head = xml.slice(0, 8192);
  return MESSAGES.find((m) => new RegExp(`<(?:[\\w.-]+:)?${m.root}[\\s>]`).test(head))?.format;
}

