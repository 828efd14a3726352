import { daysBetween, type IsoDate } from '../dates.ts';

// Dunning: reminders and demands sent by a strategy's steps. A step fires for an open item once
// the item is `offsetDays` past its due date (negative: before it is due). Each item gets the
// latest step it has reached, once: a step already sent for an item is never sent again. All the
// steps an account reaches in one run go out as ONE message, in the most severe step's channel.

export const DUNNING_CHANNELS = ['email', 'letter', 'fax', 'call_task'] as const;
export type DunningChannel = (typeof DUNNING_CHANNELS)[number];
/** What a step does besides the message. */
export const DUNNING_ACTIONS = ['none', 'credit_hold', 'agency_referral'] as const;
export type DunningAction = (typeof DUNNING_ACTIONS)[number];

export interface DunningStep {
  id: number;
  name: string;
  offsetDays: number;
  channel: DunningChannel;
  template: string;
  action: DunningAction;
  /** Conditions on the account; null means any. */
  segments: readonly string[] | null;
  riskClassMin: number | null;
  /** The account's collectible open amount (not in dispute) must reach this. */
  minAmountCents: number;
  /** "Not in dispute": items under an open dispute do not get this step. */
  skipDisputed: boolean;
}

export interface DunningItem {
  documentId: number;
  number: string;
  dueDate: IsoDate;
  openCents: number;
  disputed: boolean;
  /** Named by an open promise to pay: paused until the promise is evaluated. */
  promised: boolean;
}

export type DunningPause = 'agency_placement' | 'promise' | 'dispute';

export interface DunningAccount {
  customerId: number;
  segment: string | null;
  riskClass: number | null;
  /** Account-wide pause: an active agency placement, or a promise naming no items. */
  pause: DunningPause | null;
  items: readonly DunningItem[];
}

/** One (step, item) pair: the unit that is never sent twice. */
export function sentKey(stepId: number, documentId: number): string {
  return `${stepId}:${documentId}`;
}

export interface DunningMessage {
  customerId: number;
  /** The most severe step reached: its channel and template carry the message. */
  step: DunningStep;
  /** Every (step, item) pair this message sends, items by due date. */
  sends: { step: DunningStep; item: DunningItem }[];
  totalCents: number;
  actions: DunningAction[];
}

export type DunningSelection =
  | { kind: 'message'; message: DunningMessage }
  | { kind: 'paused'; customerId: number; pause: DunningPause }
  | { kind: 'nothing'; customerId: number };

function accountQualifies(step: DunningStep, a: DunningAccount, collectibleCents: number) {
  return (step.segments === null || (a.segment !== null && step.segments.includes(a.segment)))
    && (step.riskClassMin === null || (a.riskClass ?? 0) >= step.riskClassMin)
    && collectibleCents >= step.minAmountCents;
}

/** The latest step `item` has reached among `steps` (ties: the higher id), or null. */
function stepFor(item: DunningItem, steps: readonly DunningStep[], asOf: IsoDate) {
  const days = daysBetween(item.dueDate, asOf);
  let best: DunningStep | null = null;
  for (const s of steps) {
    if (s.offsetDays > days || (s.skipDisputed && item.disputed)) continue;
    if (!best || s.offsetDays > best.offsetDays
      || (s.offsetDays === best.offsetDays && s.id > best.id)) best = s;
  }
  return best;
}

/**
 * What a run sends one account today under a strategy's steps, given the (step, item) pairs sent
 * before. Paused accounts and items (promises, disputes where the step says so, agency
 * placements) get nothing.
 */
export function selectDunning(
  steps: readonly DunningStep[], a: DunningAccount, sent: ReadonlySet<string>, asOf: IsoDate,
): DunningSelection {
  if (a.pause === 'agency_placement' || a.pause === 'promise') {
    return { kind: 'paused', customerId: a.customerId, pause: a.pause };
  }
  const open = a.items.filter((i) => i.openCents > 0);
  const collectible = open.filter((i) => !i.disputed).reduce((s, i) => s + i.openCents, 0);
  const usable = steps.filter((s) => accountQualifies(s, a, collectible));
  const sends: DunningMessage['sends'] = [];
  let held: DunningPause | null = null;
  for (const item of [...open].sort(byDue)) {
    if (item.promised) {
      held ??= 'promise';
      continue;
    }
    const step = stepFor(item, usable, asOf);
    if (step === null) {
      if (item.disputed && stepFor({ ...item, disputed: false }, usable, asOf)) held ??= 'dispute';
      continue;
    }
    if (!sent.has(sentKey(step.id, item.documentId))) sends.push({ step, item });
  }
  if (sends.length === 0) {
    return held ? { kind: 'paused', customerId: a.customerId, pause: held }
      : { kind: 'nothing', customerId: a.customerId };
  }
  const step = sends.map((x) => x.step).reduce((m, s) =>
    (s.offsetDays > m.offsetDays || (s.offsetDays === m.offsetDays && s.id > m.id) ? s : m));
  const actions = [...new Set(sends.map((x) => x.step.action))].filter((x) => x !== 'none');
  return { kind: 'message', message: {
    customerId: a.customerId, step, sends, actions,
    totalCents: sends.reduce((s, x) => s + x.item.openCents, 0),
  } };
}

function byDue(x: DunningItem, y: DunningItem): number {
  return x.dueDate < y.dueDate ? -1 : x.dueDate > y.dueDate ? 1 : x.documentId - y.documentId;
}
