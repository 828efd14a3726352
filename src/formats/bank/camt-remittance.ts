/**
 * camt transaction details: remittance (RmtInf), parties (RltdPties, RltdAgts) and amounts, in
 * the shapes of schema versions 001.02 to 001.08 (v08 wraps party names in `Pty`).
 *
 * One `Strd` block gives one line per referred document (`RfrdDocInf/Nb`), else one line for its
 * creditor reference (`CdtrRefInf/Ref`: SCOR, QRR, ISR, RF...). Amounts (`RfrdDocAmt`) go on the
 * first line of the block: `RmtdAmt` is the amount paid; a block with only `CdtNoteAmt` is a
 * credit note netted inside the payment, with a negative paid amount, so an invoice of 2500 and
 * a credit note of 600 paid together add up to the 1900 received.
 */
import { cents, type Cents } from '../../domain/money.ts';
import { compact, malformed, parseDecimalAmount, type FileCollector } from './common.ts';
import { all, attr, get, text, textAt, type XmlValue } from './camt-xml.ts';
import type {
  AmountInCurrency,
  Party,
  Remittance,
  RemittanceLine,
  RemittanceReferenceType,
  SourceRecord,
} from './model.ts';

/** Amount of an `<Amt Ccy="EUR">12.50</Amt>`-like node, with rounding reported. */
export function camtAmount(
  node: XmlValue | undefined,
  c: FileCollector,
  where: SourceRecord,
): AmountInCurrency | undefined {
  const value = text(node);
  if (value === undefined) return undefined;
  const currency = attr(node, 'Ccy') ?? '';
  if (!/^[A-Z]{3}$/.test(currency)) {
    malformed(`amount '${value}' has no valid Ccy currency code`, where);
  }
  const parsed = parseDecimalAmount(value, currency);
  if (!parsed.ok) malformed(parsed.error, where);
  if (parsed.value.rounded) {
    c.warn(
      'amount_rounded',
      `amount ${value} ${currency} has more decimals than ${currency} allows; ` +
        'rounded half-to-even',
      where,
    );
  }
  return { amountCents: parsed.value.amountCents, currency };
}

const DOCUMENT_TYPES: Readonly<Record<string, RemittanceReferenceType>> = {
  CINV: 'invoice',
  CMCN: 'invoice',
  CNFA: 'invoice',
  HIRI: 'invoice',
  SBIN: 'invoice',
  CREN: 'credit_note',
  DEBN: 'debit_note',
  PUOR: 'purchase_order',
  SOAC: 'account',
};

interface AmountContext {
  currency: string;
  c: FileCollector;
  where: SourceRecord;
}

/** Remittance of one TxDtls: lines from `Strd`, free text from `Ustrd` and `AddtlRmtInf`. */
export function camtRemittance(tx: XmlValue | undefined, ctx: AmountContext): Remittance {
  const rmt = get(tx, 'RmtInf');
  const out: Remittance = {
    lines: [],
    freeText: all(rmt, 'Ustrd')
      .map((u) => text(u))
      .filter((u): u is string => u !== undefined),
  };
  for (const strd of all(rmt, 'Strd')) {
    out.lines.push(...strdLines(strd, ctx));
    for (const info of all(strd, 'AddtlRmtInf')) {
      const t = text(info);
      if (t) out.freeText.push(t);
    }
  }
  return out;
}

function codeOrProprietary(node: XmlValue | undefined): string | undefined {
  return (
    textAt(node, 'CdOrPrtry', 'Cd') ?? textAt(node, 'CdOrPrtry', 'Prtry') ?? textAt(node, 'Cd')
  );
}

function strdLines(strd: XmlValue, ctx: AmountContext): RemittanceLine[] {
  const creditorRef = textAt(strd, 'CdtrRefInf', 'Ref');
  const creditorRefType = codeOrProprietary(get(strd, 'CdtrRefInf', 'Tp')) ?? 'creditor_reference';
  const lines: RemittanceLine[] = all(strd, 'RfrdDocInf').map((doc) => {
    const rawType = codeOrProprietary(get(doc, 'Tp'));
    const line: RemittanceLine = compact({
      referenceType: DOCUMENT_TYPES[rawType ?? ''] ?? (rawType ? 'other' : 'invoice'),
      rawType,
      documentNumber: textAt(doc, 'Nb'),
      documentDate: textAt(doc, 'RltdDt')?.slice(0, 10),
      references: [],
    });
    if (creditorRef) line.references.push({ qualifier: creditorRefType, value: creditorRef });
    return line;
  });
  if (lines.length === 0 && creditorRef !== undefined) {
    lines.push({
      referenceType: 'creditor_reference',
      rawType: creditorRefType,
      documentNumber: creditorRef,
      references: [],
    });
  }
  const amounts = get(strd, 'RfrdDocAmt');
  if (amounts === undefined) return lines;
  if (lines.length === 0) lines.push({ referenceType: 'other', references: [] });
  applyAmounts(lines[0] as RemittanceLine, amounts, ctx);
  return lines;
}

