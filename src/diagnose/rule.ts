// A diagnosis rule: matches evidence and explains one problem (one finding id).
import type { Finding } from '../report/finding.js';
import type { Evidence, ResponseEvidence } from './evidence.js';

export interface RuleOptions {
  now: Date;
}

export interface DiagnosisRule {
  /** The finding id this rule produces. */
  id: string;
  diagnose(evidence: Evidence, options: RuleOptions): Finding[];
}

export function responsesAt(e: Evidence, endpoint: ResponseEvidence['endpoint']): ResponseEvidence[] {
  return e.responses.filter((r) => r.endpoint === endpoint);
}

export function exchangeIds(rs: readonly ResponseEvidence[]): number[] | undefined {
  const ids = rs.map((r) => r.exchangeId).filter((id): id is number => id !== undefined);
  return ids.length > 0 ? ids : undefined;
}

export function grantedScopeOf(e: Evidence): string | undefined {
  const scope = e.tokenResponse?.['scope'];
  return typeof scope === 'string' ? scope : undefined;
}

export function describeError(r: ResponseEvidence): string {
  const err = r.oauthError;
  const what = err === undefined ? `HTTP ${r.status}` : `HTTP ${r.status} ${err.error}${err.error_description !== undefined ? `: "${err.error_description}"` : ''}`;
  return r.url !== undefined ? `${r.method ?? 'GET'} ${r.url} answered ${what}` : `the server answered ${what}`;
}
