import { describe, expect, it } from 'vitest';
import {
  selectDunning, sentKey, type DunningAccount, type DunningItem, type DunningStep,
} from './dunning.ts';

const AS_OF = '2026-11-20';

function step(id: number, offsetDays: number, extra: Partial<DunningStep> = {}): DunningStep {
  return { id, name: `step ${id}`, offsetDays, channel: 'email', template: `t${id}`,
    action: 'none', segments: null, riskClassMin: null, minAmountCents: 0, skipDisputed: true,
    ...extra };
}
const STEPS = [
  step(1, -3), step(2, 1), step(3, 30, { channel: 'letter' }),
  step(4, 60, { channel: 'call_task', action: 'credit_hold' }),
];

function item(documentId: number, dueDate: string, extra: Partial<DunningItem> = {}): DunningItem {
  return { documentId, number: `INV-${documentId}`, dueDate, openCents: 10_000, disputed: false,
    promised: false, ...extra };
}
function account(items: DunningItem[], extra: Partial<DunningAccount> = {}): DunningAccount {
  return { customerId: 7, segment: 'retail', riskClass: 2, pause: null, items, ...extra };
}

/** What a selection sends, as "step:item" pairs, or the pause / "nothing". */
function outcome(a: DunningAccount, sent: string[] = [], steps = STEPS): string {
  const s = selectDunning(steps, a, new Set(sent), AS_OF);
  if (s.kind === 'paused') return `paused:${s.pause}`;
  if (s.kind === 'nothing') return 'nothing';
  const m = s.message;
  return `${m.step.channel}(${m.sends.map((x) => sentKey(x.step.id, x.item.documentId))})`
    + (m.actions.length > 0 ? `+${m.actions.join('+')}` : '');
}

describe('selectDunning', () => {
  const rows: { name: string; a: DunningAccount; sent?: string[]; steps?: DunningStep[];
    expected: string }[] = [
    { name: 'agency placement pauses everything',
      a: account([item(1, '2026-08-01')], { pause: 'agency_placement' }),
      expected: 'paused:agency_placement' },
    { name: 'an account-wide promise pauses everything',
      a: account([item(1, '2026-08-01')], { pause: 'promise' }), expected: 'paused:promise' },
    { name: 'before the reminder: nothing', a: account([item(1, '2026-11-24')]),
      expected: 'nothing' },
    { name: 'reminder 3 days before due', a: account([item(1, '2026-11-23')]),
      expected: 'email(1:1)' },
    { name: 'the latest step reached, not every earlier one',
      a: account([item(1, '2026-10-15')]), expected: 'letter(3:1)' },
    { name: 'a step already sent for the item is not sent again',
      a: account([item(1, '2026-10-15')]), sent: ['3:1'], expected: 'nothing' },
    { name: 'one consolidated message in the most severe channel, with its action',
      a: account([item(1, '2026-11-19'), item(2, '2026-09-01'), item(3, '2026-10-15')]),
      expected: 'call_task(4:2,3:3,2:1)+credit_hold' },
    { name: 'only the items with a new step are in the message',
      a: account([item(1, '2026-11-19'), item(2, '2026-10-15')]), sent: ['3:2'],
      expected: 'email(2:1)' },
    { name: 'disputed items are skipped by "not in dispute" steps',
      a: account([item(1, '2026-10-15', { disputed: true }), item(2, '2026-11-19')]),
      expected: 'email(2:2)' },
    { name: 'a fully disputed account is paused by the dispute',
      a: account([item(1, '2026-10-15', { disputed: true })]), expected: 'paused:dispute' },
    { name: 'a step without "not in dispute" still goes to disputed items',
      a: account([item(1, '2026-10-15', { disputed: true })]),
      steps: [step(9, 30, { skipDisputed: false })], expected: 'email(9:1)' },
    { name: 'promised items are paused, others still dunned',
      a: account([item(1, '2026-10-15', { promised: true }), item(2, '2026-11-19')]),
      expected: 'email(2:2)' },
    { name: 'all items promised: paused by the promise',
      a: account([item(1, '2026-10-15', { promised: true })]), expected: 'paused:promise' },
    { name: 'segment condition not met: the step is not used',
      a: account([item(1, '2026-10-15')]),
      steps: [step(2, 1), step(3, 30, { segments: ['wholesale'] })], expected: 'email(2:1)' },
    { name: 'risk condition met', a: account([item(1, '2026-10-15')], { riskClass: 4 }),
      steps: [step(2, 1), step(3, 30, { riskClassMin: 4 })], expected: 'email(3:1)' },
    { name: 'minimum amount on the collectible balance (disputed excluded)',
      a: account([item(1, '2026-10-15'), item(2, '2026-10-15', { disputed: true })]),
      steps: [step(2, 1), step(3, 30, { minAmountCents: 15_000 })], expected: 'email(2:1)' },
    { name: 'credit items and closed items get nothing',
      a: account([item(1, '2026-10-15', { openCents: 0 }), item(2, '2026-10-15',
        { openCents: -500 })]), expected: 'nothing' },
  ];
  it.each(rows)('$name', ({ a, sent, steps, expected }) => {
    expect(outcome(a, sent, steps)).toBe(expected);
  });

  it('a rerun with what the first run sent sends nothing new', () => {
    const a = account([item(1, '2026-11-19'), item(2, '2026-09-01')]);
    const first = selectDunning(STEPS, a, new Set(), AS_OF);
    expect(first.kind).toBe('message');
    const sent = first.kind === 'message'
      ? first.message.sends.map((x) => sentKey(x.step.id, x.item.documentId)) : [];
    expect(selectDunning(STEPS, a, new Set(sent), AS_OF).kind).toBe('nothing');
  });
});
