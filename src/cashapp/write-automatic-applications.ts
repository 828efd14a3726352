/**
 * Writes a checked batch of automatic applications with set-based statements: every
 * application (of the payments and of the credit memos they net), the discount and write-off
 * documents with their applications, the deductions of short pays (open-deduction.ts's rows),
 * the open amounts together with the payments' customers, and the audit records, one statement
 * each, and a summarized journal entry. The rows are those apply-credit and open-deduction
 * write, so reversals, returns and `arc verify` treat them alike.
 */
import type { Actor } from '../db/audit.ts';
import type { Queryable } from '../db/connection.ts';
import type { LedgerDocument } from '../db/documents.ts';
import { insertJournalEntry } from '../db/journal.ts';
import {
  applicationJournalLines, documentJournalLines, summarizeLines, type CreditType,
  type DebitType, type JournalLine,
} from '../domain/ledger.ts';
import type { Cents } from '../domain/money.ts';
import { assert } from '../domain/result.ts';
import { adjustmentExternalId, type ApplyCreditInput } from '../ledger/apply-credit.ts';

export interface PlannedApply {
  input: ApplyCreditInput;
  /**
   * The credit (the payment, or a credit memo its remittance nets) as it will be after the
   * apply (customer assigned, open amount reduced).
   */
  credit: LedgerDocument;
  /** True when the payment had no customer: it is assigned `credit.customerId`. */
  assign: boolean;
  debits: ReadonlyMap<number, LedgerDocument>;
  /** The payment this apply is part of (default: the credit itself). */
  paymentId?: number;
}

/**
 * A short pay beyond tolerance that becomes a deduction item, as open-deduction.ts writes it:
 * the deduction (Dr AR control, Cr deductions clearing), a transfer credit (Dr deductions
 * clearing, Cr AR control) applied to the invoice, the deduction_items row and the audit.
 */
export interface PlannedDeduction {
  paymentId: number;
  /** As locked, before the batch. */
  invoice: LedgerDocument;
  amountCents: Cents;
  reasonCode: string;
  date: string;
}

interface Entry {
  date: string;
  kind: string;
  documentId: number | null;
  applicationId: number | null;
  lines: JournalLine[];
}

interface ApplicationRow {
  credit: number;
  debit: number;
  amount: number;
  on: string;
  method: string;
  confidence: number | null;
  /**
   * The credit is a document this batch created born applied (open 0) by this very row: a
   * discount or write-off, a deduction's transfer. Its open amount then says nothing of this row.
   */
  born?: boolean;
}

/**
 * Inserts application rows with the documents' copies (migration 026) filled here, from the
 * documents as they are before the batch's open amounts are written: the copy trigger then does
 * not run (migration 027). A row that could over-apply either document, as the trigger judges it
 * (more than is open, or a negative application of the document dated after it), or that goes
 * across currencies or to a missing document, is left to the trigger (currency NULL), which
 * records the over-applied dates or refuses it, as for every other writer.
 */
async function insertApplicationRows(
  tx: Queryable, actor: Actor, rows: readonly ApplicationRow[],
): Promise<Map<string, number>> {
  if (rows.length === 0) return new Map();
  const r = await tx.query<{ id: number; creditId: number; debitId: number }>(
    `WITH x AS (
       SELECT x.*, d.currency AS dc, c.currency AS cc, d.customer_id AS d_customer,
         d.document_date AS d_dated, d.due_date AS d_due, c.customer_id AS c_customer,
         c.document_date AS c_dated,
         x.a > 0 AND (x.a > d.open_cents OR EXISTS (SELECT 1 FROM applications p
           WHERE p.debit_id = x.d AND p.amount_cents < 0 AND p.applied_on > x.o)) AS d_over,
         x.a > 0 AND (x.a > -c.open_cents
             AND NOT (x.b AND c.open_cents = 0 AND c.amount_cents = -x.a)
           OR EXISTS (SELECT 1 FROM applications p
             WHERE p.credit_id = x.c AND p.amount_cents < 0 AND p.applied_on > x.o)) AS c_over
       FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::date[], $5::text[],
         $6::smallint[], $7::boolean[]) WITH ORDINALITY AS x(c, d, a, o, m, k, b, n)
       LEFT JOIN documents d ON d.id = x.d
       LEFT JOIN documents c ON c.id = x.c)
     INSERT INTO applications (credit_id, debit_id, amount_cents, applied_on, method, confidence,
       created_by, currency, debit_customer_id, debit_document_date, debit_due_date,
       credit_customer_id, credit_document_date)
     SELECT c, d, a, o, m, k, $8, CASE WHEN dc = cc AND NOT d_over AND NOT c_over THEN dc END,
       d_customer, d_dated, d_due, c_customer, c_dated
     FROM x ORDER BY n
     RETURNING id, credit_id AS "creditId", debit_id AS "debitId"`,
    [rows.map((x) => x.credit), rows.map((x) => x.debit), rows.map((x) => x.amount),
      rows.map((x) => x.on), rows.map((x) => x.method), rows.map((x) => x.confidence),
      rows.map((x) => x.born === true), actor.name]);
  return new Map(r.rows.map((x) => [`${x.creditId}:${x.debitId}`, x.id]));
}

