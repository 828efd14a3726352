/**
 * The remittance part of an X12 820 (also found inside NACHA CTX and CCD+ addenda): ENT loops
 * with RMR remittance lines, ADX adjustments, and their REF, DTM and NTE children.
 *
 * - RMR01 qualifier, RMR02 document number, RMR04 net amount paid, RMR05 gross (invoice) amount,
 *   RMR06 discount taken, RMR07/RMR08 adjustment reason and amount (4060).
 * - An ADX after an RMR in the same loop adjusts that line. An ADX before any RMR of its ENT
 *   loop is a deduction or charge of its own (Safeway: `ADX*-13676.81*ZZ*CM*WSO_144324_05`):
 *   it becomes its own line, with the ADX amount as both its paid and adjustment amount, because
 *   the payer netted it into the payment.
 * - REF, DTM and NTE belong to the latest line; before any line, they are kept as free text.
 */
import { cents, type Cents } from '../../domain/money.ts';
import { ccyymmddToIso, malformed, parseDecimalAmount } from './common.ts';
import type { Remittance, RemittanceLine, RemittanceReferenceType } from './model.ts';
import type { X12Segment } from './x12-segments.ts';

const REFERENCE_TYPES: Readonly<Record<string, RemittanceReferenceType>> = {
  IV: 'invoice',
  IK: 'invoice',
  OI: 'invoice',
  CM: 'credit_note',
  CR: 'credit_note',
  DM: 'debit_note',
  DB: 'debit_note',
  '11': 'account',
  '12': 'account',
  '14': 'account',
  AP: 'account',
  PO: 'purchase_order',
  RZ: 'return_authorization',
};

export function x12ReferenceType(qualifier: string): RemittanceReferenceType {
  return REFERENCE_TYPES[qualifier] ?? 'other';
}

export type AmountWarning = (message: string, segment: X12Segment) => void;

/** An X12 decimal amount element ("20430.34", "-892.8", "4153"); empty gives undefined. */
export function x12Amount(
  seg: X12Segment,
  index: number,
  currency: string,
  onRounded: AmountWarning,
): Cents | undefined {
  const text = seg.elements[index] ?? '';
  if (text === '') return undefined;
  const parsed = parseDecimalAmount(text, currency);
  const name = `${seg.id}${String(index).padStart(2, '0')}`;
  if (!parsed.ok) malformed(`${name} ${parsed.error}`, seg);
  if (parsed.value.rounded) onRounded(`${name} '${text}' rounded to ${currency} precision`, seg);
  return parsed.value.amountCents;
}

interface LoopState {
  current: RemittanceLine | undefined;
  currentIsRmr: boolean;
  entity: string | undefined;
}

/** Builds remittance lines and free text from the segments of ENT/RMR/ADX loops. */
export function remittanceFromSegments(
  segments: readonly X12Segment[],
  currency: string,
  onRounded: AmountWarning,
): Remittance {
  const out: Remittance = { lines: [], freeText: [] };
  const st: LoopState = { current: undefined, currentIsRmr: false, entity: undefined };
  for (const seg of segments) {
    const e = seg.elements;
    switch (seg.id) {
      case 'ENT':
        st.current = undefined;
        st.currentIsRmr = false;
        st.entity = e[4] || undefined;
        break;
      case 'RMR':
        st.current = rmrLine(seg, currency, onRounded);
        st.currentIsRmr = true;
        addLine(out, st);
        break;
      case 'ADX':
        if (st.current && st.currentIsRmr) adjust(st.current, seg, currency, onRounded);
        else {
          st.current = adxLine(seg, currency, onRounded);
          st.currentIsRmr = false;
          addLine(out, st);
        }
        break;
      case 'REF':
        if (st.current) st.current.references.push({ qualifier: e[1] ?? '', value: refValue(e) });
        else out.freeText.push(`${e[1] ?? ''}: ${refValue(e)}`);
        break;
      case 'DTM':
        if (st.current && !st.current.documentDate) {
          const d = ccyymmddToIso(e[2] ?? '');
          if (d) st.current.documentDate = d;
        }
        break;
      case 'NTE':
        if (st.current) st.current.note = [st.current.note, e[2]].filter(Boolean).join(' ');
        else if (e[2]) out.freeText.push(e[2]);
        break;
      default:
        break;
    }
  }
  return out;
}

function refValue(e: string[]): string {
  return [e[2], e[3]].filter((x) => x !== undefined && x !== '').join(' ');
}

function addLine(out: Remittance, st: LoopState): void {
  if (!st.current) return;
  if (st.entity) st.current.references.push({ qualifier: 'ENT', value: st.entity });
  out.lines.push(st.current);
}

function rmrLine(seg: X12Segment, currency: string, onRounded: AmountWarning): RemittanceLine {
  const e = seg.elements;
  const line: RemittanceLine = {
    referenceType: x12ReferenceType(e[1] ?? ''),
    rawType: e[1] ?? '',
    references: [],
  };
  if (e[2]) line.documentNumber = e[2];
  const paid = x12Amount(seg, 4, currency, onRounded);
  const gross = x12Amount(seg, 5, currency, onRounded);
  const discount = x12Amount(seg, 6, currency, onRounded);
  const adjustment = x12Amount(seg, 8, currency, onRounded);
  if (paid !== undefined) line.paidCents = paid;
  if (gross !== undefined) line.grossCents = gross;
  if (discount !== undefined) line.discountCents = discount;
  if (adjustment !== undefined && adjustment !== 0) line.adjustmentCents = adjustment;
  if (e[7] && (adjustment ?? 0) !== 0) line.adjustmentReason = e[7];
  return line;
}

function adxLine(seg: X12Segment, currency: string, onRounded: AmountWarning): RemittanceLine {
  const e = seg.elements;
  const amount = x12Amount(seg, 1, currency, onRounded);
  if (amount === undefined) malformed('ADX01 adjustment amount is missing', seg);
  const line: RemittanceLine = {
    referenceType: x12ReferenceType(e[3] ?? ''),
    rawType: e[3] || 'ADX',
    paidCents: amount,
    adjustmentCents: amount,
    references: [],
  };
  if (e[2]) line.adjustmentReason = e[2];
  if (e[4]) line.documentNumber = e[4];
  return line;
}

function adjust(line: RemittanceLine, seg: X12Segment, currency: string, onRounded: AmountWarning) {
  const amount = x12Amount(seg, 1, currency, onRounded);
  if (amount === undefined) malformed('ADX01 adjustment amount is missing', seg);
  line.adjustmentCents = cents((line.adjustmentCents ?? 0) + amount);
  const reason = seg.elements[2];
  if (reason) {
    line.adjustmentReason = line.adjustmentReason ? `${line.adjustmentReason},${reason}` : reason;
  }
}
