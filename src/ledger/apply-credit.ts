import { writeAudit, type Actor } from '../db/audit.ts';
import type { Db, Queryable } from '../db/connection.ts';
import {
  addToOpenCents, insertApplications, insertDocuments, loadCustomerParents, loadSetting,
  loadTerms, lockDocuments, transactResult, type Application, type LedgerDocument,
} from '../db/documents.ts';
import { insertJournalEntry } from '../db/journal.ts';
import { isIsoDate, type IsoDate } from '../domain/dates.ts';
import {
  applicationJournalLines, documentJournalLines, isCreditType, type CreditType, type DebitType,
} from '../domain/ledger.ts';
import { cents, type Cents } from '../domain/money.ts';
import { err, ok, type Result } from '../domain/result.ts';
import { discountAllowed, type Terms } from '../domain/terms.ts';
import type { ApplyCreditError } from './errors.ts';

/** One debit item to apply to, with an optional discount taken and small balance written off. */
export interface ApplyLine {
  debitId: number;
  amountCents: Cents;
  discountCents?: Cents;
  writeOffCents?: Cents;
}

export interface ApplyCreditInput {
  /** A payment or a credit memo (any credit item with an open amount). */
  creditId: number;
  appliedOn: IsoDate;
  lines: readonly ApplyLine[];
  /** Take more discount than the invoice's terms allow on `appliedOn` (a person decided). */
  allowDiscountOverride?: boolean;
  /** 'manual', 'import', or the cash-application rule's name. */
  method?: string;
  /** 0-100, for rules. */
  confidence?: number | null;
}

/** A discount or write-off document created by the apply, with its application to the debit. */
export interface Adjustment {
  document: LedgerDocument;
  application: Application;
}

export interface ApplyCreditOutcome {
  credit: LedgerDocument;
  debits: LedgerDocument[];
  /** The credit's applications, one per line, in line order. */
  applications: Application[];
  adjustments: Adjustment[];
  /** What is left of the credit, positive ("over" when the lines took less than it). */
  unappliedCents: Cents;
}

/**
 * The link from a discount/write-off document to the application it was taken with: its
 * external_id. Reversing that application finds the adjustments by this key.
 */
export function adjustmentExternalId(
  kind: 'discount' | 'write_off', applicationId: number,
): string {
  return `${kind}:app:${applicationId}`;
}

/**
 * Applies a credit item (payment, credit memo) to one or many debit items. Locks every document
 * involved (FOR UPDATE, id order), checks the rules (ApplyCreditError, in its precedence order),
 * then writes the applications, the discount/write-off documents, the open amounts, the journal
 * and the audit record in one transaction.
 * @example applyCredit(db, actor, { creditId: 12, appliedOn: '2026-03-10',
 *   lines: [{ debitId: 7, amountCents: cents(9800), discountCents: cents(200) }] })
 */
export async function applyCredit(
  db: Db, actor: Actor, input: ApplyCreditInput,
): Promise<Result<ApplyCreditOutcome, ApplyCreditError>> {
  return transactResult(db, (tx) => applyCreditInTx(tx, actor, input));
}

export async function applyCreditInTx(
  tx: Queryable, actor: Actor, input: ApplyCreditInput,
): Promise<Result<ApplyCreditOutcome, ApplyCreditError>> {
  const shape = checkShape(input);
  if (shape) return err(shape);
  const docs = await lockDocuments(tx, [input.creditId, ...input.lines.map((l) => l.debitId)]);
  const facts = await loadFacts(tx, input, docs);
  const invalid = checkApplyCredit(input, facts);
  if (invalid) return err(invalid);
  return ok(await writeApplication(tx, actor, input, facts.credit!, facts.debits));
}

