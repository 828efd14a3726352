/**
 * The set-based path for the engine's automatic applications: a whole batch of payments is
 * checked against the ledger's rules and written with a fixed number of statements, however many
 * payments it holds (the bulk importers' approach, src/ledger/import*.ts), instead of one
 * apply-credit call per payment.
 *
 * Same rules and the same rows as apply-credit: every document involved is locked (FOR UPDATE, id
 * order, one statement) before its open amount is read; each payment is checked with
 * `checkApplyCredit` against the open amounts the earlier payments of the batch leave; an item
 * whose open amount changed since the engine read it (a concurrent apply) is refused, so nothing
 * is applied twice. One application per line with its own journal entry, discount and write-off
 * documents born applied, open amounts, and an audit record per payment.
 */
import type { Actor } from '../db/audit.ts';
import type { Queryable } from '../db/connection.ts';
import {
  loadCustomerParents, loadSetting, lockDocuments, type LedgerDocument,
} from '../db/documents.ts';
import { maxDate, type IsoDate } from '../domain/dates.ts';
import type { Cents } from '../domain/money.ts';
import type { Terms } from '../domain/terms.ts';
import {
  checkApplyCredit, type ApplyCreditInput, type ApplyFacts, type ApplyLine,
} from '../ledger/apply-credit.ts';
import { splitByCredit } from './apply-proposal.ts';
import { loadTermsTable } from './match-inputs.ts';
import type { StoredPayment } from './receipt-payment.ts';
import type { StoredAllocation, StoredDeduction } from './store.ts';
import {
  writeAutomaticApplications, type PlannedApply, type PlannedDeduction,
} from './write-automatic-applications.ts';

export interface AutomaticApplication {
  /** Locked by the caller. */
  payment: StoredPayment;
  customerId: number;
  /** Negative: a credit memo the remittance nets (applied to the debits before the cash). */
  allocations: readonly StoredAllocation[];
  /** Short pays beyond tolerance: each becomes a deduction item (as open-deduction.ts). */
  deductions?: readonly StoredDeduction[];
  method: string;
  confidence: number;
  /** Discounts are judged on the payment's value date. */
  valueDate: IsoDate;
}

export type AutomaticOutcome =
  | { ok: true; unappliedCents: Cents; applicationIds: number[] }
  | { ok: false; code: string };

/**
 * Proposals this path carries out: every proposal that names items. Credit memos the
 * remittance nets and the deductions of short pays are written set-based too, with the rows
 * apply-proposal writes (they were one apply-proposal call each, the slowest part of a batch).
 */
export function fitsBatchPath(
  allocations: readonly StoredAllocation[], _deductions: readonly StoredDeduction[],
): boolean {
  return allocations.length > 0;
}

interface Facts {
  docs: Map<number, LedgerDocument>;
  customers: Map<number, string>;
  parents: Map<number, number | null>;
  terms: Map<string, Terms>;
  discountTaken: Map<number, number>;
  writeOffMaxCents: number;
}

async function loadFacts(
  tx: Queryable, list: readonly AutomaticApplication[],
): Promise<Facts> {
  const debitIds = [...new Set(list.flatMap((a) => a.allocations.map((x) => x.documentId)))];
  const docs = await lockDocuments(tx, [...list.map((a) => a.payment.id), ...debitIds]);
  const assigned = [...new Set(list.map((a) => a.customerId))];
  const c = await tx.query<{ id: number; currency: string }>(
    'SELECT id, currency FROM customers WHERE id = ANY($1::bigint[])', [assigned]);
  const customerIds = [...new Set([...assigned,
    ...[...docs.values()].flatMap((d) => d.customerId ?? [])])];
  const discounted = list.flatMap((a) => a.allocations.filter((x) => x.discountCents > 0)
    .map((x) => x.documentId));
  // From the debits' applications to their credits, one key lookup each: as a join, a planner
  // that counts few discount documents (fresh statistics of a young book) scanned every
  // document for them, 0.35 s a batch on a million.
  const taken = discounted.length === 0 ? { rows: [] } : await tx.query<{
    debitId: number; taken: number; }>(
    `SELECT a.debit_id AS "debitId", sum(a.amount_cents)::bigint AS taken
     FROM applications a
     WHERE a.debit_id = ANY($1::bigint[])
       AND (SELECT c.type FROM documents c WHERE c.id = a.credit_id) = 'discount'
     GROUP BY a.debit_id`,
    [discounted]);
  const writesOff = list.some((a) => a.allocations.some((x) => x.writeOffCents > 0));
  return {
    docs,
    customers: new Map(c.rows.map((r) => [r.id, r.currency])),
    parents: await loadCustomerParents(tx, customerIds),
    terms: discounted.length > 0 ? await loadTermsTable(tx) : new Map(),
    discountTaken: new Map(taken.rows.map((r) => [r.debitId, r.taken])),
    writeOffMaxCents: writesOff
      ? Number(await loadSetting(tx, 'small_balance_write_off_max_cents') ?? 0) : 0,
  };
}

