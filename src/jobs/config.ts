import { parseTimeOfDay, type TimeOfDay } from './schedule.ts';

/** The in-process scheduler's settings (README "Configuration"). */
export interface JobsConfig {
  /** ARC_JOBS=off: this instance runs no scheduled jobs (another instance or cron does). */
  enabled: boolean;
  /** ARC_JOBS_AT: when the daily jobs fall due, UTC "HH:MM". */
  at: TimeOfDay;
  /** ARC_DIGEST_SCHEDULE: the sales-rep digest weekly (Mondays), daily, or never. */
  digest: 'daily' | 'weekly' | 'off';
}

export const DEFAULT_JOBS_AT = '02:00';

export function loadJobsConfig(env: NodeJS.ProcessEnv): JobsConfig {
  const switchText = (env.ARC_JOBS || 'on').trim().toLowerCase();
  if (switchText !== 'on' && switchText !== 'off') {
    throw new Error(`ARC_JOBS must be on or off, got ${env.ARC_JOBS}`);
  }
  const atText = env.ARC_JOBS_AT || DEFAULT_JOBS_AT;
  const at = parseTimeOfDay(atText);
  if (!at) throw new Error(`ARC_JOBS_AT must be a UTC time HH:MM (24-hour), got ${atText}`);
  const digest = (env.ARC_DIGEST_SCHEDULE || 'weekly').trim().toLowerCase();
  if (digest !== 'daily' && digest !== 'weekly' && digest !== 'off') {
    throw new Error(`ARC_DIGEST_SCHEDULE must be weekly, daily or off, got ${digest}`);
  }
  return { enabled: switchText === 'on', at, digest };
}
