// No refresh_token because no refresh scope was asked for, or the server did not grant it
// (SMART "Refresh access token"); client-js then says "Unable to refresh. No offline_access
// scope found." (2.0-2.1) or "Unable to refresh. No refresh_token found.". Shows requested vs
// granted for offline_access/online_access and the client type.
import { makeFinding, type Finding } from '../../../report/finding.js';
import { parseScopes } from '../../../protocol/scopes/parse.js';
import type { Evidence } from '../../evidence.js';
import { grantedScopeOf, messageSays, responsesAt, saidLine, type DiagnosisRule } from '../../rule.js';

const refreshScopes = (scope: string | undefined): string[] => (scope === undefined ? [] : parseScopes(scope).filter((s) => s.kind === 'offline_access' || s.kind === 'online_access').map((s) => s.raw));

export const noRefreshTokenWithoutOfflineScope: DiagnosisRule = {
  id: 'no-refresh-token-without-offline-scope',
  phase: 'refresh',
  catalog: ['no-refresh-token-without-offline-scope'],
  diagnose(e: Evidence): Finding[] {
    if (e.launchType === 'backend') return [];
    // Refresh answers may omit refresh_token, backend services get none.
    const grants = responsesAt(e, 'token').map((r) => new URLSearchParams(r.requestBody ?? '').get('grant_type'));
    if (grants.some((g) => g === 'refresh_token' || g === 'client_credentials')) return [];
    const said = messageSays(e, 'no-refresh-token-without-offline-scope');
    const tr = e.tokenResponse;
    // A refresh token that did come is granted-scope-lacks-refresh-scope's case (the library gates on scope text).
    if (tr !== undefined && tr['refresh_token'] !== undefined) return [];
    if (tr !== undefined && tr['access_token'] === undefined) return [];
    const granted = grantedScopeOf(e);
    const asked = refreshScopes(e.requestedScope);
    const got = refreshScopes(granted);
    if (got.length > 0) return []; // granted but no token: no-refresh-token-despite-offline-access
    const trimmed = asked.length > 0 && granted !== undefined;
    if (said === undefined && (tr === undefined || e.requestedScope === undefined || (asked.length > 0 && !trimmed))) return [];
    const lines = [
      `requested scope: ${e.requestedScope === undefined ? 'unknown' : `"${e.requestedScope}"`}${granted !== undefined ? `\ngranted scope:   "${granted}"` : ''}`,
      trimmed ? `expected ${asked.join(' and ')} in the grant, got neither online_access nor offline_access: the server did not grant the refresh scope` : asked.length === 0 && e.requestedScope !== undefined ? 'expected offline_access or online_access in the request for a refresh token, got neither' : '',
      ...(e.authMethod !== undefined ? [`client authentication: ${e.authMethod}${e.authMethod === 'none' ? ' (a public client: many servers give refresh tokens only to confidential clients)' : ''}`] : []),
      ...(said !== undefined ? [`the app said ${JSON.stringify(said.message)}`, saidLine(said.phrase)] : []),
    ].filter((l) => l !== '');
    return [
      makeFinding({
        id: 'no-refresh-token-without-offline-scope',
        // Expected behaviour unless the app needed to refresh (its library failed) or asked and was refused.
        severity: said !== undefined ? 'error' : trimmed ? 'warning' : 'info',
        role: said !== undefined ? 'root-cause' : 'also-noticed',
        basis: said !== undefined ? 'server-words' : 'request-shape',
        title: trimmed ? `no refresh_token: ${asked.join(' and ')} was requested but not granted` : said !== undefined && e.requestedScope === undefined ? 'the app cannot refresh: no refresh token and no refresh scope' : 'no refresh_token: neither offline_access nor online_access was requested',
        detail: lines.join('\n'),
        causes: trimmed
          ? ['The registration does not allow refresh tokens for this client (or client type: public clients are often excluded).', 'The user or the server policy did not consent to offline access (node-oidc-provider needs refresh_token in grant_types and consent for offline_access).']
          : ['Neither offline_access nor online_access was requested, so no refresh token is issued.', 'The server decides which client types may get refresh tokens; public clients are often excluded.'],
        fix: 'Request offline_access (or online_access) if the app must work beyond expires_in, and make sure the registration allows refresh tokens for this client type; otherwise re-authorize when the token expires.',
        spec: 'smart-refresh-scopes',
      }),
    ];
  },
};
