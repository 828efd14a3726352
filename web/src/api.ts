// Typed client for the REST API under /api/v1 (docs/api.md). Same origin: the session cookie rides
// along; the CSRF token from sign-in is kept in memory only and sent on every unsafe request.
// Errors arrive as RFC 9457 problem+json and are thrown as ApiError.

export type Role =
  | 'admin' | 'ar_manager' | 'credit_manager' | 'collector' | 'cash_application' | 'sales_rep'
  | 'auditor';

export const ROLES: Role[] = [
  'admin', 'ar_manager', 'credit_manager', 'collector', 'cash_application', 'sales_rep', 'auditor',
];

export interface User {
  username: string;
  displayName: string;
  role: Role;
}

export interface SessionInfo {
  user: User;
  /** Null only for API-token callers, never for a browser session. */
  csrfToken: string | null;
}

export interface CustomerSummary {
  id: number;
  accountNumber: string;
  name: string;
  currency: string;
  balance: string;
  pastDue: string;
  oldestDueDate: string | null;
  daysPastDueMax: number;
  creditLimit: string | null;
  collector: string | null;
  salesRep: string | null;
  region: string | null;
  status: string;
  terms: string;
}

export interface Contact {
  id: number;
  name: string;
  role: string | null;
  email: string | null;
  phone: string | null;
  fax: string | null;
  isPrimary: boolean;
}

export interface CustomerDetail extends CustomerSummary {
  termsDescription: string;
  availableCredit: string | null;
  parent: { id: number; accountNumber: string; name: string } | null;
  contacts: Contact[];
  notes: string | null;
}

export interface AgingStrip {
  buckets: string[];
  amounts: string[];
  unapplied: string;
  total: string;
}

export interface Item {
  id: number;
  customerId: number | null;
  type: string;
  number: string;
  documentDate: string;
  dueDate: string;
  amount: string;
  open: string;
  currency: string;
  daysPastDue: number;
  poNumber: string | null;
  orderNumber: string | null;
  method?: string | null;
  reference?: string | null;
  payerName?: string | null;
}

export interface Application {
  id: number;
  creditId: number;
  creditNumber: string;
  creditType: string;
  debitId: number;
  debitNumber: string;
  amount: string;
  appliedOn: string;
  reversesId: number | null;
  reversedBy: number | null;
  method: string;
  reason: string | null;
  createdBy: string;
  createdAt: string;
}

export interface StatementLine {
  date: string;
  type: string;
  number: string;
  description: string;
  debit: string;
  credit: string;
  balance: string;
}

export interface Statement {
  opening: string;
  lines: StatementLine[];
  closing: string;
  currency: string;
}

export type AgingBy = 'customer' | 'collector' | 'sales-rep' | 'region' | 'none';
export type AgingBasis = 'due' | 'invoice';

export interface AgingQuery {
  asOf?: string;
  by?: AgingBy;
  basis?: AgingBasis;
  buckets?: string;
  currency?: string;
  detail?: boolean;
}

/** One open item behind an aging row (with detail=true). */
export interface AgingDetailItem {
  /** Not in the CLI's JSON; used when the server adds them. */
  id?: number;
  customerId?: number;
  accountNumber?: string;
  type: string;
  number: string;
  documentDate: string;
  dueDate: string;
  daysPastDue: number;
  open: string;
  bucket?: string;
}

export interface AgingRow {
  key: string;
  name: string;
  total: string;
  unapplied: string;
  amounts: string[];
  /** Present when the server adds it to rows by customer; otherwise the key is the account. */
  customerId?: number;
  items?: AgingDetailItem[];
}

export interface AgingReport {
  asOf: string;
  by: AgingBy;
  basis?: AgingBasis;
  currency: string;
  buckets: string[];
  rows: AgingRow[];
  totals: { total: string; unapplied: string; amounts: string[] };
}

export interface Dashboard {
  asOf: string;
  currency: string;
  scope: string;
  aging: AgingStrip;
  pastDue: string;
  customers: number;
  topPastDue: CustomerSummary[];
  byCollector: { key: string; total: string; pastDue: string }[];
}

export interface ManagedUser extends User {
  /** Where their email goes (the sales-rep digest). */
  email: string | null;
  disabled: boolean;
  createdAt: string;
  lastSignInAt: string | null;
}

