import { Type } from 'typebox';
import { isoDateOf } from '../../domain/dates.ts';
import { sum } from '../../domain/money.ts';
import type { Viewer } from '../../domain/permissions.ts';
import { agingReport } from '../../reports/aging.ts';
import { ensureSummaryDate } from '../../reports/customer-summary-date.ts';
import { listCustomers, type CustomerScope } from '../../reports/customers.ts';
import { viewerOf } from '../auth-plugin.ts';
import { AgingStripSchema, AmountSchema, CustomerSummarySchema } from '../ledger-schemas.ts';
import { sendError } from '../problem.ts';
import { IsoDateSchema } from '../schemas.ts';
import type { RouteModule } from '../server.ts';
import { customerSummaryJson, money } from '../shape.ts';

// The home page's figures: a collector's or sales rep's own portfolio, everyone else the whole
// book. Aging as of today in the default buckets and base currency.

const TOP = 10;

/** Whose customers the home page covers, and how it names that. */
function homeScope(viewer: Viewer): { scope: CustomerScope; label: string } {
  const name = viewer.portfolioName;
  if (viewer.role === 'collector') return { scope: { collector: name }, label: `collector:${name}` };
  if (viewer.role === 'sales_rep') return { scope: { salesRep: name }, label: `sales_rep:${name}` };
  return { scope: {}, label: 'book' };
}

export const dashboardRoutes: RouteModule = async (app, { deps }) => {
  const { db } = deps;
  app.get('/dashboard', {
    config: { permission: 'aging.read' },
    schema: {
      summary: "The home page: aging, past due, top past-due accounts", tags: ['reports'],
      response: {
        200: Type.Object({
          asOf: IsoDateSchema, currency: Type.String(),
          scope: Type.String({ description: 'book, collector:<name> or sales_rep:<name>' }),
          aging: AgingStripSchema, pastDue: AmountSchema, customers: Type.Integer(),
          topPastDue: Type.Array(CustomerSummarySchema),
          byCollector: Type.Array(Type.Object({
            key: Type.String(), total: AmountSchema, pastDue: AmountSchema,
          })),
        }),
      },
    },
  }, async (request, reply) => {
    const asOf = isoDateOf(deps.clock.now());
    const { scope, label } = homeScope(viewerOf(request));
    const book = await agingReport(db, { asOf, by: 'none', basis: 'due', scope });
    if (!book.ok) return sendError(reply, book.error);
    const { buckets, currency, totals } = book.value;
    const m = (c: number) => money(c, currency);
    const pastDue = (amounts: readonly number[]) => m(sum(amounts.slice(1)));
    await ensureSummaryDate(db, asOf);
    const top = await listCustomers(db, { sort: 'pastDue', dir: 'desc', limit: TOP }, scope, asOf);
    let byCollector: { key: string; total: string; pastDue: string }[] = [];
    if (label === 'book') {
      const r = await agingReport(db, { asOf, by: 'collector', basis: 'due' });
      if (!r.ok) return sendError(reply, r.error);
      byCollector = r.value.rows.map((row) => ({
        key: row.key, total: m(row.totalCents), pastDue: pastDue(row.amountsCents),
      }));
    }
    return {
      asOf, currency, scope: label,
      aging: {
        buckets, amounts: totals.amountsCents.map(m), unapplied: m(totals.unappliedCents),
        total: m(totals.totalCents),
      },
      pastDue: pastDue(totals.amountsCents), customers: top.total,
      topPastDue: top.items.filter((c) => c.pastDueCents > 0).map(customerSummaryJson),
      byCollector,
    };
  });
};