/**
 * The journal of the batch, as the bulk importers write it (docs/ledger.md): one summarized
 * entry per applied-on date, kind `cashapp_applications`, over every application, discount and
 * write-off of the batch. Per-line entries made one statement of thousands of lines, and the
 * balance trigger's check over them, the slowest part of the batch.
 */
async function insertEntries(tx: Queryable, actor: Actor, entries: Entry[]): Promise<void> {
  const byDate = new Map<string, JournalLine[]>();
  for (const e of entries) {
    byDate.set(e.date, byDate.get(e.date) ?? []).get(e.date)!.push(...e.lines);
  }
  for (const [date, lines] of [...byDate].sort((x, y) => x[0].localeCompare(y[0]))) {
    const n = entries.filter((e) => e.date === date).length;
    await insertJournalEntry(tx, {
      effectiveDate: date, kind: 'cashapp_applications', createdBy: actor.name,
      memo: `automatic cash application: ${n} applications and adjustments`,
    }, summarizeLines(lines));
  }
}

interface AdjustmentSpec {
  kind: 'discount' | 'write_off';
  amount: number;
  debit: LedgerDocument;
  applicationId: number;
  on: string;
}

async function insertAdjustments(
  tx: Queryable, actor: Actor, specs: AdjustmentSpec[],
): Promise<{ doc: LedgerDocument; spec: AdjustmentSpec }[]> {
  if (specs.length === 0) return [];
  const r = await tx.query<{ id: number; externalId: string }>(
    `INSERT INTO documents (customer_id, type, number, document_date, due_date, amount_cents,
       open_cents, currency, memo, external_id, created_by)
     SELECT c, t, num, o, o, a, 0, cur, memo, ext, $9 FROM unnest($1::bigint[], $2::text[],
       $3::text[], $4::date[], $5::bigint[], $6::char(3)[], $7::text[], $8::text[])
       AS x(c, t, num, o, a, cur, memo, ext)
     RETURNING id, external_id AS "externalId"`,
    [specs.map((s) => s.debit.customerId), specs.map((s) => s.kind),
      specs.map((s) => `${s.kind === 'discount' ? 'DISC' : 'WO'}-${s.debit.number}`),
      specs.map((s) => s.on), specs.map((s) => -s.amount), specs.map((s) => s.debit.currency),
      specs.map((s) => `${s.kind === 'discount' ? 'discount taken'
        : 'small balance written off'} with application ${s.applicationId}`),
      specs.map((s) => adjustmentExternalId(s.kind, s.applicationId)), actor.name]);
  const byKey = new Map(r.rows.map((x) => [x.externalId, x.id]));
  return specs.map((spec) => {
    const id = byKey.get(adjustmentExternalId(spec.kind, spec.applicationId))!;
    const amountCents = -spec.amount as Cents;
    return { spec, doc: { ...spec.debit, id, type: spec.kind, amountCents } };
  });
}

/**
 * Writes `planned` (checked, in order) and `deductions`; `before` holds the documents as they
 * were locked. Returns the application ids per payment.
 */
