// The checks on a refresh (SMART App Launch, "Refresh access token"; RFC 6749 §6;
// OpenID Connect Core §12.2), shared by check's refresh group and `launch --refresh`:
// the new scope within the old, the new access token works, rotation handled, and a
// refreshed id_token about the same sub. Pure: the callers make the requests.
import { decodeJwt } from './jwt/decode.js';
import { compareScopes } from './scopes/compare.js';
import { parseScopes } from './scopes/parse.js';
import { makeFinding, type Finding } from '../report/finding.js';

/** RFC 6749 §6: the new scope must not include any scope not originally granted. */
export function refreshScopeWidened(old: string, neu: string, exchangeId?: number): Finding[] {
  const widened = compareScopes(parseScopes(old), parseScopes(neu)).entries.filter((e) => e.classification === 'added' || e.classification === 'widened');
  if (widened.length === 0) return [];
  return [makeFinding({ id: 'refresh-scope-widened', severity: 'error', title: 'the refresh granted more than the original grant', detail: `original: "${old}"; after refresh: "${neu}"; beyond it: ${widened.map((e) => `"${e.scope}"`).join(', ')}`, fix: 'A refresh must never widen the grant.', spec: 'smart-refresh', exchanges: exchangeId === undefined ? undefined : [exchangeId] })];
}

/** The refreshed access token must read what the first one could. */
export function refreshedTokenUnusable(url: string, status: number | string, exchangeId?: number): Finding[] {
  if (status === 200) return [];
  return [makeFinding({ id: 'refresh-token-unusable', severity: 'error', title: `the refreshed access token cannot read FHIR (${typeof status === 'number' ? `HTTP ${status}` : status})`, detail: `GET ${url} → ${status}`, fix: 'A refreshed access token carries the grant of the original one.', spec: 'smart-refresh', exchanges: exchangeId === undefined ? undefined : [exchangeId] })];
}

/** A second refresh with the newest refresh token (rotated or kept) must work. */
export function refreshRotationBroken(rotated: boolean, status: number, body: string, exchangeId: number): Finding[] {
  if (status === 200) return [];
  return [makeFinding({ id: 'refresh-rotation-broken', severity: 'error', title: `the second refresh failed with HTTP ${status}`, detail: `${rotated ? 'the rotated refresh token from the first refresh' : 'the original refresh token (none was returned by the first refresh)'} → ${status}: ${body.slice(0, 200)}`, fix: 'Either return a new refresh token on refresh, or keep the old one valid.', spec: 'smart-refresh', exchanges: [exchangeId] })];
}

/** OpenID Connect Core §12.2: a refreshed id_token's sub is the first one's. */
export function refreshedIdTokenSubChanged(firstIdToken: unknown, refreshedSub: unknown, exchangeId?: number): Finding[] {
  let first;
  try {
    first = typeof firstIdToken === 'string' ? decodeJwt(firstIdToken) : undefined;
  } catch {
    first = undefined;
  }
  const firstSub = first?.kind === 'jwt' ? first.payload['sub'] : undefined;
  if (firstSub === undefined || refreshedSub === firstSub) return [];
  return [makeFinding({ id: 'refresh-id-token-sub-changed', severity: 'error', title: 'the refreshed id_token names another sub', detail: `sub: expected "${String(firstSub)}", got ${refreshedSub === undefined ? 'none' : `"${String(refreshedSub)}"`}`, fix: 'A refreshed id_token is about the same user (OpenID Connect Core §12.2).', spec: 'oidc-id-token', exchanges: exchangeId === undefined ? undefined : [exchangeId] })];
}

/** The first id_token's findings, said of the refreshed one. */
export function asRefreshedIdToken(findings: readonly Finding[]): Finding[] {
  return findings.map((f) => ({ ...f, title: `refreshed ${f.title}` }));
}
