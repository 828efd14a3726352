import { randomUUID } from 'node:crypto';
import { readFileSync, existsSync } from 'node:fs';
import { basename } from 'node:path';
import { Argument, type Command } from 'commander';
import {
  CliError, commandGroup, output, type CliContext, type RegisterCommands,
} from '../context.ts';
import { acceptProposal } from '../../cashapp/accept-proposal.ts';
import { addPaymentNote } from '../../cashapp/add-payment-note.ts';
import { applyPaymentByHand, type HandLine } from '../../cashapp/apply-payment-by-hand.ts';
import { describeCashappError, type CashappError } from '../../cashapp/errors.ts';
import { importBankFile, type ImportBankSummary } from '../../cashapp/import-bank-file.ts';
import { listApplications } from '../../cashapp/list-applications.ts';
import { listResearchQueue } from '../../cashapp/list-research-queue.ts';
import { markPayment } from '../../cashapp/mark-payment.ts';
import { redepositPayment } from '../../cashapp/redeposit-payment.ts';
import {
  linkRemittanceAdvice, listRemittanceAdvices,
} from '../../cashapp/remittance-advice.ts';
import { returnPayment } from '../../cashapp/return-payment.ts';
import { unlinkRemittanceAdvice } from '../../cashapp/unlink-remittance-advice.ts';
import { stripeGateway } from '../../cashapp/stripe-gateway.ts';
import {
  takeCardPayment, type CardPaymentLine, type CardPaymentOutcome,
} from '../../cashapp/take-card-payment.ts';
import { smtpMailer } from '../../collections/mailer.ts';
import { findCustomerByAccount, findDebitsByNumber } from '../../db/documents.ts';
import {
  reversePaymentSplit, splitPayment, type SplitPartRequest,
} from '../../cashapp/split-payment.ts';
import { isIsoDate } from '../../domain/dates.ts';
import { formatAmount, parseAmount, type Cents } from '../../domain/money.ts';
import type { Result } from '../../domain/result.ts';

// Cash application on the command line: `arc import bank FILE` (registered by import.ts, which
// calls importBankCommand), `arc applications list`, `arc payments list|accept|apply|mark|note|
// return|redeposit`. Thin: parse arguments, call a use case, print.

function unwrap<T, E extends { code: string }>(r: Result<T, E>): T {
  if (!r.ok) {
    // The cash-application codes and the ones beside them (split rules) read the same way.
    const message = describeCashappError(r.error as unknown as CashappError);
    throw new CliError(r.error.code, message, 1, r.error);
  }
  return r.value;
}

const json = (cmd: Command) => Boolean(cmd.optsWithGlobals<{ json?: boolean }>().json);

function idArg(text: string, field: string): number {
  if (!/^\d{1,15}$/.test(text)) throw new CliError('id_invalid', `${field}: not an id: ${text}`, 2);
  return Number(text);
}

function dateArg(text: string | undefined, field: string): string | undefined {
  if (text !== undefined && !isIsoDate(text)) {
    throw new CliError('date_invalid', `${field}: not a YYYY-MM-DD date: ${text}`, 2);
  }
  return text;
}

/** `arc import bank FILE`: parse, post, match. A malformed file: exit 1 with record and reason. */
export async function importBankCommand(
  ctx: CliContext, file: string, asJson: boolean,
): Promise<void> {
  if (!existsSync(file)) throw new CliError('file_not_found', `${file}: no such file`);
  const db = await ctx.db();
  const r = await importBankFile(db, ctx.actor, {
    bytes: readFileSync(file), fileName: basename(file), today: ctx.today,
  });
  if (!r.ok) {
    throw new CliError(r.error.code, `${file}: ${describeCashappError(r.error)}`, 1, r.error);
  }
  output(ctx, asJson, r.value, () => describeImport(r.value));
}