/** What the rules need besides the input; the documents are locked. */
export interface ApplyFacts {
  credit: LedgerDocument | undefined;
  debits: ReadonlyMap<number, LedgerDocument>;
  /** Customer id -> parent id, for the customers of every document. */
  parents: ReadonlyMap<number, number | null>;
  /** Debit id -> its terms, for the lines that take a discount. */
  terms: ReadonlyMap<number, Terms>;
  /** Debit id -> discounts already applied to it (net of reversals). */
  discountTakenCents: ReadonlyMap<number, number>;
  writeOffMaxCents: number;
}

async function loadFacts(
  tx: Queryable, input: ApplyCreditInput, docs: Map<number, LedgerDocument>,
): Promise<ApplyFacts> {
  const credit = docs.get(input.creditId);
  const debits = new Map(input.lines.flatMap((l) => {
    const d = docs.get(l.debitId);
    return d ? [[l.debitId, d] as const] : [];
  }));
  const customerIds = [...docs.values()].flatMap((d) => d.customerId ?? []);
  const discounted = input.lines.filter((l) => (l.discountCents ?? 0) > 0 && debits.has(l.debitId));
  const terms = new Map<number, Terms>();
  for (const l of discounted) {
    const code = debits.get(l.debitId)!.termsCode;
    const t = code === null ? undefined : await loadTerms(tx, code);
    if (t) terms.set(l.debitId, t);
  }
  const taken = await tx.query<{ debitId: number; taken: number }>(
    `SELECT a.debit_id AS "debitId", sum(a.amount_cents)::bigint AS taken
     FROM applications a JOIN documents c ON c.id = a.credit_id
     WHERE a.debit_id = ANY($1::bigint[]) AND c.type = 'discount' GROUP BY a.debit_id`,
    [discounted.map((l) => l.debitId)],
  );
  const writesOff = input.lines.some((l) => (l.writeOffCents ?? 0) > 0);
  return {
    credit, debits, terms,
    parents: await loadCustomerParents(tx, customerIds),
    discountTakenCents: new Map(taken.rows.map((r) => [r.debitId, r.taken])),
    writeOffMaxCents: writesOff
      ? cents(Number(await loadSetting(tx, 'small_balance_write_off_max_cents') ?? 0))
      : 0,
  };
}

function checkShape(input: ApplyCreditInput): ApplyCreditError | null {
  if (input.lines.length === 0) return { code: 'lines_required' };
  if (!isIsoDate(input.appliedOn)) return { code: 'applied_on_invalid', date: input.appliedOn };
  const seen = new Set<number>();
  for (const l of input.lines) {
    if (seen.has(l.debitId)) return { code: 'debit_listed_twice', debitId: l.debitId };
    seen.add(l.debitId);
    for (const a of [l.amountCents, l.discountCents ?? 0, l.writeOffCents ?? 0]) cents(a);
  }
  return null;
}

/** The first line for which `rule` reports an error, else null. */
function firstLine<T>(
  lines: readonly T[], rule: (line: T) => ApplyCreditError | null,
): ApplyCreditError | null {
  for (const line of lines) {
    const e = rule(line);
    if (e) return e;
  }
  return null;
}

/**
 * The rules of an application, without I/O. Each rule is checked on every line before the next
 * rule, so the error returned is the first in ApplyCreditError's order.
 */
export function checkApplyCredit(input: ApplyCreditInput, f: ApplyFacts): ApplyCreditError | null {
  return checkShape(input) ?? checkDocuments(input, f) ?? checkAmounts(input, f);
}

