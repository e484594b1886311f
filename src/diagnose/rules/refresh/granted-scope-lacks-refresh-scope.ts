// A refresh token came back while the granted scope names neither offline_access nor
// online_access (Epic grants offline-style access without echoing it); client-js gates refresh
// on the scope text and says "Unable to refresh. No offline_access or online_access scope found."
import { makeFinding, type Finding } from '../../../report/finding.js';
import { parseScopes } from '../../../protocol/scopes/parse.js';
import type { Evidence } from '../../evidence.js';
import { grantedScopeOf, messageSays, saidLine, type DiagnosisRule } from '../../rule.js';

export const refreshWithoutScope: DiagnosisRule = {
  id: 'granted-scope-lacks-refresh-scope',
  phase: 'refresh',
  catalog: ['granted-scope-lacks-refresh-scope'],
  diagnose(e: Evidence): Finding[] {
    const granted = grantedScopeOf(e);
    // client-js 2.0-2.1 said "No offline_access scope found" for this too, when a refresh token was there.
    const said = messageSays(e, 'granted-scope-lacks-refresh-scope') ?? (e.tokenResponse?.['refresh_token'] !== undefined ? messageSays(e, 'no-refresh-token-without-offline-scope') : undefined);
    const withToken = e.tokenResponse?.['refresh_token'] !== undefined && granted !== undefined && !parseScopes(granted).some((s) => s.kind === 'offline_access' || s.kind === 'online_access');
    // The library's words alone: the scope text lacks the refresh scopes; whether a refresh token came is unknown.
    if (!withToken && !(said !== undefined && messageSays(e, 'granted-scope-lacks-refresh-scope') !== undefined && e.tokenResponse === undefined)) return [];
    return [
      makeFinding({
        id: 'granted-scope-lacks-refresh-scope',
        severity: said !== undefined ? 'error' : 'warning',
        role: said !== undefined ? 'root-cause' : 'also-noticed',
        basis: said !== undefined ? 'server-words' : 'request-shape',
        title: withToken ? 'a refresh token came back, but the granted scope lists neither offline_access nor online_access' : 'the app will not refresh: the granted scope lists neither offline_access nor online_access',
        detail: [`granted scope: ${granted !== undefined ? `"${granted}"` : 'unknown'}${withToken ? '; refresh_token: present' : ''}`, ...(said !== undefined ? [`the app said ${JSON.stringify(said.message)}`, saidLine(said.phrase)] : [])].join('\n'),
        causes: ['The server grants refresh (offline-style) access without echoing offline_access/online_access in the scope (reported for Epic), and the client library gates refresh on the scope text.', 'The refresh scope was requested but the server trimmed it from the scope string while still issuing a refresh token.'],
        fix: 'Gate refresh on the presence of refresh_token, not on the scope text (some client libraries refuse to refresh otherwise); report the behaviour to the vendor.',
        spec: 'smart-refresh-scopes',
      }),
    ];
  },
};
