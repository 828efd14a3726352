import { Option, type Command } from 'commander';
import {
  CliError, commandGroup, output, type CliContext, type RegisterCommands,
} from '../context.ts';
import type { Db } from '../../db/connection.ts';
import {
  findCustomerByAccount, findDebitsByNumber, listContacts, listCustomers, listOpenDocuments,
  loadCustomer, loadDocuments, loadSetting, loadTerms, type Customer, type LedgerDocument,
} from '../../db/documents.ts';
import { PAYMENT_METHODS, type PaymentMethod } from '../../domain/ledger.ts';
import { currencyExponent, formatAmount, parseAmount, type Cents } from '../../domain/money.ts';
import type { Result } from '../../domain/result.ts';
import { describeTerms } from '../../domain/terms.ts';
import { addContact } from '../../ledger/add-contact.ts';
import { applyCredit, type ApplyLine } from '../../ledger/apply-credit.ts';
import { createCustomer } from '../../ledger/create-customer.ts';
import { describeLedgerError, type LedgerError } from '../../ledger/errors.ts';
import { postDocument } from '../../ledger/post-document.ts';
import { reverseApplication } from '../../ledger/reverse-application.ts';
import { reverseDocument } from '../../ledger/reverse-document.ts';
import { updateCustomer, type UpdateCustomerInput } from '../../ledger/update-customer.ts';
import { verifyLedger, type LedgerDifference } from '../../ledger/verify.ts';

// `arc customer ...`, `arc invoice add`, `arc payment add`, `arc apply`, `arc application
// reverse`, `arc document reverse`, `arc verify`. Amounts are read with parseAmount in the
// currency's minor units and printed with formatAmount; ledger errors keep their codes.

export const registerLedgerCommands: RegisterCommands = (program, ctx) => {
  registerCustomerCommands(commandGroup(program, 'customer', 'customers and their contacts'), ctx);
  registerPostingCommands(program, ctx);
  registerApplicationCommands(program, ctx);
  program.command('verify')
    .description('re-derive open amounts and control balances; exit 1 on any difference')
    .action(async (_: unknown, cmd: Command) => {
      const differences = await verifyLedger(await ctx.db());
      output(ctx, wantsJson(cmd), { ok: differences.length === 0, differences }, () =>
        differences.length === 0 ? 'ledger verified: no differences'
          : differences.map(describeDifference).join('\n'));
      if (differences.length > 0) {
        throw new CliError('ledger_differences', `${differences.length} difference(s) found`);
      }
    });
};

/** The subcommand `name`, shared with other modules that add to it (e.g. `payment import`). */
/**
 * Whether --json was given. main.ts adds --json to group commands too ("customer"), and commander
 * lets a parent take its own options after the subcommand, so read it with the parents'.
 */
function wantsJson(cmd: Command): boolean {
  return Boolean(cmd.optsWithGlobals<{ json?: boolean }>().json);
}

function unwrap<T>(r: Result<T, LedgerError>): T {
  if (!r.ok) throw new CliError(r.error.code, describeLedgerError(r.error), 1, r.error);
  return r.value;
}

function amountArg(text: string, currency: string, field: string): Cents {
  const r = parseAmount(text, currencyExponent(currency));
  if (!r.ok) throw new CliError(r.error.code, `${field}: cannot read "${text}" as an amount`, 2);
  return r.value;
}

function idArg(text: string, field: string): number {
  if (!/^\d{1,15}$/.test(text)) throw new CliError('id_invalid', `${field}: not an id: ${text}`, 2);
  return Number(text);
}

const money = (amount: number, currency: string): string =>
  formatAmount(amount, currencyExponent(currency));

async function customerArg(db: Db, account: string, field = 'account'): Promise<Customer> {
  const c = await findCustomerByAccount(db, account);
  if (!c) throw new CliError('customer_not_found', `${field}: no customer ${account}`);
  return c;
}

function customerJson(c: Customer): Record<string, unknown> {
  const { creditLimitCents, ...rest } = c;
  return {
    ...rest,
    creditLimit: creditLimitCents === null ? null : money(creditLimitCents, c.currency),
  };
}

function documentJson(d: LedgerDocument): Record<string, unknown> {
  const { amountCents, openCents, ...rest } = d;
  return { ...rest, amount: money(amountCents, d.currency), open: money(openCents, d.currency) };
}

/** Left-aligned columns, two spaces apart. */
function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd())
    .join('\n');
}

