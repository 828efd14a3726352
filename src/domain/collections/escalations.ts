import { err, ok, type Result } from '../result.ts';

// An escalation is open until a supervisor resolves it; acknowledging it on the way says who has
// taken it on. Stored status stays open/closed; the stage is read from when each step happened.

export type EscalationStage = 'new' | 'acknowledged' | 'resolved';

export function escalationStage(e: {
  status: 'open' | 'closed';
  acknowledgedAt: string | null;
}): EscalationStage {
  if (e.status === 'closed') return 'resolved';
  return e.acknowledgedAt === null ? 'new' : 'acknowledged';
}

/** Moving an escalation on, in the order checked. */
export type EscalationChangeError =
  | { code: 'escalation_already_resolved' }
  | { code: 'escalation_already_acknowledged' };

export function checkEscalationChange(
  stage: EscalationStage, to: 'acknowledged' | 'resolved',
): Result<EscalationStage, EscalationChangeError> {
  if (stage === 'resolved') return err({ code: 'escalation_already_resolved' });
  if (to === 'acknowledged' && stage === 'acknowledged') {
    return err({ code: 'escalation_already_acknowledged' });
  }
  return ok(to);
}