/** What an API token may do: `<resource>.<action>`; a token never exceeds its owner's role. */
export const PERMISSIONS = [
  'customers.read', 'customers.write', 'items.read', 'items.write', 'payments.read',
  'payments.write', 'applications.write', 'applications.reverse', 'aging.read',
  'statements.read', 'audit.read', 'users.read', 'users.admin', 'tokens.own',
] as const;

export interface ApiToken {
  id: number;
  name: string;
  owner: string;
  /** The secret's first characters, to recognise it. */
  prefix: string;
  scopes: string[];
  createdAt: string;
  createdBy: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface AuditEntry {
  id: number;
  at: string;
  actor: string;
  actorKind: string;
  action: string;
  entityType: string;
  entityId: string | null;
  customerId: number | null;
  /** The customer's account number. */
  customerAccount: string | null;
  before: unknown;
  after: unknown;
  source: string | null;
}

export interface Page<T> {
  items: T[];
  total: number;
}

export interface CustomerQuery {
  q?: string;
  collector?: string;
  salesRep?: string;
  region?: string;
  sort?: 'account' | 'name' | 'balance' | 'pastDue' | 'oldest' | 'collector';
  dir?: 'asc' | 'desc';
  limit?: number;
  offset?: number;
}

export interface AuditQuery {
  user?: string;
  customer?: string;
  action?: string;
  from?: string;
  to?: string;
  limit?: number;
  offset?: number;
}

export type PaymentMethod =
  | 'check' | 'ach' | 'wire' | 'cash' | 'card' | 'online_bill_pay' | 'route_cash';

export const PAYMENT_METHODS: PaymentMethod[] = [
  'check', 'ach', 'wire', 'cash', 'card', 'online_bill_pay', 'route_cash',
];

export interface NewPayment {
  customerId?: number;
  method: PaymentMethod;
  /** Omitted for cash without a reference. */
  reference?: string;
  receivedOn: string;
  amount: string;
  currency?: string;
  payerName?: string;
  memo?: string;
}

export interface ApplicationLine {
  debitId: number;
  amount: string;
  discount?: string;
  writeOff?: string;
}

/** A problem+json answer, or a network failure (status 0). */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string | undefined;
  readonly title: string;
  readonly detail: string | undefined;
  /** Seconds from a Retry-After header (rate limits). */
  readonly retryAfter: number | undefined;