function documentTable(docs: LedgerDocument[]): string {
  return table([['id', 'type', 'number', 'date', 'due', 'amount', 'open'], ...docs.map((d) => [
    String(d.id), d.type, d.number, d.documentDate, d.dueDate, money(d.amountCents, d.currency),
    money(d.openCents, d.currency),
  ])]);
}

interface CustomerOpts {
  account?: string; name?: string; terms?: string; creditLimit?: string; currency?: string;
  collector?: string; salesRep?: string; region?: string; parent?: string | false;
  status?: string; notes?: string; json?: boolean;
}

function customerOptions(cmd: Command): Command {
  return cmd.option('--terms <terms>', 'terms code, e.g. NET30 or "2/10 net 30"')
    .option('--credit-limit <amount>', 'credit limit, e.g. 5000.00')
    .option('--currency <code>', 'ISO currency (default: the base currency)')
    .option('--collector <name>').option('--sales-rep <name>').option('--region <region>')
    .option('--status <status>', 'active, inactive, on_hold or closed')
    .option('--notes <text>');
}

/** The fields given on the command line, as an update (undefined = leave as is). */
function customerPatch(o: CustomerOpts, currency: string): UpdateCustomerInput {
  return {
    name: o.name, terms: o.terms, currency: o.currency, collector: o.collector,
    salesRep: o.salesRep, region: o.region, status: o.status as Customer['status'] | undefined,
    notes: o.notes,
    creditLimitCents: o.creditLimit === undefined ? undefined
      : amountArg(o.creditLimit, currency, '--credit-limit'),
    parentAccount: o.parent === false ? null : o.parent,
  };
}

function registerCustomerCommands(customer: Command, ctx: CliContext): void {
  customerOptions(customer.command('add').description('create a customer'))
    .requiredOption('--account <account>', 'account number').requiredOption('--name <name>')
    .option('--parent <account>', 'parent (bill-to) account')
    .action(async (o: CustomerOpts, cmd: Command) => {
      o.json = wantsJson(cmd);
      const db = await ctx.db();
      const currency = o.currency ?? String(await loadSetting(db, 'base_currency') ?? 'USD');
      const patch = customerPatch(o, currency);
      const c = unwrap(await createCustomer(db, ctx.actor, {
        ...patch, accountNumber: o.account!, name: o.name!, currency,
        parentAccount: patch.parentAccount ?? null,
      }));
      output(ctx, o.json, { customer: customerJson(c) }, () =>
        `created customer ${c.accountNumber} (${c.name}), terms ${c.termsCode}, ${c.currency}`);
    });
  customerOptions(customer.command('update <account>').description('change a customer'))
    .option('--name <name>').option('--parent <account>', 'parent (bill-to) account')
    .option('--no-parent', 'detach from its parent')
    .action(async (account: string, o: CustomerOpts, cmd: Command) => {
      o.json = wantsJson(cmd);
      const db = await ctx.db();
      const before = await customerArg(db, account);
      const c = unwrap(await updateCustomer(db, ctx.actor, before.id,
        customerPatch(o, o.currency ?? before.currency)));
      output(ctx, o.json, { customer: customerJson(c) }, () => `updated customer ${account}`);
    });
  customer.command('show <account>').description('a customer, its contacts and open items')
    .action(async (account: string, _: unknown, cmd: Command) =>
      showCustomer(ctx, account, wantsJson(cmd)));
  customer.command('list').description('customers with their balances')
    .option('--collector <name>', "one collector's portfolio")
    .action(async (o: { collector?: string; json?: boolean }, cmd: Command) => {
      o.json = wantsJson(cmd);
      const rows = await listCustomers(await ctx.db(), { collector: o.collector });
      output(ctx, o.json, { customers: rows.map((c) => ({
        ...customerJson(c), balance: money(c.balanceCents, c.currency),
      })) }, () => table([['account', 'name', 'collector', 'terms', 'balance', 'currency'],
        ...rows.map((c) => [c.accountNumber, c.name, c.collector ?? '', c.termsCode,
          money(c.balanceCents, c.currency), c.currency])]));
    });
  customer.command('contact <account>').description('add a contact to a customer')
    .requiredOption('--name <name>').option('--role <role>').option('--email <email>')
    .option('--phone <phone>').option('--fax <fax>').option('--primary', 'the primary contact')
    .action(async (account: string, o: {
      name: string; role?: string; email?: string; phone?: string; fax?: string;
      primary?: boolean; json?: boolean;
    }, cmd: Command) => {
      o.json = wantsJson(cmd);
      const db = await ctx.db();
      const c = await customerArg(db, account);
      const contact = unwrap(await addContact(db, ctx.actor, {
        customerId: c.id, name: o.name, role: o.role, email: o.email, phone: o.phone,
        fax: o.fax, isPrimary: o.primary ?? false,
      }));
      output(ctx, o.json, { contact }, () => `added contact ${contact.name} to ${account}`);
    });
}

