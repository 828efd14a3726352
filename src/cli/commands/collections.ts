import type { Command } from 'commander';
import { CliError, output, type CliContext, type RegisterCommands } from '../context.ts';
import type { Db } from '../../db/connection.ts';
import { findCustomerByAccount, findDebitsByNumber, type Customer } from '../../db/documents.ts';
import { DISPUTE_RESOLUTIONS } from '../../domain/collections/disputes.ts';
import { currencyExponent, formatAmount, parseAmount, type Cents } from '../../domain/money.ts';
import type { Result } from '../../domain/result.ts';
import { changeDisputeStatus } from '../../collections/change-dispute-status.ts';
import { createPromise } from '../../collections/create-promise.ts';
import { deliverDunning } from '../../collections/deliver-dunning.ts';
import { describeCollectionsError, type CollectionsError } from '../../collections/errors.ts';
import { evaluatePromises } from '../../collections/evaluate-promises.ts';
import { getWorklist } from '../../collections/get-worklist.ts';
import { logActivity, type ActivityKind, type ActivityOutcome }
  from '../../collections/log-activity.ts';
import { smtpMailer } from '../../collections/mailer.ts';
import { openDispute } from '../../collections/open-dispute.ts';
import { previewDunning } from '../../collections/preview-dunning.ts';
import { runDunning } from '../../collections/run-dunning.ts';

// `arc worklist`, `arc log`, `arc promise`, `arc dispute open|status`, `arc dunning
// preview|run`, `arc promises evaluate`. Thin: parse, call the use case, print. The CLI acts as
// an administrator (context.ts), so it may approve what needs a manager.

const money = (c: number, currency: string) => formatAmount(c, currencyExponent(currency), true);

function wantsJson(cmd: Command): boolean {
  return Boolean(cmd.optsWithGlobals<{ json?: boolean }>().json);
}

function unwrap<T>(r: Result<T, CollectionsError>): T {
  if (!r.ok) throw new CliError(r.error.code, describeCollectionsError(r.error), 1, r.error);
  return r.value;
}

async function customerArg(db: Db, account: string): Promise<Customer> {
  const c = await findCustomerByAccount(db, account);
  if (!c) throw new CliError('customer_not_found', `account: no customer ${account}`);
  return c;
}

function amountArg(text: string, currency: string, field: string): Cents {
  const r = parseAmount(text, currencyExponent(currency));
  if (!r.ok) throw new CliError(r.error.code, `${field}: cannot read "${text}" as an amount`, 2);
  return r.value;
}

/** "INV-1,INV-2" (numbers of the customer's debit items) -> document ids. */
async function itemsArg(db: Db, c: Customer, list: string | undefined): Promise<number[]> {
  if (!list) return [];
  const ids: number[] = [];
  for (const number of list.split(',').map((s) => s.trim()).filter(Boolean)) {
    const d = (await findDebitsByNumber(db, number)).find((x) => x.customerId === c.id);
    if (!d) throw new CliError('item_not_found', `--items: ${c.accountNumber} has no ${number}`);
    ids.push(d.id);
  }
  return ids;
}

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd())
    .join('\n');
}

export const registerCollectionsCommands: RegisterCommands = (program, ctx) => {
  program.command('worklist').description('the ranked collections worklist for today')
    .option('--collector <name>', 'the collector (default: ARC_USER / the CLI user)')
    .option('--all', "every collector's accounts (supervisors)")
    .option('--limit <n>', 'at most n accounts', '50')
    .action(async (o: { collector?: string; all?: boolean; limit: string }, cmd: Command) => {
      const list = await getWorklist(await ctx.db(), {
        collector: o.all ? null : o.collector ?? ctx.actor.name, asOf: ctx.today,
        limit: Number(o.limit) || 50,
      });
      output(ctx, wantsJson(cmd), { asOf: ctx.today, items: list.map((e) => ({ ...e,
        collectiblePastDue: money(e.collectiblePastDueCents, e.currency) })) }, () =>
        list.length === 0 ? 'worklist: nothing to work' : table([
          ['#', 'account', 'name', 'score', 'past due', 'why'],
          ...list.map((e, i) => [String(i + 1), e.accountNumber, e.name, String(e.score),
            money(e.collectiblePastDueCents, e.currency), e.reason])]));
    });
  registerContactCommands(program, ctx);
  registerDisputeCommands(program, ctx);
  registerDunningCommands(program, ctx);
};

