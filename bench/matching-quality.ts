/**
 * Matching quality and engine speed. Runs the pure matching engine over labelled generated
 * payments (bench/lib/payment-scenarios.ts) and compares each proposal with the truth kept aside.
 *
 *   npx tsx bench/matching-quality.ts [--payments 20000] [--seed 7] [--speed] [--no-quality]
 *     [--examples N]
 *
 * Per payment and per invoice line: share applied automatically, precision of the automatic
 * applications (an automatic application is correct only if the customer and every allocation,
 * write-off, deduction and the unapplied rest equal the truth), share sent to review; separately
 * for payments with and without remittance. `--speed` also times the engine alone on 100,000
 * payments against ~1,000,000 open items of 50,000 customers, in memory.
 */
import { matchPayments } from '../src/domain/matching/match-payment.ts';
import { DEFAULT_MATCH_CONFIG, type MatchProposal } from '../src/domain/matching/types.ts';
import { generateWorld, type LabelledPayment, type Truth } from './lib/payment-scenarios.ts';

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(name);
const option = (name: string, fallback: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const config = DEFAULT_MATCH_CONFIG;
const policy = {
  writeOffToleranceCents: config.writeOffToleranceCents,
  writeOffTolerancePercentBp: config.writeOffTolerancePercentBp,
};

type LineKey = string;
function truthLines(t: Truth): Map<string, LineKey> {
  const lines = new Map<string, LineKey>();
  for (const a of t.allocations) {
    const d = t.deductions.find((x) => x.itemId === a.itemId);
    lines.set(a.itemId, `${a.appliedCents}|${a.discountCents}|${a.writeOffCents}|` +
      `${d ? `${d.amountCents}:${d.reasonCode}` : ''}`);
  }
  return lines;
}
function proposalLines(p: MatchProposal): Map<string, LineKey> {
  return truthLines({
    customerId: p.customerId ?? '', allocations: p.allocations, deductions: p.deductions,
    unappliedCents: p.unappliedCents,
  });
}
function sameAnswer(p: MatchProposal, t: Truth): boolean {
  if (p.customerId !== t.customerId || p.unappliedCents !== t.unappliedCents) return false;
  const a = proposalLines(p);
  const b = truthLines(t);
  if (a.size !== b.size) return false;
  for (const [k, v] of a) if (b.get(k) !== v) return false;
  return p.deductions.length === t.deductions.length;
}

interface Tally {
  payments: number; auto: number; autoCorrect: number;
  lines: number; linesAuto: number; proposedAutoLines: number; proposedAutoLinesCorrect: number;
}
const tally = (): Tally => ({ payments: 0, auto: 0, autoCorrect: 0, lines: 0, linesAuto: 0,
  proposedAutoLines: 0, proposedAutoLinesCorrect: 0 });

function count(t: Tally, lp: LabelledPayment, p: MatchProposal) {
  const truth = truthLines(lp.truth);
  t.payments++;
  t.lines += truth.size;
  if (!p.autoApply) return;
  t.auto++;
  if (sameAnswer(p, lp.truth)) t.autoCorrect++;
  t.linesAuto += truth.size;
  for (const [item, key] of proposalLines(p)) {
    t.proposedAutoLines++;
    if (p.customerId === lp.truth.customerId && truth.get(item) === key) {
      t.proposedAutoLinesCorrect++;
    }
  }
}

const pct = (a: number, b: number) => (b === 0 ? '   -  ' : `${((100 * a) / b).toFixed(2)}%`
  .padStart(7));

function printTally(label: string, t: Tally) {
  console.log(`${label.padEnd(26)} payments ${String(t.payments).padStart(6)}  auto ` +
    `${pct(t.auto, t.payments)}  precision ${pct(t.autoCorrect, t.auto)}  review ` +
    `${pct(t.payments - t.auto, t.payments)} | lines ${String(t.lines).padStart(6)}  auto ` +
    `${pct(t.linesAuto, t.lines)}  precision ${pct(t.proposedAutoLinesCorrect,
      t.proposedAutoLines)}  review ${pct(t.lines - t.linesAuto, t.lines)}`);
}

function quality() {
  const payments = option('--payments', 20_000);
  const seed = option('--seed', 7);
  const world = generateWorld({
    seed, customers: 4000, itemsPerCustomerMean: 16, payments, today: '2026-03-02', policy,
  });
  console.log(`quality: ${world.payments.length} payments, ${world.customers.length} customers, ` +
    `${world.openItems.length} open items, ${world.learnedAccounts.size} learned payer accounts, ` +
    `seed ${seed}\n`);
  mix(world.payments);
  const proposals = matchPayments(world.payments.map((p) => p.payment), {
    customers: world.customers, openItems: world.openItems, learnedAccounts: world.learnedAccounts,
    config, today: world.today,
  });
  const groups = new Map<string, Tally>();
  const add = (key: string, lp: LabelledPayment, p: MatchProposal) => {
    if (!groups.has(key)) groups.set(key, tally());
    count(groups.get(key)!, lp, p);
  };
  const wrong: [LabelledPayment, MatchProposal][] = [];
  world.payments.forEach((lp, i) => {
    const p = proposals[i]!;
    const present = lp.scenario.form !== 'none' ? 'remittance present' : 'remittance absent';
    add('all', lp, p);
    add(present, lp, p);
    add(`  form ${lp.scenario.form}`, lp, p);
    add(`  amount ${lp.scenario.amount}`, lp, p);
    add(`  flaw ${lp.scenario.numberFlaw}`, lp, p);
    add(`  remittance ${lp.scenario.remittance}`, lp, p);
    add(`  payer ${lp.scenario.payer}`, lp, p);
    add(`  items ${Math.min(lp.scenario.itemCount, 4)}${lp.scenario.itemCount >= 4 ? '+' : ''}`,
      lp, p);
    if (lp.scenario.creditNetted) add('  credit memo netted', lp, p);
    if (p.autoApply && !sameAnswer(p, lp.truth)) wrong.push([lp, p]);
  });
  console.log('\nresults (per payment | per invoice line)');
  for (const key of ['all', 'remittance present', 'remittance absent']) {
    printTally(key, groups.get(key)!);
  }
  console.log('\nby scenario');
  for (const [key, t] of [...groups.entries()].filter(([k]) => k.startsWith('  ')).sort()) {
    printTally(key, t);
  }
  const present = groups.get('remittance present')!;
  const absent = groups.get('remittance absent')!;
  const all = groups.get('all')!;
  console.log('\ntargets: precision >= 99.5%: ' + pct(all.autoCorrect, all.auto) +
    `; auto with remittance >= 90%: ${pct(present.auto, present.payments)}` +
    `; auto without remittance >= 70%: ${pct(absent.auto, absent.payments)}`);
  const examples = option('--examples', 0);
  for (const [lp, p] of wrong.slice(0, examples)) {
    console.log('\nWRONG', JSON.stringify({ scenario: lp.scenario, payment: lp.payment,
      truth: lp.truth, proposal: p }, null, 1));
  }
}

function mix(payments: LabelledPayment[]) {
  const n = payments.length;
  const share = (f: (p: LabelledPayment) => string) => {
    const counts = new Map<string, number>();
    for (const p of payments) counts.set(f(p), (counts.get(f(p)) ?? 0) + 1);
    return [...counts.entries()].sort((a, b) => b[1] - a[1])
      .map(([k, c]) => `${k} ${((100 * c) / n).toFixed(1)}%`).join(', ');
  };
  console.log('scenario mix');
  console.log('  remittance form: ' + share((p) => p.scenario.form));
  console.log('  remittance:      ' + share((p) => p.scenario.remittance));
  console.log('  number written:  ' + share((p) => p.scenario.numberFlaw));
  console.log('  amount:          ' + share((p) => p.scenario.amount));
  console.log('  payer:           ' + share((p) => p.scenario.payer));
  console.log('  items paid:      ' + share((p) => String(Math.min(p.scenario.itemCount, 4))));
  console.log('  credit netted:   ' + share((p) => String(p.scenario.creditNetted)));
}

function speed() {
  const started = performance.now();
  const world = generateWorld({
    seed: 11, customers: 50_000, itemsPerCustomerMean: 20, payments: 100_000,
    today: '2026-03-02', policy,
  });
  const generated = performance.now();
  console.log(`\nspeed: ${world.payments.length} payments against ${world.openItems.length} ` +
    `open items of ${world.customers.length} customers (generated in ` +
    `${((generated - started) / 1000).toFixed(1)} s)`);
  const t0 = performance.now();
  const proposals = matchPayments(world.payments.map((p) => p.payment), {
    customers: world.customers, openItems: world.openItems, learnedAccounts: world.learnedAccounts,
    config, today: world.today,
  });
  const t1 = performance.now();
  const seconds = (t1 - t0) / 1000;
  const auto = proposals.filter((p) => p.autoApply).length;
  console.log(`engine: ${seconds.toFixed(2)} s including the index build, ` +
    `${Math.round(world.payments.length / seconds)} payments/s; ` +
    `${((100 * auto) / proposals.length).toFixed(1)}% auto`);
}

if (!flag('--no-quality')) quality();
if (flag('--speed')) speed();
