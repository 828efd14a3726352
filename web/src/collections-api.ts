// Typed client for the collections queues (src/http/routes/collections-queues.ts) and the
// dunning endpoints the Dunning view calls. Amounts are decimal strings like the rest of the API.
import { request } from './api.ts';
import type { DisputeReason, DunningRun } from './api.ts';
import { centsToDecimal } from './decimal.ts';

export type DisputeStatus = 'open' | 'in_review' | 'resolved' | 'closed';
export type DisputeResolution = 'credit_memo_requested' | 'rebill' | 'valid_to_collect';
export const DISPUTE_QUEUE_STATUSES = ['active', 'open', 'in_review', 'resolved', 'closed',
  'all'] as const;
export type DisputeQueueStatus = (typeof DISPUTE_QUEUE_STATUSES)[number];

export interface DisputeQueueEntry {
  id: number;
  customerId: number;
  accountNumber: string;
  customerName: string;
  collector: string | null;
  salesRep: string | null;
  kind: 'dispute' | 'deduction';
  reasonCode: DisputeReason;
  amount: string;
  currency: string;
  status: DisputeStatus;
  resolution: DisputeResolution | null;
  owner: string | null;
  openedOn: string;
  ageDays: number;
  itemCount: number;
  itemNumbers: string[];
  lastNote: string | null;
  approvalPending: boolean;
}

export interface DisputeQueueQuery {
  status?: DisputeQueueStatus;
  reasonCode?: string;
  kind?: string;
  owner?: string;
  collector?: string;
  ageDaysMin?: number;
  sort?: 'age' | 'amount';
  dir?: 'asc' | 'desc';
  limit?: number;
  offset?: number;
}

export interface DisputeQueue {
  asOf: string;
  total: number;
  routedTo: string | null;
  totals: { currency: string; count: number; amount: string }[];
  owners: string[];
  collectors: string[];
  items: DisputeQueueEntry[];
}

export interface CreditMemoApproval {
  id: number;
  disputeId: number;
  amount: string;
  currency: string;
  status: 'pending' | 'approved' | 'rejected';
  note: string | null;
  requestedBy: string;
  requestedOn: string;
  decidedBy: string | null;
  decidedOn: string | null;
  decisionNote: string | null;
}

export interface CreditMemoApprovalEntry extends CreditMemoApproval {
  customerId: number;
  accountNumber: string;
  customerName: string;
  reasonCode: DisputeReason;
  kind: 'dispute' | 'deduction';
  owner: string | null;
  disputeStatus: DisputeStatus;
  requestedByName: string | null;
}

export interface DisputeMove {
  to: DisputeStatus;
  resolution: DisputeResolution | null;
  needsApproval: boolean;
}

export interface DisputeDetail {
  id: number;
  customerId: number;
  kind: 'dispute' | 'deduction';
  reasonCode: DisputeReason;
  amount: string;
  currency: string;
  status: DisputeStatus;
  resolution: DisputeResolution | null;
  owner: string | null;
  openedOn: string;
  resolvedOn: string | null;
  closedOn: string | null;
  createdBy: string;
  customer: { id: number; accountNumber: string; name: string; collector: string | null;
    salesRep: string | null };
  ageDays: number;
  items: { documentId: number; number: string; type: string; documentDate: string;
    dueDate: string; itemAmount: string; open: string; disputed: string }[];
  notes: { id: number; body: string; author: string; createdAt: string }[];
  approvals: CreditMemoApproval[];
  history: { action: string; actor: string; at: string }[];
  creditMemoApprovalAbove: string;
  moves: DisputeMove[];
  mayChange: boolean;
  mayApprove: boolean;
}

export function disputesQueue(q: DisputeQueueQuery, signal?: AbortSignal) {
  return request<DisputeQueue>('GET', '/disputes', { query: q, signal });
}

export function getDispute(id: number, signal?: AbortSignal) {
  return request<{ dispute: DisputeDetail }>('GET', `/disputes/${id}`, { signal });
}

export function moveDispute(
  id: number, body: { status: DisputeStatus; resolution?: DisputeResolution; note?: string },
) {
  return request<{ dispute: unknown }>('PATCH', `/disputes/${id}`, { body });
}

export function addDisputeNote(id: number, body: string, idempotencyKey: string) {
  return request<{ note: unknown }>('POST', `/disputes/${id}/notes`, {
    body: { body }, idempotencyKey });
}

export function requestCreditMemoApproval(id: number, note: string | undefined,
  idempotencyKey: string) {
  return request<{ approval: CreditMemoApproval }>('POST',
    `/disputes/${id}/credit-memo-approvals`, { body: note ? { note } : {}, idempotencyKey });
}

export function creditMemoApprovals(status: 'pending' | 'decided', signal?: AbortSignal) {
  return request<{ items: CreditMemoApprovalEntry[] }>('GET', '/credit-memo-approvals', {
    query: { status }, signal });
}

export function decideCreditMemo(id: number, approve: boolean, note: string | undefined) {
  return request<{ approval: CreditMemoApproval }>('POST',
    `/credit-memo-approvals/${id}/decision`, { body: note ? { approve, note } : { approve } });
}

// --- escalations

export type EscalationStage = 'new' | 'acknowledged' | 'resolved';
export const ESCALATION_FILTERS = ['open', 'new', 'acknowledged', 'resolved', 'all'] as const;
export type EscalationFilter = (typeof ESCALATION_FILTERS)[number];

export interface Escalation {
  id: number;
  customerId: number;
  accountNumber: string;
  customerName: string;
  collector: string | null;
  currency: string;
  balance: string;
  pastDue: string;
  note: string;
  escalatedTo: string | null;
  stage: EscalationStage;
  createdBy: string;
  createdByName: string | null;
  createdAt: string;
  acknowledgedBy: string | null;
  acknowledgedByName: string | null;
  resolvedByName: string | null;
  acknowledgedAt: string | null;
  acknowledgeNote: string | null;
  resolvedBy: string | null;
  resolvedAt: string | null;
  resolutionNote: string | null;
}