function registerContactCommands(program: Command, ctx: CliContext): void {
  program.command('log <account>').description('log a call, email, fax, letter, visit or note')
    .option('--kind <kind>', 'call, email, fax, letter, visit or note', 'call')
    .option('--outcome <outcome>', 'promise, dispute, paid, left_message, no_answer, '
      + 'wrong_number, refused').option('--contact <name>').option('--subject <text>')
    .option('--note <text>').option('--items <numbers>', 'item numbers, comma-separated')
    .option('--follow-up <date>', 'a follow-up task on this date')
    .action(async (account: string, o: { kind: string; outcome?: string; contact?: string;
      subject?: string; note?: string; items?: string; followUp?: string }, cmd: Command) => {
      const db = await ctx.db();
      const c = await customerArg(db, account);
      const a = unwrap(await logActivity(db, ctx.actor, {
        customerId: c.id, kind: o.kind as ActivityKind,
        outcome: (o.outcome ?? null) as ActivityOutcome | null, contactName: o.contact,
        subject: o.subject, body: o.note, documentIds: await itemsArg(db, c, o.items),
        followUpOn: o.followUp, occurredOn: ctx.today,
      }));
      output(ctx, wantsJson(cmd), { activity: a }, () =>
        `logged ${a.kind} ${a.id} on ${c.accountNumber}`
        + (a.followUpOn ? `, follow up on ${a.followUpOn}` : ''));
    });
  program.command('promise <account> <amount> <date>').description('record a promise to pay')
    .option('--items <numbers>', 'the promised items, comma-separated').option('--contact <name>')
    .action(async (account: string, amount: string, date: string,
      o: { items?: string; contact?: string }, cmd: Command) => {
      const db = await ctx.db();
      const c = await customerArg(db, account);
      const p = unwrap(await createPromise(db, ctx.actor, {
        customerId: c.id, amountCents: amountArg(amount, c.currency, 'amount'),
        promisedOn: date, madeOn: ctx.today, documentIds: await itemsArg(db, c, o.items),
        contactName: o.contact,
      }));
      output(ctx, wantsJson(cmd), { promise: { ...p, amount: money(p.amountCents, p.currency) } },
        () => `promise ${p.id}: ${money(p.amountCents, p.currency)} ${p.currency} by `
          + `${p.promisedOn} from ${c.accountNumber}`);
    });
  program.command('promises').description('promises to pay')
    .command('evaluate').description('mark promises kept, partially kept or broken (nightly)')
    .option('--rerun', 'evaluate again even if this date already ran')
    .action(async (o: { rerun?: boolean }, cmd: Command) => {
      const r = await evaluatePromises(await ctx.db(), ctx.actor, ctx.today, { rerun: o.rerun });
      output(ctx, wantsJson(cmd), r, () => !r.ran
        ? `promises for ${r.asOf} were already evaluated (use --rerun)`
        : `evaluated ${r.evaluated}: ${r.kept} kept, ${r.partiallyKept} partially kept, `
          + `${r.broken} broken; ${r.tasksCreated} follow-up task(s)`);
    });
}

