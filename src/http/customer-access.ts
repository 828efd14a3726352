import type { FastifyReply, FastifyRequest } from 'fastify';
import { loadCustomer, type Customer } from '../db/documents.ts';
import type { Queryable } from '../db/connection.ts';
import {
  mayChangeCustomer, maySeeCustomer, type Permission, type PortfolioCustomer,
} from '../domain/permissions.ts';
import { viewerOf } from './auth-plugin.ts';
import { sendError, sendProblem } from './problem.ts';

// The portfolio rules on one customer, for routes that take a customer id: a customer the
// caller may not see does not exist for them (404, nothing leaks); one they may see but not
// change is 403.

/** The customer if the caller may see it, else answers 404 and returns null. */
export async function visibleCustomer(
  db: Queryable, request: FastifyRequest, reply: FastifyReply, customerId: number,
): Promise<Customer | null> {
  const customer = await loadCustomer(db, customerId);
  if (!customer || !maySeeCustomer(viewerOf(request), customer)) {
    const error = { code: 'customer_not_found', customerId };
    sendError(reply, error);
    return null;
  }
  return customer;
}

/**
 * Whether the caller may use `permission` on `customer` (a collector: their portfolio only);
 * answers 403 when not.
 */
export function allowChange(
  request: FastifyRequest, reply: FastifyReply, permission: Permission,
  customer: PortfolioCustomer & { accountNumber?: string },
): boolean {
  const viewer = viewerOf(request);
  if (mayChangeCustomer(viewer, permission, customer)) return true;
  const account = customer.accountNumber ? `customer ${customer.accountNumber}` : 'this customer';
  sendProblem(reply, 'forbidden', `${account} is not in the portfolio of ${viewer.portfolioName}`,
    { permission, reason: 'outside_portfolio' });
  return false;
}

/** A visible customer the caller may change, or null after answering 404/403. */
export async function changeableCustomer(
  db: Queryable, request: FastifyRequest, reply: FastifyReply, customerId: number,
  permission: Permission,
): Promise<Customer | null> {
  const customer = await visibleCustomer(db, request, reply, customerId);
  if (!customer) return null;
  return allowChange(request, reply, permission, customer) ? customer : null;
}