export async function writeAutomaticApplications(
  tx: Queryable, actor: Actor, planned: readonly PlannedApply[],
  before: ReadonlyMap<number, LedgerDocument>, deductions: readonly PlannedDeduction[] = [],
): Promise<Map<number, number[]>> {
  if (planned.length === 0 && deductions.length === 0) return new Map();
  const lines = planned.flatMap((p) => p.input.lines.map((l) => ({ p, l })));
  const appIds = await insertApplicationRows(tx, actor, lines.map(({ p, l }) => ({
    credit: p.credit.id, debit: l.debitId, amount: l.amountCents, on: p.input.appliedOn,
    method: p.input.method ?? 'manual', confidence: p.input.confidence ?? null,
  })));
  const idOf = (credit: number, debit: number) => appIds.get(`${credit}:${debit}`)!;
  const entries: Entry[] = lines.map(({ p, l }) => ({
    date: p.input.appliedOn, kind: 'application', documentId: null,
    applicationId: idOf(p.credit.id, l.debitId),
    lines: applicationJournalLines(p.credit.type as CreditType,
      before.get(l.debitId)!.type as DebitType, l.amountCents, p.credit.currency),
  }));
  const specs: AdjustmentSpec[] = lines.flatMap(({ p, l }) => ([
    ['discount', l.discountCents ?? 0], ['write_off', l.writeOffCents ?? 0],
  ] as const).filter(([, amount]) => amount > 0).map(([kind, amount]) => ({
    kind, amount, debit: before.get(l.debitId)!, applicationId: idOf(p.credit.id, l.debitId),
    on: p.input.appliedOn,
  })));
  const adjustments = await insertAdjustments(tx, actor, specs);
  await insertApplicationRows(tx, actor, adjustments.map(({ doc, spec }) => ({
    credit: doc.id, debit: spec.debit.id, amount: spec.amount, on: spec.on, method: 'manual',
    confidence: null, born: true,
  })));
  for (const { doc, spec } of adjustments) {
    entries.push({ date: spec.on, kind: spec.kind, documentId: doc.id, applicationId: null,
      lines: documentJournalLines(spec.kind, -spec.amount as Cents, spec.debit.currency) });
  }
  const deltas = new Map<number, number>();
  const add = (id: number, d: number) => deltas.set(id, (deltas.get(id) ?? 0) + d);
  for (const { p, l } of lines) {
    add(p.credit.id, l.amountCents);
    add(l.debitId, -(l.amountCents + (l.discountCents ?? 0) + (l.writeOffCents ?? 0)));
  }
  const opened = await insertDeductions(tx, actor, deductions, entries);
  for (const d of deductions) add(d.invoice.id, -d.amountCents);
  await insertEntries(tx, actor, entries);
  const assigned = new Map(planned.filter((p) => p.assign)
    .map((p) => [p.credit.id, p.credit.customerId!]));
  await updateDocuments(tx, deltas, assigned);
  await writeAuditRows(tx, actor, planned, before, idOf);
  await writeDeductionAudit(tx, actor, opened);
  const out = new Map<number, number[]>();
  for (const p of planned) {
    const id = p.paymentId ?? p.credit.id;
    out.set(id, [...out.get(id) ?? [], ...p.input.lines.map((l) => idOf(p.credit.id, l.debitId))]);
  }
  for (const o of opened) {
    out.set(o.d.paymentId, [...out.get(o.d.paymentId) ?? [], o.applicationId]);
  }
  return out;
}

/**
 * Open amounts and the customers assigned to unidentified payments, in one statement: the
 * customer-summary trigger (migration 005) then runs once for the batch, not once per update.
 */
async function updateDocuments(
  tx: Queryable, deltas: ReadonlyMap<number, number>, assigned: ReadonlyMap<number, number>,
): Promise<void> {
  const ids = [...new Set([...deltas.keys(), ...assigned.keys()])];
  if (ids.length === 0) return;
  const r = await tx.query(
    `UPDATE documents d SET open_cents = d.open_cents + v.delta,
       customer_id = coalesce(d.customer_id, v.customer_id)
     FROM unnest($1::bigint[], $2::bigint[], $3::bigint[]) AS v(id, delta, customer_id)
     WHERE d.id = v.id`,
    [ids, ids.map((id) => deltas.get(id) ?? 0), ids.map((id) => assigned.get(id) ?? null)]);
  assert(r.rowCount === ids.length, 'every document to update exists');
}

interface OpenedDeduction {
  d: PlannedDeduction;
  deductionId: number;
  transferId: number;
  applicationId: number;
}