function registerDisputeCommands(program: Command, ctx: CliContext): void {
  const dispute = program.command('dispute').description('disputes and deductions');
  dispute.command('open <account>').description('open a dispute on items')
    .requiredOption('--reason <code>', 'pricing, shortage, damage, returns, promo, tax, ...')
    .requiredOption('--items <numbers>', 'NUMBER[:amount], comma-separated')
    .option('--owner <name>', 'routed to (default: the sales rep)').option('--note <text>')
    .option('--deduction', 'a deduction taken by the customer')
    .action(async (account: string, o: { reason: string; items: string; owner?: string;
      note?: string; deduction?: boolean }, cmd: Command) => {
      const db = await ctx.db();
      const c = await customerArg(db, account);
      const parts = o.items.split(',').map((s) => s.trim().split(':'));
      const ids = await itemsArg(db, c, parts.map((p) => p[0]).join(','));
      const d = unwrap(await openDispute(db, ctx.actor, {
        customerId: c.id, reasonCode: o.reason as never, owner: o.owner, note: o.note,
        kind: o.deduction ? 'deduction' : 'dispute', openedOn: ctx.today,
        items: ids.map((documentId, i) => ({ documentId, amountCents: parts[i]![1]
          ? amountArg(parts[i]![1]!, c.currency, '--items') : null })),
      }));
      output(ctx, wantsJson(cmd), { dispute: d }, () =>
        `dispute ${d.id} opened: ${money(d.amountCents, d.currency)} ${d.currency} `
        + `(${d.reasonCode}), owner ${d.owner ?? 'none'}`);
    });
  dispute.command('status <id> <status>').description('in_review, resolved or closed')
    .option('--resolution <r>', DISPUTE_RESOLUTIONS.join(', ')).option('--note <text>')
    .action(async (id: string, to: string, o: { resolution?: string; note?: string },
      cmd: Command) => {
      if (!/^\d{1,15}$/.test(id)) throw new CliError('id_invalid', `not an id: ${id}`, 2);
      const d = unwrap(await changeDisputeStatus(await ctx.db(), ctx.actor, {
        disputeId: Number(id), to: to as never, resolution: (o.resolution ?? null) as never,
        byManager: true, on: ctx.today, note: o.note,
      }));
      output(ctx, wantsJson(cmd), { dispute: d }, () =>
        `dispute ${d.id} is ${d.status}${d.resolution ? ` (${d.resolution})` : ''}`);
    });
}

function registerDunningCommands(program: Command, ctx: CliContext): void {
  const dunning = program.command('dunning').description('dunning runs');
  dunning.command('preview').description('what a run today would send, sending nothing')
    .action(async (_: unknown, cmd: Command) => {
      const p = await previewDunning(await ctx.db(), ctx.today);
      output(ctx, wantsJson(cmd), p, () => [
        `${p.messages.length} message(s) as of ${p.asOf}; paused: ${p.paused.promise} by `
        + `promises, ${p.paused.dispute} by disputes, ${p.paused.agency_placement} at agencies`,
        ...p.messages.map((m) => `${m.accountNumber}  ${m.channel}  ${m.step}  `
          + `${money(m.totalCents, m.currency)} ${m.currency}  ${m.items.length} item(s)`),
      ].join('\n'));
    });
  dunning.command('run').description("run today's dunning once, then deliver its messages")
    .option('--key <key>', 'run key (default: the daily slot, so it runs once a day)')
    .action(async (o: { key?: string }, cmd: Command) => {
      const db = await ctx.db();
      const run = unwrap(await runDunning(db, ctx.actor,
        { runKey: o.key ?? `daily:${ctx.today}`, asOf: ctx.today }));
      const mailer = smtpMailer(ctx.config.mail);
      try {
        const delivered = await deliverDunning(db, ctx.actor, run.runId, { mailer,
          companyName: ctx.config.mail.companyName, faxGateway: ctx.config.mail.faxGateway });
        output(ctx, wantsJson(cmd), { run, delivered }, () =>
          `dunning run ${run.runId} (${run.runKey}): ${run.messages} message(s), `
          + `${run.sends} item step(s), ${run.tasks} task(s), ${run.creditHolds} credit hold(s); `
          + `emailed ${delivered.emailed}, faxed ${delivered.faxed}, letters ${delivered.printed}`
          + `, failed ${delivered.failed}`
          + (delivered.waiting ? `, ${delivered.waiting} waiting for a mail server` : ''));
      } finally {
        mailer?.close();
      }
    });
}
