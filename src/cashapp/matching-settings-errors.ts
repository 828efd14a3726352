/**
 * The expected failures of the matching-settings use cases (aliases, oldest-first policy), as
 * typed results whose codes read as rules. Statuses follow the codes' names (problem.ts):
 * `*_not_found` 404, `*_taken` 409, else 422.
 */
export type MatchingSettingsError =
  | { code: 'customer_not_found'; customerId: number }
  | { code: 'alias_required' }
  | { code: 'alias_too_long'; lengthMax: number }
  | { code: 'alias_kind_invalid'; kind: string; kinds: string[] }
  | { code: 'alias_taken'; customerId: number; alias: string }
  | { code: 'alias_not_found'; aliasId: number }
  | { code: 'oldest_first_policy_invalid'; policy: string; policies: string[] };

/** A sentence for people; the code stays the contract. */
export function describeMatchingSettingsError(e: MatchingSettingsError): string {
  switch (e.code) {
    case 'customer_not_found': return `customer ${e.customerId} not found`;
    case 'alias_required': return 'alias: give the name the customer pays under';
    case 'alias_too_long': return `alias: at most ${e.lengthMax} characters`;
    case 'alias_kind_invalid': return `kind: "${e.kind}" is not one of ${e.kinds.join(', ')}`;
    case 'alias_taken': return `customer ${e.customerId} already has the alias "${e.alias}"`;
    case 'alias_not_found': return `alias ${e.aliasId} not found for this customer`;
    case 'oldest_first_policy_invalid':
      return `oldest-first policy: "${e.policy}" is not one of ${e.policies.join(', ')}`;
  }
}