  constructor(status: number, problem: Partial<Problem>, retryAfter?: number) {
    super(problem.detail ?? problem.title ?? `HTTP ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.code = problem.code;
    this.title = problem.title ?? `HTTP ${status}`;
    this.detail = problem.detail;
    this.retryAfter = retryAfter;
  }
}

interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
}

export const API_BASE = '/api/v1';

let csrfToken: string | undefined;
let onUnauthorized: (() => void) | undefined;

/** Called on any 401 outside sign-in, so the app can send the user to the sign-in page. */
export function setUnauthorizedHandler(handler: (() => void) | undefined): void {
  onUnauthorized = handler;
}

export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

type QueryValue = string | number | boolean | null | undefined;

/** Builds "?a=1&b=x" from the defined, non-empty values, in the given order. */
export function queryString(params: object): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params) as [string, QueryValue][]) {
    if (value === undefined || value === null || value === '' || value === false) continue;
    search.set(key, String(value));
  }
  const s = search.toString();
  return s ? `?${s}` : '';
}

/** A fresh key for the Idempotency-Key header (works outside secure contexts too). */
export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function' && globalThis.isSecureContext) {
    return crypto.randomUUID();
  }
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export interface RequestOptions {
  query?: object;
  body?: unknown;
  signal?: AbortSignal;
  idempotencyKey?: string;
  /** Sign-in and session probes handle 401 themselves. */
  quiet401?: boolean;
}

async function readProblem(res: Response): Promise<Partial<Problem>> {
  const type = res.headers.get('content-type') ?? '';
  try {
    if (type.includes('json')) return (await res.json()) as Partial<Problem>;
    const text = await res.text();
    const title = res.statusText || `HTTP ${res.status}`;
    return { title, detail: text.slice(0, 300) || undefined };
  } catch {
    return { title: res.statusText || `HTTP ${res.status}` };
  }
}

export async function request<T>(
  method: string, path: string, opts: RequestOptions = {},
): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
  const unsafe = method !== 'GET' && method !== 'HEAD';
  if (unsafe && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  if (opts.idempotencyKey) headers['Idempotency-Key'] = opts.idempotencyKey;
  let res: Response;
  try {
    res = await fetch(API_BASE + path + (opts.query ? queryString(opts.query) : ''), {
      method,
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      credentials: 'same-origin',
      signal: opts.signal,
    });
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    throw new ApiError(0, { title: 'Network error', detail: 'The server could not be reached.' });
  }
  if (res.status === 401 && !opts.quiet401) onUnauthorized?.();
  if (!res.ok) {
    const retry = Number(res.headers.get('retry-after'));
    throw new ApiError(res.status, await readProblem(res), retry > 0 ? retry : undefined);
  }
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

// --- session

export async function signIn(username: string, password: string): Promise<SessionInfo> {
  const s = await request<SessionInfo>('POST', '/session', {
    body: { username, password },
    quiet401: true,
  });
  setCsrfToken(s.csrfToken ?? undefined);
  return s;
}

/** The current session, or null when not signed in. */
export async function currentSession(): Promise<SessionInfo | null> {
  try {
    const s = await request<SessionInfo>('GET', '/session/me', { quiet401: true });
    setCsrfToken(s.csrfToken ?? undefined);
    return s;
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return null;
    throw e;
  }
}

export async function signOut(): Promise<void> {
  try {
    await request<void>('DELETE', '/session', { quiet401: true });
  } finally {
    setCsrfToken(undefined);
  }
}

// --- customers and their ledger

export function listCustomers(q: CustomerQuery, signal?: AbortSignal) {
  return request<Page<CustomerSummary>>('GET', '/customers', { query: q, signal });
}

export function getCustomer(id: number, signal?: AbortSignal) {
  return request<{ customer: CustomerDetail; aging: AgingStrip }>('GET', `/customers/${id}`, {
    signal,
  });
}

export function customerItems(
  id: number,
  q: { status?: 'open' | 'all'; type?: string; sort?: string },
  signal?: AbortSignal,
) {
  return request<{ items: Item[] }>('GET', `/customers/${id}/items`, { query: q, signal });
}

export function customerApplications(id: number, signal?: AbortSignal) {
  return request<{ items: Application[] }>('GET', `/customers/${id}/applications`, { signal });
}

export function customerStatement(id: number, from: string, to: string, signal?: AbortSignal) {
  return request<Statement>('GET', `/customers/${id}/statement`, { query: { from, to }, signal });
}

// --- cash

export function listPayments(
  q: { unapplied?: boolean; customerId?: number; limit?: number; offset?: number },
  signal?: AbortSignal,
) {
  return request<Page<Item>>('GET', '/payments', { query: q, signal });
}

export function createPayment(payment: NewPayment, idempotencyKey: string) {
  return request<{ payment: Item }>('POST', '/payments', { body: payment, idempotencyKey });
}

export function applyCredit(
  body: { creditId: number; appliedOn: string; lines: ApplicationLine[] },
  idempotencyKey: string,
) {
  return request<{ applications: Application[]; credit: Item }>('POST', '/applications', {
    body,
    idempotencyKey,
  });
}

export function reverseApplication(
  id: number,
  body: { reason: string; effectiveDate: string },
  idempotencyKey: string,
) {
  return request<{ reversal: Application }>('POST', `/applications/${id}/reverse`, {
    body,
    idempotencyKey,
  });
}

// --- reports

export function aging(q: AgingQuery, signal?: AbortSignal) {
  return request<AgingReport>('GET', '/aging', { query: { ...q, format: 'json' }, signal });
}

/** The download address of the aging report as a file, with the same parameters as on screen. */
export function agingFileUrl(q: AgingQuery, format: 'csv' | 'xlsx'): string {
  return `${API_BASE}/aging${queryString({ ...q, format })}`;
}

export function dashboard(signal?: AbortSignal) {
  return request<Dashboard>('GET', '/dashboard', { signal });
}

// --- administration

export function listUsers(signal?: AbortSignal) {
  return request<{ items: ManagedUser[] }>('GET', '/users', { signal });
}

export function createUser(
  user: { username: string; displayName: string; role: Role; password: string; email?: string },
  idempotencyKey: string,
) {
  return request<{ user: ManagedUser }>('POST', '/users', { body: user, idempotencyKey });
}

export function updateUser(
  username: string,
  change: { role?: Role; disabled?: boolean; displayName?: string; email?: string | null },
) {
  return request<{ user: ManagedUser }>('PATCH', `/users/${encodeURIComponent(username)}`, {
    body: change,
  });
}

export function listTokens(signal?: AbortSignal) {
  return request<{ items: ApiToken[] }>('GET', '/tokens', { signal });
}

export function createToken(body: { name: string; scopes?: string[] }, idempotencyKey: string) {
  return request<{ token: ApiToken; secret: string }>('POST', '/tokens', { body, idempotencyKey });
}

export function revokeToken(id: number) {
  return request<void>('DELETE', `/tokens/${encodeURIComponent(String(id))}`);
}

export function auditLog(q: AuditQuery, signal?: AbortSignal) {
  return request<Page<AuditEntry>>('GET', '/audit', { query: q, signal });
}

// --- collections (docs/collections.md)

export interface WorklistEntry {
  customerId: number;
  accountNumber: string;
  name: string;
  collector: string | null;
  currency: string;
  score: number;
  collectiblePastDue: string;
  daysPastDueMax: number;
  reason: string;
  brokenPromise: boolean;
  promiseDueToday: boolean;
  openPromise: boolean;
  openDisputes: number;
  lastContactOn: string | null;
}

export const ACTIVITY_KINDS = ['call', 'email', 'fax', 'letter', 'visit', 'note'] as const;
export type ActivityKind = (typeof ACTIVITY_KINDS)[number];
export const CALL_OUTCOMES = ['promise', 'dispute', 'paid', 'left_message', 'no_answer',
  'wrong_number', 'refused'] as const;
export type ActivityOutcome = (typeof CALL_OUTCOMES)[number] | 'sent' | 'failed';

export interface Activity {
  id: number;
  customerId: number;
  kind: ActivityKind;
  outcome: ActivityOutcome | null;
  contactName: string | null;
  subject: string | null;
  body: string | null;
  followUpOn: string | null;
  occurredOn: string;
  author: string;
  source: string;
  documentIds: number[];
}

export interface NewActivity {
  kind: ActivityKind;
  outcome?: ActivityOutcome;
  contactName?: string;
  subject?: string;
  body?: string;
  documentIds?: number[];
  followUpOn?: string;
}

export interface PromiseToPay {
  id: number;
  amount: string;
  paid: string;
  currency: string;
  promisedOn: string;
  madeOn: string;
  contactName: string | null;
  status: 'open' | 'kept' | 'partially_kept' | 'broken' | 'cancelled';
  createdBy: string;
  documentIds: number[];
}

export const DISPUTE_REASONS = ['pricing', 'shortage', 'damage', 'returns', 'promo', 'tax',
  'duplicate_billing', 'quality', 'not_received', 'other'] as const;
export type DisputeReason = (typeof DISPUTE_REASONS)[number];

export interface Dispute {
  id: number;
  kind: 'dispute' | 'deduction';
  reasonCode: DisputeReason;
  amount: string;
  currency: string;
  status: 'open' | 'in_review' | 'resolved' | 'closed';
  resolution: string | null;
  owner: string | null;
  openedOn: string;
  createdBy: string;
  items: { documentId: number; amount: string }[];
}

export interface DunningRun {
  runId: number;
  runKey: string;
  asOf: string;
  messages: number;
  sends: number;
  tasks: number;
  creditHolds: number;
}

/** Mine by default; a supervisor may name another collector or ask for everyone's. */
export function worklist(q: { collector?: string; all?: boolean }, signal?: AbortSignal) {
  return request<{ asOf: string; items: WorklistEntry[] }>('GET', '/worklist', {
    query: { ...q, limit: 500 }, signal });
}

export function customerActivities(id: number, signal?: AbortSignal) {
  return request<{ items: Activity[] }>('GET', `/customers/${id}/activities`, { signal });
}

export function logActivity(id: number, body: NewActivity, idempotencyKey: string) {
  return request<{ activity: Activity }>('POST', `/customers/${id}/activities`, {
    body, idempotencyKey });
}

export function customerPromises(id: number, signal?: AbortSignal) {
  return request<{ items: PromiseToPay[] }>('GET', `/customers/${id}/promises`, { signal });
}

export function createPromise(
  id: number,
  body: { amount: string; promisedOn: string; contactName?: string; activityId?: number;
    documentIds?: number[] },
  idempotencyKey: string,
) {
  return request<{ promise: PromiseToPay }>('POST', `/customers/${id}/promises`, {
    body, idempotencyKey });
}

export function customerDisputes(id: number, signal?: AbortSignal) {
  return request<{ items: Dispute[] }>('GET', `/customers/${id}/disputes`, { signal });
}

export function openDispute(
  id: number,
  body: { reasonCode: DisputeReason; kind?: 'dispute' | 'deduction';
    items: { documentId: number; amount?: string }[]; owner?: string; note?: string },
  idempotencyKey: string,
) {
  return request<{ dispute: Dispute }>('POST', `/customers/${id}/disputes`, {
    body, idempotencyKey });
}

export function emailStatement(
  id: number, body: { to?: string; message?: string }, idempotencyKey: string,
) {
  return request<{ email: { to: string; messageId: string; activityId: number } }>(
    'POST', `/customers/${id}/statement-emails`, { body, idempotencyKey });
}

export function runDunning(idempotencyKey: string, runKey?: string) {
  return request<{ run: DunningRun }>('POST', '/dunning/runs', {
    body: runKey ? { runKey } : {}, idempotencyKey });
}

// --- documents on items and correspondence (src/http/routes/attachments.ts)

export const ATTACHMENT_KINDS = ['pod', 'invoice_copy', 'other'] as const;
export type AttachmentKind = (typeof ATTACHMENT_KINDS)[number];
/** What the server keeps on an item (recognised by content, at most 10 MB). */
export const ATTACHMENT_ACCEPT = 'application/pdf,image/png,image/jpeg,image/tiff,.pdf,.png,.jpg,'
  + '.jpeg,.tif,.tiff';
export const ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024;

export interface Attachment {
  id: number;
  documentId: number;
  customerId: number;
  documentNumber: string;
  documentType: string;
  kind: AttachmentKind;
  fileName: string;
  contentType: string;
  sizeBytes: number;
  sha256: string;
  uploadedBy: string;
  uploadedAt: string;
  contentUrl: string;
}

export const CORRESPONDENCE_CHANNELS = ['email', 'fax', 'letter'] as const;
export type CorrespondenceChannel = (typeof CORRESPONDENCE_CHANNELS)[number];
export const CORRESPONDENCE_TEMPLATES = ['statement_cover', 'invoice_copies',
  'past_due_reminder'] as const;
export type CorrespondenceTemplate = (typeof CORRESPONDENCE_TEMPLATES)[number];

export interface NewCorrespondence {
  channel: CorrespondenceChannel;
  template: CorrespondenceTemplate;
  contactId?: number;
  to?: string;
  subject?: string;
  message?: string;
  includeStatement?: boolean;
  invoiceCopyIds?: number[];
  attachmentIds?: number[];
}

export type SentCorrespondence =
  | { channel: 'email' | 'fax'; to: string; activityId: number;
    files: { fileName: string; contentType: string; sizeBytes: number }[] }
  | { channel: 'letter'; activityId: number; fileName: string; letter: Blob;
    /** Stored documents the letter lists to print separately. */
    separateAttachmentIds: number[] };

export function customerAttachments(id: number, signal?: AbortSignal) {
  return request<{ items: Attachment[] }>('GET', `/customers/${id}/attachments`, { signal });
}

/** Download address of a stored document (inline: to view it in the browser). */
export function attachmentUrl(a: Attachment, inline = false): string {
  return a.contentUrl + (inline ? '?disposition=inline' : '');
}

export function invoiceCopyUrl(itemId: number): string {
  return `${API_BASE}/items/${itemId}/invoice-copy`;
}

/** The unsafe headers every write carries: the CSRF token and an idempotency key. */
function writeHeaders(idempotencyKey: string): Record<string, string> {
  return { ...(csrfToken ? { 'X-CSRF-Token': csrfToken } : {}),
    'Idempotency-Key': idempotencyKey };
}

async function checked(res: Response): Promise<Response> {
  if (res.status === 401) onUnauthorized?.();
  if (!res.ok) throw new ApiError(res.status, await readProblem(res));
  return res;
}

/** Uploads the file itself as the body; the same bytes again answer the one already kept. */
export async function uploadAttachment(
  itemId: number, file: File, kind: AttachmentKind, idempotencyKey: string,
): Promise<{ attachment: Attachment; created: boolean }> {
  const q = queryString({ kind, fileName: file.name });
  const res = await fetch(`${API_BASE}/items/${itemId}/attachments${q}`, {
    method: 'POST', body: file, credentials: 'same-origin',
    headers: { Accept: 'application/json', 'Content-Type': file.type || 'application/octet-stream',
      ...writeHeaders(idempotencyKey) },
  }).catch(() => {
    throw new ApiError(0, { title: 'Network error', detail: 'The server could not be reached.' });
  });
  return (await checked(res)).json() as Promise<{ attachment: Attachment; created: boolean }>;
}

export function deleteAttachment(id: number) {
  return request<{ attachment: Attachment }>('DELETE', `/attachments/${id}`);
}

/** Sends an email or fax, or writes a letter (answered as the PDF itself). */
export async function sendCorrespondence(
  customerId: number, body: NewCorrespondence, idempotencyKey: string,
): Promise<SentCorrespondence> {
  if (body.channel !== 'letter') {
    const r = await request<{ correspondence: SentCorrespondence }>('POST',
      `/customers/${customerId}/correspondence`, { body, idempotencyKey });
    return r.correspondence;
  }
  const res = await fetch(`${API_BASE}/customers/${customerId}/correspondence`, {
    method: 'POST', body: JSON.stringify(body), credentials: 'same-origin',
    headers: { Accept: 'application/pdf, application/problem+json',
      'Content-Type': 'application/json', ...writeHeaders(idempotencyKey) },
  }).catch(() => {
    throw new ApiError(0, { title: 'Network error', detail: 'The server could not be reached.' });
  });
  await checked(res);
  const name = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1];
  return { channel: 'letter', activityId: Number(res.headers.get('arc-activity-id')),
    fileName: name ?? 'letter.pdf', letter: await res.blob(),
    separateAttachmentIds: (res.headers.get('arc-separate-attachments') ?? '').split(',')
      .filter(Boolean).map(Number) };
}

// --- remittance advices (X12 820), the research queue's advices screen

export interface RemittanceAdviceSummary {
  adviceId: number;
  file: string;
  traceNumber: string | null;
  amount: string;
  currency: string;
  paymentDate: string | null;
  payerName: string | null;
  invoices: string[];
  lines: number;
  paymentId: number | null;
  paymentReference: string | null;
  linkRule: 'trace' | 'amount_payer' | 'manual' | null;
  reasons: string[];
  importedAt: string;
}

export interface AdviceDeposit {
  paymentId: number;
  reference: string;
  amount: string;
  unapplied: string;
  receivedOn: string;
  payerName: string | null;
  customer: { id: number; accountNumber: string; name: string } | null;
}

export interface RemittanceAdviceDetail {
  adviceId: number;
  file: string;
  traceNumber: string | null;
  amount: string;
  currency: string;
  paymentDate: string | null;
  payerName: string | null;
  payerAccount: string | null;
  lines: { referenceType: string; documentNumber: string | null; paid: string | null;
    gross: string | null; discount: string | null; adjustment: string | null;
    adjustmentReason: string | null }[];
  freeText: string[];
  linkRule: string | null;
  reasons: string[];
  linkedBy: string | null;
  deposit: AdviceDeposit | null;
  candidates: AdviceDeposit[];
}

export function listRemittanceAdvices(
  filter: { unlinked?: boolean; linked?: boolean }, signal?: AbortSignal,
) {
  return request<{ items: RemittanceAdviceSummary[] }>('GET', '/cashapp/remittance-advices',
    { query: filter, signal });
}

export function getRemittanceAdvice(id: number, signal?: AbortSignal) {
  return request<RemittanceAdviceDetail>('GET', `/cashapp/remittance-advices/${id}`, { signal });
}

export function linkRemittanceAdvice(id: number, paymentId: number) {
  return request<{ adviceId: number; paymentId: number; reasons: string[] }>('POST',
    `/cashapp/remittance-advices/${id}/link`, { body: { paymentId } });
}

export function unlinkRemittanceAdvice(id: number, reason: string) {
  return request<{ adviceId: number; paymentId: number; reversedApplicationIds: number[];
    unapplied: string; keptDeductionIds: number[] }>('POST',
    `/cashapp/remittance-advices/${id}/unlink`, { body: { reason } });
}
