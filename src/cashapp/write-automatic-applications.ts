/**
 * Writes a checked batch of automatic applications with set-based statements: the payments'
 * customers, every application, the discount and write-off documents with their applications,
 * the open amounts and the audit records, one statement each, and a summarized journal entry.
 * The rows are those apply-credit writes (src/ledger/apply-credit.ts), so reversals, returns and
 * `arc verify` treat them alike.
 */
import type { Actor } from '../db/audit.ts';
import type { Queryable } from '../db/connection.ts';
import { addToOpenCents, type LedgerDocument } from '../db/documents.ts';
import { insertJournalEntry } from '../db/journal.ts';
import {
  applicationJournalLines, documentJournalLines, summarizeLines, type CreditType,
  type DebitType, type JournalLine,
} from '../domain/ledger.ts';
import type { Cents } from '../domain/money.ts';
import { adjustmentExternalId, type ApplyCreditInput } from '../ledger/apply-credit.ts';

export interface PlannedApply {
  input: ApplyCreditInput;
  /** The payment as it will be after the apply (customer assigned, open amount reduced). */
  credit: LedgerDocument;
  /** True when the payment had no customer: it is assigned `credit.customerId`. */
  assign: boolean;
  debits: ReadonlyMap<number, LedgerDocument>;
}

interface Entry {
  date: string;
  kind: string;
  documentId: number | null;
  applicationId: number | null;
  lines: JournalLine[];
}

async function insertApplicationRows(
  tx: Queryable, actor: Actor,
  rows: { credit: number; debit: number; amount: number; on: string; method: string;
    confidence: number | null }[],
): Promise<Map<string, number>> {
  if (rows.length === 0) return new Map();
  const r = await tx.query<{ id: number; creditId: number; debitId: number }>(
    `INSERT INTO applications (credit_id, debit_id, amount_cents, applied_on, method, confidence,
       created_by)
     SELECT c, d, a, o, m, k, $7 FROM unnest($1::bigint[], $2::bigint[], $3::bigint[],
       $4::date[], $5::text[], $6::smallint[]) WITH ORDINALITY AS x(c, d, a, o, m, k, n)
     ORDER BY n
     RETURNING id, credit_id AS "creditId", debit_id AS "debitId"`,
    [rows.map((x) => x.credit), rows.map((x) => x.debit), rows.map((x) => x.amount),
      rows.map((x) => x.on), rows.map((x) => x.method), rows.map((x) => x.confidence),
      actor.name]);
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
 * Writes `planned` (checked, in order); `before` holds the documents as they were locked.
 * Returns the application ids per payment.
 */
export async function writeAutomaticApplications(
  tx: Queryable, actor: Actor, planned: readonly PlannedApply[],
  before: ReadonlyMap<number, LedgerDocument>,
): Promise<Map<number, number[]>> {
  if (planned.length === 0) return new Map();
  const assigned = planned.filter((p) => p.assign);
  if (assigned.length > 0) {
    await tx.query(
      `UPDATE documents d SET customer_id = v.c FROM unnest($1::bigint[], $2::bigint[]) AS v(id, c)
       WHERE d.id = v.id AND d.customer_id IS NULL`,
      [assigned.map((p) => p.credit.id), assigned.map((p) => p.credit.customerId)]);
  }
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
    confidence: null,
  })));
  for (const { doc, spec } of adjustments) {
    entries.push({ date: spec.on, kind: spec.kind, documentId: doc.id, applicationId: null,
      lines: documentJournalLines(spec.kind, -spec.amount as Cents, spec.debit.currency) });
  }
  await insertEntries(tx, actor, entries);
  const deltas = new Map<number, number>();
  const add = (id: number, d: number) => deltas.set(id, (deltas.get(id) ?? 0) + d);
  for (const { p, l } of lines) {
    add(p.credit.id, l.amountCents);
    add(l.debitId, -(l.amountCents + (l.discountCents ?? 0) + (l.writeOffCents ?? 0)));
  }
  await addToOpenCents(tx, deltas);
  await writeAuditRows(tx, actor, planned, before, idOf);
  return new Map(planned.map((p) => [p.credit.id,
    p.input.lines.map((l) => idOf(p.credit.id, l.debitId))]));
}

async function writeAuditRows(
  tx: Queryable, actor: Actor, planned: readonly PlannedApply[],
  before: ReadonlyMap<number, LedgerDocument>, idOf: (c: number, d: number) => number,
): Promise<void> {
  const rows = planned.flatMap((p) => {
    const apply = {
      action: 'credit.apply', entity_id: String(p.credit.id), customer_id: p.credit.customerId,
      before: { openCents: before.get(p.credit.id)!.openCents,
        debits: p.input.lines.map((l) => ({ id: l.debitId,
          openCents: before.get(l.debitId)!.openCents })) },
      after: { openCents: p.credit.openCents, appliedOn: p.input.appliedOn,
        applicationIds: p.input.lines.map((l) => idOf(p.credit.id, l.debitId)),
        batch: true },
    };
    if (!p.assign) return [apply];
    return [{ action: 'payment.assign_customer', entity_id: String(p.credit.id),
      customer_id: p.credit.customerId, before: { customerId: null },
      after: { customerId: p.credit.customerId } }, apply];
  });
  await tx.query(
    `INSERT INTO audit_log (actor, actor_kind, action, entity_type, entity_id, customer_id, before,
       after, source)
     SELECT $1, $2, x.action, 'document', x.entity_id, x.customer_id, x.before, x.after, $3
     FROM jsonb_to_recordset($4::jsonb) AS x(action text, entity_id text, customer_id bigint,
       before jsonb, after jsonb)`,
    [actor.name, actor.kind, actor.source ?? null, JSON.stringify(rows)]);
}