async function showCustomer(ctx: CliContext, account: string, json?: boolean): Promise<void> {
  const db = await ctx.db();
  const c = await customerArg(db, account);
  const parent = c.parentId === null ? undefined : await loadCustomer(db, c.parentId);
  const terms = await loadTerms(db, c.termsCode);
  const contacts = await listContacts(db, c.id);
  const open = await listOpenDocuments(db, c.id);
  const balance = open.reduce((s, d) => s + d.openCents, 0);
  output(ctx, json, {
    customer: { ...customerJson(c), parentAccount: parent?.accountNumber ?? null,
      termsDescription: terms ? describeTerms(terms) : null, balance: money(balance, c.currency),
      contacts },
    openItems: open.map(documentJson),
  }, () => [
    `${c.accountNumber}  ${c.name}  (${c.status})`,
    `terms ${c.termsCode}${terms ? ` (${describeTerms(terms)})` : ''}, currency ${c.currency},`
      + ` credit limit ${c.creditLimitCents === null ? 'none'
        : money(c.creditLimitCents, c.currency)}`,
    `collector ${c.collector ?? '-'}, sales rep ${c.salesRep ?? '-'}, region ${c.region ?? '-'},`
      + ` parent ${parent?.accountNumber ?? '-'}`,
    `balance ${money(balance, c.currency)} ${c.currency}`,
    ...contacts.map((p) => `contact ${p.isPrimary ? '*' : ' '} ${p.name}`
      + [p.role, p.email, p.phone].filter(Boolean).map((x) => `, ${x}`).join('')),
    open.length === 0 ? 'no open items' : documentTable(open),
  ].join('\n'));
}

interface PostOpts {
  account?: string; number?: string; reference?: string; date: string; amount: string;
  due?: string; type?: 'invoice' | 'credit_memo' | 'debit_memo' | 'finance_charge';
  po?: string; order?: string; method?: PaymentMethod; payer?: string; memo?: string;
  currency?: string; externalId?: string; json?: boolean;
}

function registerPostingCommands(program: Command, ctx: CliContext): void {
  commandGroup(program, 'invoice', 'invoices and memos').command('add')
    .description('post an invoice, credit memo, debit memo or finance charge')
    .requiredOption('--account <account>').requiredOption('--number <number>')
    .requiredOption('--date <date>', 'document date, YYYY-MM-DD')
    .requiredOption('--amount <amount>', 'positive, e.g. 100.00')
    .option('--due <date>', 'due date (default: from the terms)')
    .addOption(new Option('--type <type>').default('invoice')
      .choices(['invoice', 'credit_memo', 'debit_memo', 'finance_charge']))
    .option('--po <po>').option('--order <order>').option('--memo <text>')
    .option('--external-id <key>', 'idempotency key (default: <type>:<number>)')
    .action(async (o: PostOpts, cmd: Command) => {
      o.json = wantsJson(cmd);
      const db = await ctx.db();
      const c = await customerArg(db, o.account!);
      const type = o.type ?? 'invoice';
      const r = unwrap(await postDocument(db, ctx.actor, {
        type, customerId: c.id, number: o.number!, documentDate: o.date, dueDate: o.due,
        amountCents: amountArg(o.amount, c.currency, '--amount'), poNumber: o.po,
        orderNumber: o.order, memo: o.memo, externalId: o.externalId ?? `${type}:${o.number}`,
      }));
      printPosted(ctx, o.json, r.document, r.created);
    });
  commandGroup(program, 'payment', 'payments (receipts) and the research queue').command('add')
    .description('post a payment; without --account it is unidentified cash')
    .option('--account <account>')
    .addOption(new Option('--method <method>').choices(PAYMENT_METHODS).makeOptionMandatory())
    .requiredOption('--reference <reference>', 'check number, trace number...')
    .requiredOption('--date <date>', 'received on, YYYY-MM-DD')
    .requiredOption('--amount <amount>', 'positive, e.g. 100.00')
    .option('--payer <name>').option('--memo <text>').option('--currency <code>')
    .option('--external-id <key>', 'idempotency key')
    .action(async (o: PostOpts, cmd: Command) => {
      o.json = wantsJson(cmd);
      const db = await ctx.db();
      const c = o.account === undefined ? undefined : await customerArg(db, o.account);
      const currency = c?.currency ?? o.currency
        ?? String(await loadSetting(db, 'base_currency') ?? 'USD');
      const r = unwrap(await postDocument(db, ctx.actor, {
        type: 'payment', customerId: c?.id ?? null, number: o.reference!, documentDate: o.date,
        amountCents: amountArg(o.amount, currency, '--amount'), method: o.method,
        payerName: o.payer, memo: o.memo, currency: o.currency, externalId: o.externalId,
      }));
      printPosted(ctx, o.json, r.document, r.created);
    });
}