/** What one payment writes: credit memo applies, then the cash apply, then the deductions. */
interface Plan {
  applies: ApplyCreditInput[];
  deductions: PlannedDeduction[];
}

interface Documents {
  get(id: number): LedgerDocument | undefined;
}

function factsFor(credit: LedgerDocument, input: ApplyCreditInput, f: Facts,
  open: Documents): ApplyFacts {
  const debits = new Map(input.lines.flatMap((l) => {
    const d = open.get(l.debitId);
    return d ? [[l.debitId, d] as const] : [];
  }));
  const terms = new Map([...debits].flatMap(([id, d]) => {
    const t = d.termsCode === null ? undefined : f.terms.get(d.termsCode);
    return t ? [[id, t] as const] : [];
  }));
  return { credit, debits, parents: f.parents, terms, discountTakenCents: f.discountTaken,
    writeOffMaxCents: f.writeOffMaxCents };
}

/** Moves `open` (and the discounts taken) as `input` would. */
function applyTo(open: Documents, input: ApplyCreditInput, f: Facts): void {
  const credit = open.get(input.creditId)!;
  for (const l of input.lines) {
    const d = open.get(l.debitId)!;
    d.openCents = (d.openCents - l.amountCents - (l.discountCents ?? 0) -
      (l.writeOffCents ?? 0)) as Cents;
    credit.openCents = (credit.openCents + l.amountCents) as Cents;
    if ((l.discountCents ?? 0) > 0) {
      f.discountTaken.set(l.debitId, (f.discountTaken.get(l.debitId) ?? 0) + l.discountCents!);
    }
  }
}

function firstProblem(a: AutomaticApplication, f: Facts, open: Map<number, LedgerDocument>,
  seenOpen: (debitId: number) => number | undefined): string | undefined {
  const credit = open.get(a.payment.id);
  if (!credit) return 'credit_not_found';
  const currency = f.customers.get(a.customerId);
  if (currency === undefined) return 'customer_not_found';
  if (currency !== credit.currency) return 'currency_must_match_customer';
  if (credit.customerId !== null && credit.customerId !== a.customerId) {
    return 'payment_belongs_to_another_customer';
  }
  const changed = a.allocations.find((x) =>
    f.docs.get(x.documentId)?.openCents !== seenOpen(x.documentId));
  return changed ? 'open_amount_changed_since_matching' : undefined;
}

/**
 * Checks one payment against the facts as the earlier payments of the batch left them (`open`,
 * `taken`), as apply-proposal would carry it out; the first broken rule's code, or the plan.
 * `open` moves only when every part of the payment passes.
 */