function checkDocuments(input: ApplyCreditInput, f: ApplyFacts): ApplyCreditError | null {
  const c = f.credit;
  if (!c) return { code: 'credit_not_found', creditId: input.creditId };
  if (!isCreditType(c.type)) return { code: 'not_a_credit_item', creditId: c.id, type: c.type };
  const lines = input.lines.map((l) => ({ l, d: f.debits.get(l.debitId) }));
  const debits = lines.map(({ d }) => d!);
  return firstLine(lines, ({ l, d }) => (d ? null
    : { code: 'debit_not_found', debitId: l.debitId }))
    ?? firstLine(debits, (d) => (isCreditType(d.type)
      ? { code: 'not_a_debit_item', debitId: d.id, type: d.type } : null))
    ?? firstLine(debits, (d) => (d.currency === c.currency ? null : {
      code: 'currencies_must_match', debitId: d.id, creditCurrency: c.currency,
      debitCurrency: d.currency,
    }))
    ?? (c.customerId === null ? { code: 'payment_unidentified', creditId: c.id } : null)
    ?? firstLine(debits, (d) => (related(c.customerId, d.customerId, f.parents) ? null
      : { code: 'customers_must_match', debitId: d.id }))
    ?? firstLine([c, ...debits], (d) => (d.documentDate <= input.appliedOn ? null : {
      code: 'applied_before_document_date', documentId: d.id, documentDate: d.documentDate,
    }));
}

/** Same customer, or one is the other's parent (a bill-to paying for its children). */
function related(
  a: number | null, b: number | null, parents: ReadonlyMap<number, number | null>,
): boolean {
  if (a === null || b === null) return false;
  return a === b || parents.get(a) === b || parents.get(b) === a;
}

function checkAmounts(input: ApplyCreditInput, f: ApplyFacts): ApplyCreditError | null {
  const credit = f.credit!;
  const lines = input.lines.map((l) => ({
    l, d: f.debits.get(l.debitId)!, discount: l.discountCents ?? 0, writeOff: l.writeOffCents ?? 0,
  }));
  const total = lines.reduce((s, { l }) => s + l.amountCents, 0);
  return firstLine(lines, ({ l, discount, writeOff }) =>
    (l.amountCents > 0 && discount >= 0 && writeOff >= 0 ? null
      : { code: 'amount_must_be_positive', debitId: l.debitId }))
    ?? firstLine(lines, ({ l, d, discount, writeOff }) =>
      (l.amountCents + discount + writeOff <= d.openCents ? null
        : { code: 'amount_exceeds_open_balance', debitId: d.id, openCents: d.openCents }))
    ?? (total <= -credit.openCents ? null : {
      code: 'amount_exceeds_credit_open_balance', creditId: credit.id,
      openCents: -credit.openCents,
    })
    ?? firstLine(lines, ({ d, discount }) => {
      if (discount === 0 || input.allowDiscountOverride) return null;
      const terms = f.terms.get(d.id);
      const allowed = terms
        ? discountAllowed(terms, d.documentDate, d.amountCents, input.appliedOn) : 0;
      const left = Math.max(0, allowed - (f.discountTakenCents.get(d.id) ?? 0));
      return discount <= left ? null
        : { code: 'discount_exceeds_allowed', debitId: d.id, allowedCents: left };
    })
    ?? firstLine(lines, ({ d, writeOff }) => (writeOff <= f.writeOffMaxCents ? null
      : { code: 'write_off_exceeds_limit', debitId: d.id, limitCents: f.writeOffMaxCents }));
}

