/**
 * Cash-application settings, read once per use case from the `settings` table (migrations 010
 * and 014) and turned into the matching engine's configuration, the returned-item policy and the
 * default oldest-first policy.
 */
import type { Queryable } from '../db/connection.ts';
import { cents, type Cents } from '../domain/money.ts';
import { DEFAULT_MATCH_CONFIG, type MatchConfig } from '../domain/matching/types.ts';
import {
  DEFAULT_POLICY_KEY, isOldestFirstPolicy, type OldestFirstPolicy,
} from './matching-settings-store.ts';

export interface ReturnPolicy {
  /** The fee charged for a returned item, already capped at `feeMaxCents`. */
  feeCents: Cents;
  feeMaxCents: Cents;
  creditHold: boolean;
}

export interface CashappConfig {
  match: MatchConfig;
  returns: ReturnPolicy;
  /** How cash without usable remittance is applied for customers without a policy of their own. */
  oldestFirstDefault: OldestFirstPolicy;
}

async function settings(tx: Queryable): Promise<Map<string, unknown>> {
  const r = await tx.query<{ key: string; value: unknown }>(
    `SELECT key, value FROM settings WHERE key LIKE 'cashapp_%' OR key LIKE 'returned_item_%'
       OR key = 'small_balance_write_off_max_cents'`);
  return new Map(r.rows.map((row) => [row.key, row.value]));
}

function int(s: Map<string, unknown>, key: string, fallback: number): number {
  const v = s.get(key);
  const n = typeof v === 'number' ? v : Number(v);
  return v === undefined || !Number.isSafeInteger(n) ? fallback : n;
}

/**
 * The configuration in force. The write-off tolerance never exceeds the ledger's small-balance
 * write-off limit, so that every write-off the engine proposes is one apply-credit accepts.
 */
export async function loadCashappConfig(tx: Queryable): Promise<CashappConfig> {
  const s = await settings(tx);
  const ledgerMax = int(s, 'small_balance_write_off_max_cents', 0);
  const tolerance = Math.min(ledgerMax, int(s, 'cashapp_write_off_tolerance_cents', 500));
  const feeMax = int(s, 'returned_item_fee_max_cents', 2500);
  return {
    match: {
      ...DEFAULT_MATCH_CONFIG,
      autoApplyConfidenceMin: int(s, 'cashapp_auto_apply_confidence_min', 90),
      writeOffToleranceCents: cents(Math.max(0, tolerance)),
      writeOffTolerancePercentBp: int(s, 'cashapp_write_off_tolerance_bp', 100),
    },
    returns: {
      feeCents: cents(Math.max(0, Math.min(feeMax, int(s, 'returned_item_fee_cents', 2500)))),
      feeMaxCents: cents(feeMax),
      creditHold: s.get('returned_item_credit_hold') === true,
    },
    oldestFirstDefault: isOldestFirstPolicy(s.get(DEFAULT_POLICY_KEY))
      ? s.get(DEFAULT_POLICY_KEY) as OldestFirstPolicy : 'off',
  };
}