function printPosted(
  ctx: CliContext, json: boolean | undefined, d: LedgerDocument, created: boolean,
): void {
  output(ctx, json, { document: documentJson(d), created }, () =>
    `${created ? 'posted' : 'already posted'} ${d.type} ${d.number} (id ${d.id}):`
    + ` ${money(Math.abs(d.amountCents), d.currency)} ${d.currency}, due ${d.dueDate}`);
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function registerApplicationCommands(program: Command, ctx: CliContext): void {
  program.command('apply').description('apply a payment or credit memo to debit items')
    .option('--payment-id <id>').option('--credit-id <id>')
    .option('--to <spec>', 'DOCNUMBER=AMOUNT[:discount=X][:writeoff=Y] (or #ID=...); repeat',
      collect, [])
    .requiredOption('--date <date>', 'applied on, YYYY-MM-DD')
    .option('--allow-discount-override', 'take more discount than the terms allow')
    .action(async (o: {
      paymentId?: string; creditId?: string; to: string[]; date: string;
      allowDiscountOverride?: boolean; json?: boolean;
    }, cmd: Command) => applyCommand(ctx, { ...o, json: wantsJson(cmd) }));
  commandGroup(program, 'application', 'applications of payments and credits, and their reversal').command('reverse <id>')
    .description('un-apply an application (a reversing row)')
    .requiredOption('--reason <text>').requiredOption('--date <date>', 'effective date')
    .option('--include-adjustments', 'also reverse the discount/write-off taken with it')
    .action(async (id: string, o: {
      reason: string; date: string; includeAdjustments?: boolean; json?: boolean;
    }, cmd: Command) => {
      o.json = wantsJson(cmd);
      const r = unwrap(await reverseApplication(await ctx.db(), ctx.actor, {
        applicationId: idArg(id, 'ID'), reason: o.reason, effectiveDate: o.date,
        includeAdjustments: o.includeAdjustments ?? false,
      }));
      output(ctx, o.json, {
        reversal: r.reversal, credit: documentJson(r.credit), debit: documentJson(r.debit),
        adjustments: r.adjustments, adjustmentsLeft: r.adjustmentsLeft.map(documentJson),
      }, () => [
        `reversed application ${id}: ${r.debit.number} open ${money(r.debit.openCents,
          r.debit.currency)}, ${r.credit.number} open ${money(r.credit.openCents,
          r.credit.currency)}`,
        ...r.adjustments.map((a) => `also reversed ${a.document.type} ${a.document.number}`),
        ...r.adjustmentsLeft.map((d) => `note: ${d.type} ${d.number} taken with it is still`
          + ` applied; to reverse it: arc document reverse ${d.id} --unapply-first`),
      ].join('\n'));
    });
  commandGroup(program, 'document', 'open items').command('reverse <id>')
    .description('void a posted document by a reversing document')
    .requiredOption('--reason <text>').requiredOption('--date <date>', 'effective date')
    .option('--unapply-first', 'reverse its applications first')
    .action(async (id: string, o: {
      reason: string; date: string; unapplyFirst?: boolean; json?: boolean;
    }, cmd: Command) => {
      o.json = wantsJson(cmd);
      const r = unwrap(await reverseDocument(await ctx.db(), ctx.actor, {
        documentId: idArg(id, 'ID'), reason: o.reason, effectiveDate: o.date,
        unapplyFirst: o.unapplyFirst ?? false,
      }));
      output(ctx, o.json, {
        original: documentJson(r.original), reversal: documentJson(r.reversal),
        application: r.application, unapplied: r.unapplied.map((u) => u.reversal),
      }, () => `voided ${r.original.type} ${r.original.number} by ${r.reversal.type}`
        + ` ${r.reversal.number} (id ${r.reversal.id})`);
    });
}

async function applyCommand(ctx: CliContext, o: {
  paymentId?: string; creditId?: string; to: string[]; date: string;
  allowDiscountOverride?: boolean; json?: boolean;
}): Promise<void> {
  const idText = o.paymentId ?? o.creditId;
  if (idText === undefined || (o.paymentId && o.creditId)) {
    throw new CliError('usage', 'give one of --payment-id or --credit-id', 2);
  }
  if (o.to.length === 0) throw new CliError('usage', 'give at least one --to', 2);
  const db = await ctx.db();
  const creditId = idArg(idText, o.paymentId ? '--payment-id' : '--credit-id');
  const credit = (await loadDocuments(db, [creditId])).get(creditId);
  const currency = credit?.currency ?? 'USD';
  const lines: ApplyLine[] = [];
  for (const spec of o.to) lines.push(await applyLine(db, spec, credit, currency));
  const r = unwrap(await applyCredit(db, ctx.actor, {
    creditId, appliedOn: o.date, lines, allowDiscountOverride: o.allowDiscountOverride ?? false,
  }));
  output(ctx, o.json, {
    credit: documentJson(r.credit), debits: r.debits.map(documentJson),
    applications: r.applications, adjustments: r.adjustments.map((a) => ({
      document: documentJson(a.document), application: a.application,
    })),
    unapplied: money(r.unappliedCents, currency),
  }, () => [
    ...r.applications.map((a, i) => `applied ${money(a.amountCents, currency)} to`
      + ` ${r.debits[i]!.number}: open ${money(r.debits[i]!.openCents, currency)}`),
    ...r.adjustments.map((a) => `${a.document.type} ${money(-a.document.amountCents, currency)}`
      + ` on ${a.document.number}`),
    `unapplied ${money(r.unappliedCents, currency)} ${currency}`,
  ].join('\n'));
}

/** Reads `DOCNUMBER=AMOUNT[:discount=X][:writeoff=Y]`; `#ID` names a document by id. */
async function applyLine(
  db: Db, spec: string, credit: LedgerDocument | undefined, currency: string,
): Promise<ApplyLine> {
  const m = /^(.+?)=([^:]+)((?::(?:discount|writeoff)=[^:]+)*)$/.exec(spec);
  if (!m) throw new CliError('usage', `--to ${spec}: expected DOCNUMBER=AMOUNT[:discount=X]`, 2);
  const [, ref, amount, extras] = m as unknown as [string, string, string, string];
  const line: ApplyLine = {
    debitId: await debitArg(db, ref, credit), amountCents: amountArg(amount, currency, '--to'),
  };
  for (const part of extras.split(':').filter(Boolean)) {
    const [key, value] = part.split('=') as [string, string];
    const cents = amountArg(value, currency, `--to ${key}`);
    if (key === 'discount') line.discountCents = cents;
    else line.writeOffCents = cents;
  }
  return line;
}

async function debitArg(db: Db, ref: string, credit: LedgerDocument | undefined): Promise<number> {
  if (ref.startsWith('#')) return idArg(ref.slice(1), '--to');
  let found = await findDebitsByNumber(db, ref);
  if (found.length > 1 && credit) found = found.filter((d) => d.customerId === credit.customerId);
  if (found.length === 1) return found[0]!.id;
  throw new CliError(found.length === 0 ? 'debit_not_found' : 'document_number_ambiguous',
    found.length === 0 ? `--to: no debit item numbered ${ref}`
      : `--to: several debit items numbered ${ref}; name one as #ID`);
}

function describeDifference(d: LedgerDifference): string {
  switch (d.check) {
    case 'open_amount':
      return `document ${d.documentId} (${d.type} ${d.number}): open_cents ${d.openCents},`
        + ` applications say ${d.derivedOpenCents}`;
    case 'over_applied':
      return `document ${d.documentId} (${d.type} ${d.number}): over-applied, amount`
        + ` ${d.amountCents}, open by applications ${d.derivedOpenCents}`;
    case 'application':
      return `application ${d.applicationId}: ${d.problem.replace(/_/g, ' ')}`;
    case 'control_balance':
      return `${d.account} ${d.currency}: journal balance ${d.balanceCents},`
        + ` open items ${d.openCents}`;
    case 'entry_unbalanced':
      return `journal entry ${d.entryId}: nets ${d.netCents} in ${d.currency}`;
    case 'customer_summary':
      return `customer ${d.customerId}: customer_summary differs from its open items`;
    case 'customer_open_dates':
      return `customer ${d.customerId} (${d.currency}): customer_open_dates differs from its`
        + ' open items';
    case 'aging_period':
      return `aging period ${d.periodEnd}, customer ${d.customerId || '(none)'} (${d.currency}):`
        + ' differs from its documents and applications as of that date';
    case 'customer_count':
      return `customer_count says ${d.storedCount} customers, there are ${d.derivedCount}`;
    case 'over_applied_dates':
      return `document ${d.documentId}: over-applied on dates aging_over_applied does not hold`;
  }
}
