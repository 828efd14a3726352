import type { DisputeDetail, CreditMemoApproval } from '../collections/get-dispute-detail.ts';
import type { AgencyPlacementEntry } from '../collections/list-agency-placements.ts';
import type { AgencyPlacement } from '../collections/place-with-agency.ts';
import type { DisputeQueueEntry } from '../collections/list-disputes-queue.ts';
import type { EscalationEntry } from '../collections/list-escalations.ts';
import type { WriteOffQueueEntry } from '../collections/list-write-off-requests.ts';
import { describeError } from './problem.ts';
import { money } from './shape.ts';

// The collections queues' values (cents) as the API answers them (decimal strings in the
// record's own currency).

export function disputeEntryJson({ amountCents, ...d }: DisputeQueueEntry) {
  return { ...d, amount: money(amountCents, d.currency) };
}

export function approvalJson({ amountCents, ...a }: CreditMemoApproval) {
  return { ...a, amount: money(amountCents, a.currency) };
}

export function disputeDetailJson(d: DisputeDetail) {
  const currency = d.dispute.currency;
  const { amountCents, ...dispute } = d.dispute;
  return {
    ...dispute, amount: money(amountCents, currency), customer: d.customer, ageDays: d.ageDays,
    items: d.items.map(({ itemAmountCents, openCents, disputedCents, ...i }) => ({ ...i,
      itemAmount: money(itemAmountCents, currency), open: money(openCents, currency),
      disputed: money(disputedCents, currency) })),
    notes: d.notes, approvals: d.approvals.map(approvalJson), history: d.history,
    creditMemoApprovalAbove: money(d.creditMemoApprovalAboveCents, currency), moves: d.moves,
  };
}

export function escalationJson({ balanceCents, pastDueCents, ...e }: EscalationEntry) {
  return { ...e, balance: money(balanceCents, e.currency),
    pastDue: money(pastDueCents, e.currency) };
}

export function writeOffJson({ amountCents, items, approval, ...w }: WriteOffQueueEntry) {
  return {
    ...w, amount: money(amountCents, w.currency),
    items: items.map(({ amountCents: a, ...i }) => ({ ...i, amount: money(a, w.currency) })),
    approval: approval === null ? null : approval.allowed ? { allowed: true }
      : { allowed: false, code: approval.error.code, reason: describeError(approval.error),
        ...('limitCents' in approval.error
          ? { limit: money(approval.error.limitCents, w.currency) } : {}) },
  };
}

export function placementJson(p: AgencyPlacement) {
  const { placedCents, recoveredCents, ...rest } = p;
  return { ...rest, placed: money(placedCents, p.currency),
    recovered: money(recoveredCents, p.currency) };
}

export function agencyJson(p: AgencyPlacementEntry) {
  const { placedCents, recoveredCents, balanceCents, commissionCents, recoveries, ...rest } = p;
  const m = (c: number) => money(c, p.currency);
  return {
    ...rest, placed: m(placedCents), recovered: m(recoveredCents), balance: m(balanceCents),
    commission: m(commissionCents), netRecovered: m(recoveredCents - commissionCents),
    outstanding: m(placedCents - recoveredCents),
    commissionPercent: `${Math.trunc(p.commissionBp / 100)}.${String(p.commissionBp % 100)
      .padStart(2, '0')}`,
    recoveries: recoveries.map(({ amountCents, ...r }) => ({ ...r, amount: m(amountCents) })),
  };
}