function check(
  a: AutomaticApplication, f: Facts, open: Map<number, LedgerDocument>,
  seenOpen: (debitId: number) => number | undefined,
): { code: string } | Plan {
  const problem = firstProblem(a, f, open, seenOpen);
  if (problem) return { code: problem };
  const payment = open.get(a.payment.id)!;
  const appliedOn = a.allocations.reduce((d, x) =>
    maxDate(d, open.get(x.documentId)?.documentDate ?? d), maxDate(payment.documentDate,
    a.valueDate));
  const { needs, memos } = splitByCredit(a.allocations);
  const how = { appliedOn, method: a.method, confidence: a.confidence };
  const applies: ApplyCreditInput[] = memos.filter((m) => m.lines.length > 0)
    .map((m) => ({ creditId: m.creditId, lines: m.lines, ...how }));
  const cash = needs.filter((n) => n.cash > 0).map((n) => ({
    debitId: n.debitId, amountCents: n.cash as Cents, discountCents: n.discount,
    writeOffCents: n.writeOff,
  }));
  if (cash.length > 0) {
    applies.push({ creditId: payment.id, lines: cash, ...how,
      allowDiscountOverride: appliedOn !== a.valueDate });
  }
  // Checked on copies of the documents involved, in order: each apply sees what the ones before
  // it left; `open` takes the copies only when every part passes.
  const copies = new Map<number, LedgerDocument>();
  const touched = (id: number) => {
    const doc = copies.get(id) ?? open.get(id);
    if (doc && !copies.has(id)) copies.set(id, { ...doc });
  };
  const scratch = { get: (id: number) => copies.get(id) ?? open.get(id) };
  // Discounts taken so far on the debits of this payment (the rest of the batch's stay put).
  const taken = new Map(a.allocations.map((x) => [x.documentId,
    f.discountTaken.get(x.documentId) ?? 0]));
  const trial: Facts = { ...f, discountTaken: taken };
  touched(payment.id);
  scratch.get(payment.id)!.customerId = a.customerId;
  for (const input of applies) {
    [input.creditId, ...input.lines.map((l) => l.debitId)].forEach(touched);
    const refused = checkApplyCredit(input, factsFor(scratch.get(input.creditId)!, input, trial,
      scratch));
    if (refused) return { code: refused.code };
    applyTo(scratch, input, trial);
  }
  const deductions: PlannedDeduction[] = [];
  for (const d of a.deductions ?? []) {
    if (d.documentId === null) continue;
    const invoice = scratch.get(d.documentId);
    if (!invoice) return { code: 'debit_not_found' };
    if (d.amountCents <= 0 || d.amountCents > invoice.openCents) {
      return { code: 'amount_exceeds_open_balance' };
    }
    touched(d.documentId);
    scratch.get(d.documentId)!.openCents = (invoice.openCents - d.amountCents) as Cents;
    deductions.push({ paymentId: payment.id, invoice: f.docs.get(d.documentId)!,
      amountCents: d.amountCents, reasonCode: d.reasonCode, date: appliedOn });
  }
  if (applies.length === 0 && deductions.length === 0) return { code: 'proposal_has_no_items' };
  for (const [id, doc] of copies) open.set(id, doc);
  for (const [id, t] of taken) f.discountTaken.set(id, t);
  return { applies, deductions };
}

/**
 * Applies the batch in order. `seenOpen` gives the open amount the engine read for a debit
 * (before the batch). A payment that breaks a rule is left as it was, with the rule's code.
 */
export async function applyAutomaticallyInTx(
  tx: Queryable, actor: Actor, list: readonly AutomaticApplication[],
  seenOpen: (debitId: number) => number | undefined,
): Promise<Map<number, AutomaticOutcome>> {
  const out = new Map<number, AutomaticOutcome>();
  if (list.length === 0) return out;
  const f = await loadFacts(tx, list);
  const open = new Map([...f.docs].map(([id, d]) => [id, { ...d }]));
  const planned: PlannedApply[] = [];
  const deductions: PlannedDeduction[] = [];
  for (const a of list) {
    const assign = open.get(a.payment.id)?.customerId === null;
    const r = check(a, f, open, seenOpen);
    if ('code' in r) {
      out.set(a.payment.id, { ok: false, code: r.code });
      continue;
    }
    const payment = open.get(a.payment.id)!;
    if (r.applies.every((x) => x.creditId !== payment.id) && assign) {
      // Only credit memos and deductions: the payment is still assigned its customer.
      planned.push({ input: { creditId: payment.id, appliedOn: a.valueDate, lines: [] },
        credit: payment, assign, debits: open, paymentId: payment.id });
    }
    for (const input of r.applies) {
      const credit = open.get(input.creditId)!;
      planned.push({ input, credit, assign: assign && credit.id === payment.id, debits: open,
        paymentId: payment.id });
    }
    deductions.push(...r.deductions);
    out.set(payment.id, { ok: true, unappliedCents: -payment.openCents as Cents,
      applicationIds: [] });
  }
  const written = await writeAutomaticApplications(tx, actor, planned, f.docs, deductions);
  for (const [id, o] of out) {
    if (o.ok) o.applicationIds = written.get(id) ?? [];
  }
  return out;
}