function applyAmounts(line: RemittanceLine, amounts: XmlValue, ctx: AmountContext): void {
  const amt = (name: string) => camtAmount(get(amounts, name), ctx.c, ctx.where);
  const remitted = amt('RmtdAmt');
  const creditNote = amt('CdtNoteAmt');
  const due = amt('DuePyblAmt');
  const discounts = all(amounts, 'DscntApldAmt').map((d) =>
    camtAmount(get(d, 'Amt') ?? d, ctx.c, ctx.where),
  );
  const currency = remitted?.currency ?? creditNote?.currency ?? due?.currency;
  if (currency && currency !== ctx.currency) line.currency = currency;
  if (remitted) line.paidCents = remitted.amountCents;
  else if (creditNote) {
    line.paidCents = cents(-creditNote.amountCents);
    if (line.referenceType === 'creditor_reference') line.referenceType = 'credit_note';
  }
  if (due) line.grossCents = due.amountCents;
  const discount = discounts.reduce<number>((s, d) => s + (d?.amountCents ?? 0), 0);
  if (discounts.length > 0) line.discountCents = cents(discount);
  const adjustments = all(amounts, 'AdjstmntAmtAndRsn');
  if (adjustments.length > 0) {
    let total = 0;
    const reasons: string[] = [];
    for (const a of adjustments) {
      const v = camtAmount(get(a, 'Amt'), ctx.c, ctx.where)?.amountCents ?? 0;
      total += textAt(a, 'CdtDbtInd') === 'CRDT' ? v : -v;
      const reason = textAt(a, 'Rsn') ?? textAt(a, 'AddtlInf');
      if (reason) reasons.push(reason);
    }
    line.adjustmentCents = cents(total);
    if (reasons.length > 0) line.adjustmentReason = reasons.join(',');
  }
}

/** Name, account, bank and id of the debtor or creditor side of a transaction. */
export function camtParty(tx: XmlValue | undefined, side: 'Dbtr' | 'Cdtr'): Party | undefined {
  const pties = get(tx, 'RltdPties');
  const p = get(pties, side);
  const pty = get(p, 'Pty') ?? p;
  const id = get(pty, 'Id', 'OrgId') ?? get(pty, 'Id', 'PrvtId');
  const othr = get(id, 'Othr');
  const agent = get(tx, 'RltdAgts', `${side}Agt`, 'FinInstnId');
  const account = get(pties, `${side}Acct`, 'Id');
  const party = compact({
    name: textAt(pty, 'Nm'),
    account: textAt(account, 'IBAN') ?? textAt(account, 'Othr', 'Id'),
    bankId:
      textAt(agent, 'BIC') ?? textAt(agent, 'BICFI') ?? textAt(agent, 'ClrSysMmbId', 'MmbId'),
    id: textAt(othr, 'Id') ?? textAt(id, 'BICOrBEI') ?? textAt(id, 'AnyBIC'),
    idScheme: textAt(othr, 'SchmeNm', 'Cd') ?? textAt(othr, 'SchmeNm', 'Prtry'),
  });
  return Object.keys(party).length > 0 ? party : undefined;
}

/** The ultimate debtor or creditor, when named. */
export function camtUltimateParty(
  tx: XmlValue | undefined,
  side: 'UltmtDbtr' | 'UltmtCdtr',
): Party | undefined {
  const p = get(tx, 'RltdPties', side);
  const pty = get(p, 'Pty') ?? p;
  if (pty === undefined) return undefined;
  const othr = get(pty, 'Id', 'OrgId', 'Othr') ?? get(pty, 'Id', 'PrvtId', 'Othr');
  const party = compact({
    name: textAt(pty, 'Nm'),
    id: textAt(othr, 'Id'),
    idScheme: textAt(othr, 'SchmeNm', 'Cd') ?? textAt(othr, 'SchmeNm', 'Prtry'),
  });
  return Object.keys(party).length > 0 ? party : undefined;
}

/** Charges on a transaction in `currency`: v02 `Chrgs[]/Amt`, v04+ `Chrgs/Rcrd[]/Amt`. */
export function camtCharges(tx: XmlValue | undefined, ctx: AmountContext): Cents | undefined {
  const nodes = [...all(tx, 'Chrgs', 'Amt'), ...all(tx, 'Chrgs', 'Rcrd', 'Amt')];
  let total = 0;
  let found = false;
  for (const n of nodes) {
    const a = camtAmount(n, ctx.c, ctx.where);
    if (a && a.currency === ctx.currency) {
      total += a.amountCents;
      found = true;
    }
  }
  return found ? cents(total) : undefined;
}