async function writeApplication(
  tx: Queryable, actor: Actor, input: ApplyCreditInput, credit: LedgerDocument,
  debits: ReadonlyMap<number, LedgerDocument>,
): Promise<ApplyCreditOutcome> {
  const applications = await insertApplications(tx, input.lines.map((l) => ({
    creditId: credit.id, debitId: l.debitId, amountCents: l.amountCents,
    appliedOn: input.appliedOn, method: input.method ?? 'manual',
    confidence: input.confidence ?? null, createdBy: actor.name,
  })));
  const byDebit = new Map(applications.map((a) => [a.debitId, a]));
  for (const a of applications) {
    const lines = applicationJournalLines(credit.type as CreditType,
      debits.get(a.debitId)!.type as DebitType, a.amountCents, credit.currency);
    await insertJournalEntry(tx, {
      effectiveDate: input.appliedOn, kind: 'application', applicationId: a.id,
      createdBy: actor.name,
    }, lines);
  }
  const adjustments = await writeAdjustments(tx, actor, input, debits, byDebit);
  const deltas = new Map<number, number>([[credit.id, input.lines.reduce(
    (s, l) => s + l.amountCents, 0)]]);
  for (const l of input.lines) {
    deltas.set(l.debitId, -(l.amountCents + (l.discountCents ?? 0) + (l.writeOffCents ?? 0)));
  }
  const updated = await addToOpenCents(tx, deltas);
  const after = updated.get(credit.id)!;
  await writeAudit(tx, actor, {
    action: 'credit.apply', entityType: 'document', entityId: credit.id,
    customerId: credit.customerId,
    before: { openCents: credit.openCents, debits: openAmounts(input, debits) },
    after: {
      openCents: after.openCents, debits: openAmounts(input, updated), appliedOn: input.appliedOn,
      applicationIds: applications.map((a) => a.id),
      adjustmentIds: adjustments.map((a) => a.document.id),
    },
  });
  return {
    credit: after, debits: input.lines.map((l) => updated.get(l.debitId)!), applications,
    adjustments, unappliedCents: -after.openCents as Cents,
  };
}

function openAmounts(
  input: ApplyCreditInput, docs: ReadonlyMap<number, LedgerDocument>,
): { id: number; openCents: number }[] {
  return input.lines.map((l) => ({ id: l.debitId, openCents: docs.get(l.debitId)!.openCents }));
}

/**
 * Creates the discount and write-off documents, born applied to their debit (open zero). Both
 * sit in AR control like the debit, so their applications move nothing in the GL: the entry is
 * the document's own (Dr sales discounts or bad debt, Cr AR control).
 */
async function writeAdjustments(
  tx: Queryable, actor: Actor, input: ApplyCreditInput,
  debits: ReadonlyMap<number, LedgerDocument>, byDebit: ReadonlyMap<number, Application>,
): Promise<Adjustment[]> {
  const specs = input.lines.flatMap((l) => ([
    ['discount', l.discountCents ?? 0], ['write_off', l.writeOffCents ?? 0],
  ] as const).filter(([, amount]) => amount > 0).map(([kind, amount]) => {
    const debit = debits.get(l.debitId)!;
    const app = byDebit.get(l.debitId)!;
    const what = kind === 'discount' ? 'discount taken' : 'small balance written off';
    return {
      customerId: debit.customerId, type: kind,
      number: `${kind === 'discount' ? 'DISC' : 'WO'}-${debit.number}`,
      documentDate: input.appliedOn, dueDate: input.appliedOn,
      amountCents: -amount as Cents, openCents: 0 as Cents, currency: debit.currency,
      memo: `${what} with application ${app.id}`,
      externalId: adjustmentExternalId(kind, app.id), createdBy: actor.name,
    };
  }));
  const docs = await insertDocuments(tx, specs);
  const apps = await insertApplications(tx, docs.map((d) => ({
    creditId: d.id, debitId: debitOfAdjustment(d, byDebit), amountCents: -d.amountCents as Cents,
    appliedOn: input.appliedOn, createdBy: actor.name,
  })));
  const out: Adjustment[] = [];
  for (const document of docs) {
    const application = apps.find((a) => a.creditId === document.id)!;
    await insertJournalEntry(tx, {
      effectiveDate: input.appliedOn, kind: document.type, documentId: document.id,
      createdBy: actor.name,
    }, documentJournalLines(document.type, document.amountCents, document.currency));
    out.push({ document, application });
  }
  return out;
}

/** The debit an adjustment was taken on: the one of the application its external_id names. */
function debitOfAdjustment(d: LedgerDocument, byDebit: ReadonlyMap<number, Application>): number {
  const app = [...byDebit.values()].find(
    (a) => d.externalId === adjustmentExternalId(d.type as 'discount' | 'write_off', a.id));
  return app!.debitId;
}