/** The deduction and transfer documents, the transfer's application and deduction_items. */
async function insertDeductions(
  tx: Queryable, actor: Actor, list: readonly PlannedDeduction[], entries: Entry[],
): Promise<OpenedDeduction[]> {
  if (list.length === 0) return [];
  const memo = (d: PlannedDeduction) =>
    `short pay ${d.reasonCode} on ${d.invoice.number} (payment ${d.paymentId})`;
  const docs = list.flatMap((d) => [
    { d, type: 'deduction', number: `DED-${d.invoice.number}-${d.paymentId}`,
      amount: d.amountCents, open: d.amountCents, memo: memo(d),
      ext: `deduction:${d.paymentId}:${d.invoice.id}` },
    // Born applied: its open amount is what apply-credit leaves it, 0.
    { d, type: 'credit_memo', number: `DEDX-${d.invoice.number}-${d.paymentId}`,
      amount: -d.amountCents, open: 0, memo: `transfer to deduction: ${memo(d)}`,
      ext: `deduction_transfer:${d.paymentId}:${d.invoice.id}` },
  ]);
  const r = await tx.query<{ id: number; externalId: string }>(
    `INSERT INTO documents (customer_id, type, number, document_date, due_date, amount_cents,
       open_cents, currency, memo, external_id, created_by)
     SELECT c, t, num, o, o, a, op, cur, memo, ext, $10 FROM unnest($1::bigint[], $2::text[],
       $3::text[], $4::date[], $5::bigint[], $6::bigint[], $7::char(3)[], $8::text[],
       $9::text[]) AS x(c, t, num, o, a, op, cur, memo, ext)
     RETURNING id, external_id AS "externalId"`,
    [docs.map((x) => x.d.invoice.customerId), docs.map((x) => x.type),
      docs.map((x) => x.number), docs.map((x) => x.d.date), docs.map((x) => x.amount),
      docs.map((x) => x.open), docs.map((x) => x.d.invoice.currency), docs.map((x) => x.memo),
      docs.map((x) => x.ext), actor.name]);
  const idOf = new Map(r.rows.map((x) => [x.externalId, x.id]));
  const opened = list.map((d) => ({
    d, deductionId: idOf.get(`deduction:${d.paymentId}:${d.invoice.id}`)!,
    transferId: idOf.get(`deduction_transfer:${d.paymentId}:${d.invoice.id}`)!,
  }));
  const apps = await insertApplicationRows(tx, actor, opened.map((o) => ({
    credit: o.transferId, debit: o.d.invoice.id, amount: o.d.amountCents, on: o.d.date,
    method: 'deduction', confidence: null, born: true,
  })));
  await tx.query(
    `INSERT INTO deduction_items (document_id, payment_id, invoice_id, reason_code,
       transfer_document_id)
     SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::text[], $5::bigint[])`,
    [opened.map((o) => o.deductionId), opened.map((o) => o.d.paymentId),
      opened.map((o) => o.d.invoice.id), opened.map((o) => o.d.reasonCode),
      opened.map((o) => o.transferId)]);
  for (const o of opened) {
    const { currency } = o.d.invoice;
    entries.push({ date: o.d.date, kind: 'document', documentId: o.deductionId,
      applicationId: null, lines: documentJournalLines('deduction', o.d.amountCents, currency) });
    entries.push({ date: o.d.date, kind: 'document', documentId: o.transferId,
      applicationId: null, lines: [
        { account: 'ar_control', currency, amountCents: -o.d.amountCents as Cents },
        { account: 'deductions', currency, amountCents: o.d.amountCents },
      ] });
  }
  return opened.map((o) => ({ ...o,
    applicationId: apps.get(`${o.transferId}:${o.d.invoice.id}`)! }));
}

async function writeDeductionAudit(
  tx: Queryable, actor: Actor, opened: readonly OpenedDeduction[],
): Promise<void> {
  if (opened.length === 0) return;
  const rows = opened.map((o) => ({
    action: 'deduction.open', entity_id: String(o.deductionId),
    customer_id: o.d.invoice.customerId, before: null,
    after: { deduction: o.deductionId, transfer: o.transferId, invoice: o.d.invoice.id,
      amountCents: o.d.amountCents, reasonCode: o.d.reasonCode, batch: true },
  }));
  await insertAuditRows(tx, actor, rows);
}

async function writeAuditRows(
  tx: Queryable, actor: Actor, planned: readonly PlannedApply[],
  before: ReadonlyMap<number, LedgerDocument>, idOf: (c: number, d: number) => number,
): Promise<void> {
  const rows = planned.flatMap((p) => {
    const assign = p.assign ? [{ action: 'payment.assign_customer',
      entity_id: String(p.credit.id), customer_id: p.credit.customerId,
      before: { customerId: null }, after: { customerId: p.credit.customerId } }] : [];
    if (p.input.lines.length === 0) return assign;
    const apply = {
      action: 'credit.apply', entity_id: String(p.credit.id), customer_id: p.credit.customerId,
      before: { openCents: before.get(p.credit.id)!.openCents,
        debits: p.input.lines.map((l) => ({ id: l.debitId,
          openCents: before.get(l.debitId)!.openCents })) },
      after: { openCents: p.credit.openCents, appliedOn: p.input.appliedOn,
        applicationIds: p.input.lines.map((l) => idOf(p.credit.id, l.debitId)),
        batch: true },
    };
    return [...assign, apply];
  });
  await insertAuditRows(tx, actor, rows);
}

async function insertAuditRows(tx: Queryable, actor: Actor, rows: unknown[]): Promise<void> {
  if (rows.length === 0) return;
  await tx.query(
    `INSERT INTO audit_log (actor, actor_kind, action, entity_type, entity_id, customer_id, before,
       after, source)
     SELECT $1, $2, x.action, 'document', x.entity_id, x.customer_id, x.before, x.after, $3
     FROM jsonb_to_recordset($4::jsonb) AS x(action text, entity_id text, customer_id bigint,
       before jsonb, after jsonb)`,
    [actor.name, actor.kind, actor.source ?? null, JSON.stringify(rows)]);
}