export function escalations(q: { status: EscalationFilter; escalatedTo?: string },
  signal?: AbortSignal) {
  return request<{ items: Escalation[] }>('GET', '/escalations', { query: q, signal });
}

export function escalate(customerId: number, body: { note: string; escalatedTo?: string },
  idempotencyKey: string) {
  return request<{ escalation: { id: number } }>('POST', `/customers/${customerId}/escalations`,
    { body, idempotencyKey });
}

export function stepEscalation(id: number, step: 'acknowledge' | 'resolve', note?: string) {
  return request<{ escalation: Escalation }>('POST', `/escalations/${id}/${step}`, {
    body: note ? { note } : {} });
}

// --- write-offs

export interface WriteOffEntry {
  id: number;
  customerId: number;
  accountNumber: string;
  customerName: string;
  collector: string | null;
  reason: string;
  amount: string;
  currency: string;
  status: 'pending' | 'approved' | 'rejected';
  requestedBy: string;
  requestedByName: string | null;
  requestedOn: string;
  decidedBy: string | null;
  decidedByName: string | null;
  decidedOn: string | null;
  writeOffDocumentId: number | null;
  writeOffNumber: string | null;
  items: { documentId: number; number: string; amount: string }[];
  approval: null | { allowed: true } | { allowed: false; code: string; reason: string;
    limit?: string };
}

export interface WriteOffQueue {
  items: WriteOffEntry[];
  currency: string;
  yourLimit: string | null;
  limits: { role: string; limit: string | null }[];
}

export function writeOffRequests(status: WriteOffEntry['status'], signal?: AbortSignal) {
  return request<WriteOffQueue>('GET', '/write-off-requests', { query: { status }, signal });
}

export function requestWriteOff(customerId: number, body: { reason: string;
  documentIds: number[] }, idempotencyKey: string) {
  return request<{ writeOffRequest: { id: number } }>('POST',
    `/customers/${customerId}/write-off-requests`, { body, idempotencyKey });
}

export function decideWriteOff(id: number, approve: boolean, idempotencyKey: string) {
  return request<{ writeOffRequest: unknown }>('POST', `/write-off-requests/${id}/decision`, {
    body: { approve }, idempotencyKey });
}

// --- agency placements

export interface AgencyPlacement {
  id: number;
  customerId: number;
  accountNumber: string;
  customerName: string;
  collector: string | null;
  agency: string;
  placedOn: string;
  currency: string;
  commissionBp: number;
  commissionPercent: string;
  status: 'placed' | 'recalled';
  recalledOn: string | null;
  recallReason: string | null;
  placed: string;
  recovered: string;
  balance: string;
  commission: string;
  netRecovered: string;
  outstanding: string;
  recoveries: { id: number; amount: string; recoveredOn: string; note: string | null;
    createdBy: string }[];
}

export function agencyPlacements(status: 'placed' | 'recalled', signal?: AbortSignal) {
  return request<{ items: AgencyPlacement[] }>('GET', '/agency-placements', {
    query: { status }, signal });
}

export function placeWithAgency(customerId: number, body: { agency: string; amount?: string;
  commissionBp: number }, idempotencyKey: string) {
  return request<{ placement: unknown }>('POST', `/customers/${customerId}/agency-placements`, {
    body, idempotencyKey });
}

export function recallPlacement(id: number, reason: string) {
  return request<{ placement: unknown }>('POST', `/agency-placements/${id}/recall`, {
    body: { reason } });
}

export function recordRecovery(id: number, body: { amount: string; note?: string },
  idempotencyKey: string) {
  return request<{ placement: unknown }>('POST', `/agency-placements/${id}/recoveries`, {
    body, idempotencyKey });
}

// --- dunning

export interface DunningPreviewLine {
  customerId: number;
  accountNumber: string;
  name: string;
  channel: string;
  step: string;
  template: string;
  recipient: string | null;
  total: string;
  currency: string;
  items: { documentId: number; number: string; step: string }[];
  actions: string[];
}

export interface DunningPreview {
  asOf: string;
  messages: DunningPreviewLine[];
  paused: Record<string, number>;
}

/** The preview answers totals in cents (`totalCents`); here they become decimal strings. */
export async function dunningPreview(signal?: AbortSignal): Promise<DunningPreview> {
  const raw = await request<{ asOf: string; paused: Record<string, number>;
    messages: (Omit<DunningPreviewLine, 'total'> & { totalCents: number })[] }>(
    'GET', '/dunning/preview', { signal });
  return { asOf: raw.asOf, paused: raw.paused, messages: raw.messages.map(
    ({ totalCents, ...m }) => ({ ...m, total: centsToDecimal(BigInt(totalCents)) })) };
}

export interface DunningRunEntry {
  id: number;
  runKey: string;
  asOf: string;
  status: 'running' | 'completed' | 'failed';
  messageCount: number;
  sendCount: number;
  startedBy: string;
  startedAt: string;
  finishedAt: string | null;
  byStatus: Record<string, number>;
  byChannel: Record<string, number>;
}

export function dunningRuns(signal?: AbortSignal) {
  return request<{ items: DunningRunEntry[] }>('GET', '/dunning/runs', { signal });
}

/** POST /dunning/runs: its whole answer, whatever it carries beside the run. */
export function startDunningRun(runKey: string, idempotencyKey: string) {
  return request<{ run: DunningRun } & Record<string, unknown>>('POST', '/dunning/runs', {
    body: { runKey }, idempotencyKey });
}