function describeImport(s: ImportBankSummary): string {
  if (s.status === 'already_imported') {
    return `${s.file} was already imported (bank file ${s.bankFileId}): nothing changed`;
  }
  const lines = [`imported ${s.format} ${s.file} (bank file ${s.bankFileId}): `
    + `${s.paymentIds.length} payments posted, ${s.autoApplied} applied automatically, `
    + `${s.review} for review, ${s.returns.length} returns, ${s.notPosted} not posted`];
  for (const m of s.matches) {
    lines.push(`  payment ${m.paymentId}: ${m.autoApplied ? 'applied' : 'review'} `
      + `(${m.rule}, confidence ${m.confidence})`);
  }
  for (const a of [...s.advices, ...s.advicesLinked]) {
    lines.push(`  remittance advice ${a.adviceId} (trace ${a.traceNumber ?? 'none'}, `
      + `${formatAmount(a.amountCents)}): ${a.paymentId === null ? 'waiting for its deposit'
        : `linked to payment ${a.paymentId} by ${a.rule}`}; ${a.reasons.join('; ')}`);
  }
  for (const w of s.warnings) lines.push(`  warning: ${w}`);
  return lines.join('\n');
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** `DOCNUMBER=AMOUNT[:discount=X][:writeoff=Y]` */
function handLine(spec: string): HandLine {
  const m = /^(.+?)=([^:]+)((?::(?:discount|writeoff)=[^:]+)*)$/.exec(spec);
  if (!m) throw new CliError('apply_spec_invalid', `--to ${spec}: expected DOC=AMOUNT`, 2);
  const amount = (text: string): Cents => {
    const r = parseAmount(text);
    if (!r.ok) throw new CliError(r.error.code, `--to ${spec}: cannot read "${text}"`, 2);
    return r.value;
  };
  const line: HandLine = { documentNumber: m[1]!, amountCents: amount(m[2]!) };
  for (const part of (m[3] ?? '').split(':').filter(Boolean)) {
    const [k, v] = part.split('=') as [string, string];
    if (k === 'discount') line.discountCents = amount(v);
    else line.writeOffCents = amount(v);
  }
  return line;
}

/** `ACCOUNT=AMOUNT[:DOC=AMOUNT,DOC=AMOUNT...]`: a part of a split and the items it pays. */
function splitPart(spec: string): SplitPartRequest {
  const m = /^([^=:]+)=([^:]+)(?::(.+))?$/.exec(spec);
  if (!m) {
    throw new CliError('split_spec_invalid',
      `--part ${spec}: expected ACCOUNT=AMOUNT[:DOC=AMOUNT,...]`, 2);
  }
  const amount = (text: string): Cents => {
    const r = parseAmount(text);
    if (!r.ok) throw new CliError(r.error.code, `--part ${spec}: cannot read "${text}"`, 2);
    return r.value;
  };
  const lines = (m[3] ?? '').split(',').filter(Boolean).map((l) => {
    const at = l.lastIndexOf('=');
    if (at <= 0) {
      throw new CliError('split_spec_invalid', `--part ${spec}: "${l}" is not DOC=AMOUNT`, 2);
    }
    return { documentNumber: l.slice(0, at), amountCents: amount(l.slice(at + 1)) };
  });
  return { account: m[1]!, amountCents: amount(m[2]!), lines };
}

interface CardOptions {
  paymentMethod: string;
  invoice: string[];
  amount?: string;
  idempotencyKey?: string;
}

function cliAmount(text: string, field: string): Cents {
  const r = parseAmount(text);
  if (!r.ok) throw new CliError(r.error.code, `${field}: cannot read "${text}"`, 2);
  return r.value;
}

/**
 * The customer and the lines of `arc payments card`: each `--invoice DOC[=AMOUNT]` is one of the
 * customer's items (its open amount when no amount is given); `--amount` is the total charged,
 * what the lines leave goes on account.
 */
async function cardRequest(ctx: CliContext, account: string, o: CardOptions) {
  const db = await ctx.db();
  const customer = await findCustomerByAccount(db, account);
  if (!customer) throw new CliError('customer_not_found', `account ${account}: no such customer`);
  const lines: CardPaymentLine[] = [];
  for (const spec of o.invoice) {
    const at = spec.lastIndexOf('=');
    const number = at > 0 ? spec.slice(0, at) : spec;
    const item = (await findDebitsByNumber(db, number)).find((d) => d.customerId === customer.id);
    if (!item) {
      throw new CliError('document_not_found',
        `--invoice ${spec}: ${account} has no item ${number}`);
    }
    if (at < 0 && item.openCents <= 0) {
      throw new CliError('invoice_not_open', `--invoice ${spec}: ${number} has nothing open `
        + '(to retry a payment, give the amounts of the first try)');
    }
    lines.push({ invoiceId: item.id,
      amountCents: at > 0 ? cliAmount(spec.slice(at + 1), `--invoice ${spec}`) : item.openCents });
  }
  const linesCents = lines.reduce((t, l) => t + l.amountCents, 0);
  const totalCents = o.amount === undefined ? linesCents : cliAmount(o.amount, '--amount');
  if (totalCents < linesCents) {
    throw new CliError('amount_below_invoices', `--amount ${o.amount} is less than the invoices' `
      + `${formatAmount(linesCents)}`, 2);
  }
  return { customer, lines, onAccountCents: (totalCents - linesCents) as Cents };
}

function describeCard(o: CardPaymentOutcome): string {
  const numbers = new Map(o.invoices.map((d) => [d.id, d.number]));
  return [`charged ${o.card.currency} ${formatAmount(o.card.amountCents)} on ${o.card.brand} `
    + `ending ${o.card.last4}: gateway reference ${o.card.gatewayId} (${o.card.gateway}), `
    + `payment ${o.payment.id}${o.replayed ? ' (replayed: nothing charged again)' : ''}`,
  `  idempotency key ${o.card.idempotencyKey} (give it again to retry without a second charge)`,
  ...o.applications.map((a) => `  applied ${formatAmount(a.amountCents)} to `
    + `${numbers.get(a.debitId) ?? `#${a.debitId}`}`),
  ...(o.payment.openCents < 0 ? [`  left on account: ${formatAmount(-o.payment.openCents)}`] : []),
  ...(o.notApplied ? [`  not applied: ${o.notApplied.code} (the money is on account)`] : []),
  o.receipt.to && !o.receipt.error ? `  receipt emailed to ${o.receipt.to}`
    : `  no receipt sent: ${o.receipt.error ?? 'no email address'}`].join('\n');
}

export const registerCashappCommands: RegisterCommands = (program, ctx) => {
  commandGroup(program, 'application', 'applications of payments and credits, and their reversal').command('list')
    .description('every application: payment and bank reference, customer, document, amount, '
      + 'applied on, and how (manual, or the rule with its confidence)')
    .option('--since <date>', 'applied on or after, YYYY-MM-DD')
    .action(async (o: { since?: string }, cmd: Command) => {
      const rows = await listApplications(await ctx.db(), { since: dateArg(o.since, '--since') });
      output(ctx, json(cmd), rows, () => rows.map((a) => `${a.appliedOn} ${a.paymentReference}`
        + ` -> ${a.documentNumber} ${a.amount} ${a.currency} ${a.customerAccount ?? ''} `
        + `${a.how === 'rule' ? `${a.rule} (${a.confidence})` : a.method}`
        + `${a.reversed ? ' reversed' : ''}`).join('\n') || 'no applications');
    });
  const payments = commandGroup(program, 'payment', 'payments (receipts) and the research queue');
  payments.command('list').description('payments with unapplied cash (the research queue)')
    .option('--unapplied', 'only payments with unapplied cash (the default)')
    .action(async (_o: unknown, cmd: Command) => {
      const q = await listResearchQueue(await ctx.db(), ctx.today);
      output(ctx, json(cmd), q, () => q.items.map((p) => `${p.paymentId} ${p.receivedOn} `
        + `${p.reference} ${p.unapplied} ${p.currency} ${p.state} ${p.payerName ?? ''}`
        + (p.suggestion?.allocations.length
          ? ` suggestion: ${p.suggestion.rule} (${p.suggestion.confidence})`
          : ` (${p.explanation ?? 'no suggestion'})`))
        .join('\n') || 'the research queue is empty');
    });
  payments.command('accept <paymentId>').description('accept the suggested match')
    .action(async (id: string, _o: unknown, cmd: Command) => {
      const r = unwrap(await acceptProposal(await ctx.db(), ctx.actor, {
        paymentId: idArg(id, 'paymentId') }));
      output(ctx, json(cmd), r, () => `applied: ${r.applicationIds.length} applications, `
        + `${formatAmount(r.unappliedCents)} left unapplied`);
    });
  payments.command('apply <paymentId>').description('apply a payment by hand')
    .requiredOption('--account <account>', 'the customer')
    .option('--to <spec>', 'DOCNUMBER=AMOUNT[:discount=X][:writeoff=Y]; repeat', collect, [])
    .option('--date <date>', 'applied on, YYYY-MM-DD')
    .action(async (id: string, o: { account: string; to: string[]; date?: string },
      cmd: Command) => {
      if (o.to.length === 0) throw new CliError('lines_required', 'give at least one --to', 2);
      const r = unwrap(await applyPaymentByHand(await ctx.db(), ctx.actor, {
        paymentId: idArg(id, 'paymentId'), account: o.account, lines: o.to.map(handLine),
        appliedOn: dateArg(o.date, '--date'),
      }));
      output(ctx, json(cmd), r, () => `applied: ${r.applicationIds.length} applications, `
        + `${formatAmount(r.unappliedCents)} left unapplied`);
    });
  payments.command('mark <paymentId>')
    .addArgument(new Argument('<state>').choices(['unidentified', 'on_account']))
    .description('file a payment as unidentified or on account')
    .option('--account <account>', 'assign the customer first')
    .action(async (id: string, state: 'unidentified' | 'on_account', o: { account?: string },
      cmd: Command) => {
      const r = unwrap(await markPayment(await ctx.db(), ctx.actor, {
        paymentId: idArg(id, 'paymentId'), state, account: o.account }));
      output(ctx, json(cmd), r, () => `payment ${r.paymentId} is ${r.state}`);
    });
  payments.command('note <paymentId> <text>').description('add a note to a payment')
    .action(async (id: string, text: string, _o: unknown, cmd: Command) => {
      const r = unwrap(await addPaymentNote(await ctx.db(), ctx.actor, {
        paymentId: idArg(id, 'paymentId'), note: text }));
      output(ctx, json(cmd), r, () => `note ${r.noteId} added`);
    });
  payments.command('return <paymentId>')
    .description('a returned payment (NSF): reverse it, reopen what it paid, charge the fee')
    .requiredOption('--date <date>', 'returned on, YYYY-MM-DD')
    .option('--reason <code>', 'return reason code, e.g. R01').option('--text <text>')
    .action(async (id: string, o: { date: string; reason?: string; text?: string },
      cmd: Command) => {
      const r = unwrap(await returnPayment(await ctx.db(), ctx.actor, {
        paymentId: idArg(id, 'paymentId'), returnedOn: dateArg(o.date, '--date')!,
        reasonCode: o.reason ?? null, reasonText: o.text ?? null }));
      output(ctx, json(cmd), r, () => `payment ${r.paymentId} returned (return ${r.returnId}): `
        + `${r.reopened.length} items reopened${r.feeDocumentId ? ', fee charged' : ''}`);
    });
  payments.command('split <paymentId>')
    .description('split a payment across customers: each part applied to that customer\'s '
      + 'items or left on its account; the parts add up to the unapplied cash')
    .option('--part <spec>', 'ACCOUNT=AMOUNT[:DOC=AMOUNT,DOC=AMOUNT...]; repeat', collect, [])
    .option('--date <date>', 'split on, YYYY-MM-DD (default: the payment\'s value date)')
    .action(async (id: string, o: { part: string[]; date?: string }, cmd: Command) => {
      if (o.part.length === 0) throw new CliError('parts_required', 'give at least one --part', 2);
      const r = unwrap(await splitPayment(await ctx.db(), ctx.actor, {
        paymentId: idArg(id, 'paymentId'), parts: o.part.map(splitPart),
        splitOn: dateArg(o.date, '--date') }));
      output(ctx, json(cmd), r, () => [`payment ${r.paymentId} split (split ${r.splitId}) on `
        + `${r.splitOn}:`, ...r.parts.map((p) => `  part ${p.partNo} ${p.account} `
        + `${formatAmount(p.amountCents)}: ${p.paymentId === null ? 'stays on the payment'
          : `payment ${p.paymentId}`}, ${p.applicationIds.length} applications, `
        + `${formatAmount(p.onAccountCents)} on account`),
      r.payerLearned ? `payer account ${r.payerLearned.payerAccount} now known to pay for `
        + `${r.payerLearned.customerIds.length} customer(s)` : 'no payer account to learn',
      ].join('\n'));
    });
  payments.command('unsplit <splitId>')
    .description('undo a split by reversal: the parts\' payments voided, the payment '
      + 'unapplied again')
    .requiredOption('--reason <text>', 'why (kept with the reversals)')
    .option('--date <date>', 'effective date, YYYY-MM-DD (default: today)')
    .action(async (id: string, o: { reason: string; date?: string }, cmd: Command) => {
      const r = unwrap(await reversePaymentSplit(await ctx.db(), ctx.actor, {
        splitId: idArg(id, 'splitId'), reason: o.reason,
        effectiveDate: dateArg(o.date, '--date') ?? ctx.today }));
      output(ctx, json(cmd), r, () => `split ${r.splitId} reversed: payment ${r.paymentId} has `
        + `${formatAmount(r.unappliedCents)} unapplied again`);
    });
  const remittances = program.command('remittances').alias('remittance')
    .description('remittance advices (X12 820) that arrive apart from their deposit');
  remittances.command('list').description('remittance advices, newest first')
    .option('--unlinked', 'only those still waiting for their deposit')
    .action(async (o: { unlinked?: boolean }, cmd: Command) => {
      const rows = await listRemittanceAdvices(await ctx.db(), { unlinked: o.unlinked });
      output(ctx, json(cmd), rows, () => rows.map((a) => `${a.adviceId} ${a.paymentDate ?? ''} `
        + `trace ${a.traceNumber ?? '-'} ${a.amount} ${a.currency} ${a.payerName ?? ''} `
        + `${a.lines} lines: ${a.paymentId === null ? 'unlinked' : `payment ${a.paymentId} `
          + `(${a.linkRule})`}; ${a.reasons.join('; ')}`).join('\n')
        || (o.unlinked ? 'no unlinked remittance advices' : 'no remittance advices'));
    });
  remittances.command('link <adviceId> <paymentId>')
    .description('link an advice to its deposit by hand, then match the deposit with its lines')
    .action(async (adviceId: string, paymentId: string, _o: unknown, cmd: Command) => {
      const r = unwrap(await linkRemittanceAdvice(await ctx.db(), ctx.actor, {
        adviceId: idArg(adviceId, 'adviceId'), paymentId: idArg(paymentId, 'paymentId'),
        today: ctx.today }));
      output(ctx, json(cmd), r, () => `remittance advice ${r.adviceId} linked to payment `
        + `${r.paymentId}: ${r.reasons.join('; ')}`);
    });
  remittances.command('unlink <adviceId>')
    .description('undo a wrong link: what the deposit applied since is reversed, its '
      + 'remittance restored; the advice waits for its deposit again')
    .requiredOption('--reason <text>', 'why (kept with the reversals and on the advice)')
    .option('--date <date>', 'the reversals\' date, YYYY-MM-DD (default: today)')
    .action(async (adviceId: string, o: { reason: string; date?: string }, cmd: Command) => {
      const r = unwrap(await unlinkRemittanceAdvice(await ctx.db(), ctx.actor, {
        adviceId: idArg(adviceId, 'adviceId'), reason: o.reason,
        effectiveDate: dateArg(o.date, '--date') ?? ctx.today }));
      output(ctx, json(cmd), r, () => `remittance advice ${r.adviceId} unlinked from payment `
        + `${r.paymentId}: ${r.reversedApplicationIds.length} applications reversed, `
        + `${formatAmount(r.unappliedCents)} unapplied again`
        + (r.keptDeductionIds.length > 0
          ? `; deductions kept (worked since): ${r.keptDeductionIds.join(', ')}` : ''));
    });
  payments.command('card <account>')
    .description('take a card payment through the configured gateway (ARC_STRIPE_*): charge, '
      + 'post and apply, email the receipt (ARC_SMTP_*)')
    .requiredOption('--payment-method <token>', 'the gateway\'s token for the card, e.g. pm_...'
      + ' (never a card number)')
    .option('--invoice <spec>', 'DOCNUMBER[=AMOUNT] (default its open amount); repeat', collect, [])
    .option('--amount <amount>', 'total to charge; beyond the invoices it stays on account')
    .option('--idempotency-key <key>', 'retry with the same key: charged once (default: a new key)')
    .action(async (account: string, o: CardOptions, cmd: Command) => {
      if (o.invoice.length === 0 && o.amount === undefined) {
        throw new CliError('amount_required', 'give --invoice or --amount', 2);
      }
      const { customer, lines, onAccountCents } = await cardRequest(ctx, account, o);
      const mailer = smtpMailer(ctx.config.mail);
      try {
        const r = unwrap(await takeCardPayment({ db: await ctx.db(),
          gateway: ctx.config.stripe ? stripeGateway(ctx.config.stripe) : undefined, mailer,
          companyName: ctx.config.mail.companyName }, ctx.actor, {
          customerId: customer.id, lines, onAccountCents, paymentMethodToken: o.paymentMethod,
          idempotencyKey: o.idempotencyKey ?? `cli:${randomUUID()}`, today: ctx.today }));
        output(ctx, json(cmd), r, () => describeCard(r));
      } finally {
        mailer?.close();
      }
    });
  payments.command('redeposit <returnId>')
    .description('a returned payment deposited again: re-applies what it had paid')
    .requiredOption('--date <date>', 'deposited on, YYYY-MM-DD')
    .action(async (id: string, o: { date: string }, cmd: Command) => {
      const r = unwrap(await redepositPayment(await ctx.db(), ctx.actor, {
        returnId: idArg(id, 'returnId'), depositedOn: dateArg(o.date, '--date')! }));
      output(ctx, json(cmd), r, () => `redeposited as payment ${r.paymentId}: `
        + `${r.applicationIds.length} applications`);
    });
};
