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

/** Token endpoint answers carrying this OAuth error (RFC 6749 §5.2). */
export function tokenErrorResponses(e: Evidence, error: string): ResponseEvidence[] {
  return responsesAt(e, 'token').filter((r) => r.status >= 400 && r.oauthError?.error === error);
}

/** decodeURIComponent that keeps malformed escapes as they are (saved evidence may hold any text). */
export function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** The error_description and the decoded error_uri, for matching vendor wording. */
export function errorText(r: ResponseEvidence): string {
  return `${r.oauthError?.error_description ?? ''} ${safeDecode(r.oauthError?.error_uri ?? '')}`;
}

export function mentionsInError(r: ResponseEvidence, pattern: RegExp): boolean {
  return pattern.test(errorText(r));
}

export function exchangeIdOf(r: ResponseEvidence): number[] | undefined {
  return r.exchangeId === undefined ? undefined : [r.exchangeId];
}
