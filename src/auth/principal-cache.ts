import type { Principal } from './authenticate.ts';

// A short-lived, in-process memory of who is behind a credential, so that a burst of requests
// with one session cookie or API token costs one database lookup rather than one each. Keyed by
// the credential's SHA-256 (the same hash the database stores), never by the secret itself.
//
// Several app instances may run at once, and a session can end or a token be revoked on another
// one (or by the CLI): this process then keeps accepting the credential for at most `ttlMs`. The
// default, DEFAULT_PRINCIPAL_TTL_MS, keeps that window to a few seconds. Changes made through
// this process (sign-out, revoke, disabling or changing a user) forget the entries at once.

/** How long a looked-up principal is trusted without asking the database again. */
export const DEFAULT_PRINCIPAL_TTL_MS = 3_000;
/** Entries kept at most; the oldest go first. */
const ENTRIES_MAX = 10_000;

interface Entry {
  principal: Principal;
  /** Monotonic time (ms) after which the database is asked again. */
  freshUntilMs: number;
  /** For a session: when it ends on the business clock (checked on every hit). */
  sessionExpiresAt: Date | null;
}

export interface PrincipalCacheOptions {
  /** 0 turns the cache off. */
  ttlMs?: number;
  /** Monotonic milliseconds; performance.now by default (tests move their own). */
  nowMs?: () => number;
}

export class PrincipalCache {
  readonly ttlMs: number;
  readonly #nowMs: () => number;
  readonly #entries = new Map<string, Entry>();

  constructor(options: PrincipalCacheOptions = {}) {
    this.ttlMs = Math.max(0, options.ttlMs ?? DEFAULT_PRINCIPAL_TTL_MS);
    this.#nowMs = options.nowMs ?? (() => performance.now());
  }

  /** The principal remembered for `key` (a credential hash), if still fresh and unexpired. */
  get(key: string, now: Date): Principal | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    const stale = this.#nowMs() >= entry.freshUntilMs
      || (entry.sessionExpiresAt !== null && entry.sessionExpiresAt <= now);
    if (!stale) return entry.principal;
    this.#entries.delete(key);
    return undefined;
  }

  set(key: string, principal: Principal, sessionExpiresAt: Date | null): void {
    if (this.ttlMs === 0) return;
    this.#entries.delete(key);
    this.#entries.set(key, { principal, sessionExpiresAt,
      freshUntilMs: this.#nowMs() + this.ttlMs });
    if (this.#entries.size > ENTRIES_MAX) {
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
  }

  /** Forgets one session (by its stored hash). */
  forgetSession(tokenHash: string): void {
    this.#forget((p) => p.session?.tokenHash === tokenHash);
  }

  /** Forgets one API token (by id). */
  forgetToken(tokenId: number): void {
    this.#forget((p) => p.tokenId === tokenId);
  }

  /** Forgets every session and token of a user (disabled, or role or name changed). */
  forgetUser(username: string): void {
    this.#forget((p) => p.username === username);
  }

  #forget(matches: (p: Principal) => boolean): void {
    for (const [key, entry] of this.#entries) {
      if (matches(entry.principal)) this.#entries.delete(key);
    }
  }
}
