import type { Db } from '../db/connection.ts';
import type { IsoDate } from '../domain/dates.ts';
import type { DunningPause } from '../domain/collections/dunning.ts';
import { dunnableCustomerIds, isMessage, loadStrategies, planDunning } from './dunning-plan.ts';

export interface DunningPreviewLine {
  customerId: number;
  accountNumber: string;
  name: string;
  channel: string;
  step: string;
  template: string;
  recipient: string | null;
  totalCents: number;
  currency: string;
  items: { documentId: number; number: string; step: string }[];
  actions: string[];
}

export interface DunningPreview {
  asOf: IsoDate;
  messages: DunningPreviewLine[];
  paused: Record<DunningPause, number>;
}

const CHUNK = 5_000;

/** What a dunning run on `asOf` would send, without sending or recording anything. */
export async function previewDunning(db: Db, asOf: IsoDate): Promise<DunningPreview> {
  const strategies = await loadStrategies(db);
  const ids = await dunnableCustomerIds(db);
  const preview: DunningPreview = {
    asOf, messages: [], paused: { agency_placement: 0, promise: 0, dispute: 0 },
  };
  for (let i = 0; i < ids.length; i += CHUNK) {
    for (const p of await planDunning(db, ids.slice(i, i + CHUNK), asOf, strategies)) {
      if (p.selection.kind === 'paused') preview.paused[p.selection.pause]++;
      if (!isMessage(p)) continue;
      const m = p.selection.message;
      preview.messages.push({
        customerId: p.customerId, accountNumber: p.accountNumber, name: p.name,
        channel: m.step.channel, step: m.step.name, template: m.step.template,
        recipient: recipientFor(m.step.channel, p), totalCents: m.totalCents,
        currency: p.currency, actions: m.actions,
        items: m.sends.map((s) => ({ documentId: s.item.documentId, number: s.item.number,
          step: s.step.name })),
      });
    }
  }
  return preview;
}

/** Email and fax go to the primary contact's address or fax number; letters are printed. */
export function recipientFor(
  channel: string, p: { email: string | null; fax: string | null; collector: string | null },
): string | null {
  if (channel === 'email') return p.email;
  if (channel === 'fax') return p.fax;
  if (channel === 'call_task') return p.collector;
  return null;
}
