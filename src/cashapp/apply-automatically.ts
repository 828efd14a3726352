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
  checkApplyCredit, type ApplyCreditInput, type ApplyFacts,
} from '../ledger/apply-credit.ts';
import { loadTermsTable } from './match-inputs.ts';
import type { StoredPayment } from './receipt-payment.ts';
import type { StoredAllocation, StoredDeduction } from './store.ts';
import { writeAutomaticApplications, type PlannedApply } from './write-automatic-applications.ts';

export interface AutomaticApplication {
  /** Locked by the caller. */
  payment: StoredPayment;
  customerId: number;
  allocations: readonly StoredAllocation[];
  method: string;
  confidence: number;
  /** Discounts are judged on the payment's value date. */
  valueDate: IsoDate;
}

export type AutomaticOutcome =
  | { ok: true; unappliedCents: Cents; applicationIds: number[] }
  | { ok: false; code: string };

/**
 * Proposals this path carries out: cash to debit items only (no credit memo netted, no deduction
 * opened); the others go through apply-proposal one by one.
 */
export function fitsBatchPath(
  allocations: readonly StoredAllocation[], deductions: readonly StoredDeduction[],
): boolean {
  return deductions.length === 0 && allocations.length > 0 &&
    allocations.every((a) => a.appliedCents > 0);
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
  const taken = await tx.query<{ debitId: number; taken: number }>(
    `SELECT a.debit_id AS "debitId", sum(a.amount_cents)::bigint AS taken
     FROM applications a JOIN documents c ON c.id = a.credit_id
     WHERE a.debit_id = ANY($1::bigint[]) AND c.type = 'discount' GROUP BY a.debit_id`,
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

/**
 * Checks one payment against the facts as the earlier payments of the batch left them (`open`,
 * `taken`); the first broken rule's code, or the apply-credit input to write.
 */
function check(
  a: AutomaticApplication, f: Facts, open: Map<number, LedgerDocument>,
  seenOpen: (debitId: number) => number | undefined,
): { code: string } | ApplyCreditInput {
  const credit = open.get(a.payment.id);
  if (!credit) return { code: 'credit_not_found' };
  const currency = f.customers.get(a.customerId);
  if (currency === undefined) return { code: 'customer_not_found' };
  if (currency !== credit.currency) return { code: 'currency_must_match_customer' };
  if (credit.customerId !== null && credit.customerId !== a.customerId) {
    return { code: 'payment_belongs_to_another_customer' };
  }
  const changed = a.allocations.find((x) =>
    f.docs.get(x.documentId)?.openCents !== seenOpen(x.documentId));
  if (changed) return { code: 'open_amount_changed_since_matching' };
  const appliedOn = a.allocations.reduce((d, x) =>
    maxDate(d, open.get(x.documentId)?.documentDate ?? d), maxDate(credit.documentDate,
    a.valueDate));
  const input: ApplyCreditInput = {
    creditId: credit.id, appliedOn, method: a.method, confidence: a.confidence,
    allowDiscountOverride: appliedOn !== a.valueDate,
    lines: a.allocations.map((x) => ({
      debitId: x.documentId, amountCents: x.appliedCents, discountCents: x.discountCents,
      writeOffCents: x.writeOffCents,
    })),
  };
  const debits = new Map(a.allocations.flatMap((x) => {
    const d = open.get(x.documentId);
    return d ? [[x.documentId, d] as const] : [];
  }));
  const terms = new Map([...debits].flatMap(([id, d]) => {
    const t = d.termsCode === null ? undefined : f.terms.get(d.termsCode);
    return t ? [[id, t] as const] : [];
  }));
  const facts: ApplyFacts = {
    credit: { ...credit, customerId: a.customerId }, debits, parents: f.parents, terms,
    discountTakenCents: f.discountTaken, writeOffMaxCents: f.writeOffMaxCents,
  };
  return checkApplyCredit(input, facts) ?? input;
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
  for (const a of list) {
    const r = check(a, f, open, seenOpen);
    if ('code' in r) {
      out.set(a.payment.id, { ok: false, code: r.code });
      continue;
    }
    const credit = open.get(a.payment.id)!;
    const before = credit.customerId;
    for (const l of r.lines) {
      const d = open.get(l.debitId)!;
      d.openCents = (d.openCents - l.amountCents - (l.discountCents ?? 0) -
        (l.writeOffCents ?? 0)) as Cents;
      credit.openCents = (credit.openCents + l.amountCents) as Cents;
      if ((l.discountCents ?? 0) > 0) {
        f.discountTaken.set(l.debitId, (f.discountTaken.get(l.debitId) ?? 0) + l.discountCents!);
      }
    }
    credit.customerId = a.customerId;
    planned.push({ input: r, credit, assign: before === null, debits: open });
  }
  const written = await writeAutomaticApplications(tx, actor, planned, f.docs);
  for (const p of planned) {
    out.set(p.credit.id, {
      ok: true, unappliedCents: -p.credit.openCents as Cents,
      applicationIds: written.get(p.credit.id) ?? [],
    });
  }
  return out;
}
