// offline_access/online_access granted, but no refresh_token in the token response (the
// "server decides which client types get refresh tokens" cause of the catalog entry
// no-refresh-token-without-offline-scope); client-js: "Unable to refresh. No refresh_token found."
import { makeFinding, type Finding } from '../../../report/finding.js';
import { parseScopes } from '../../../protocol/scopes/parse.js';
import type { Evidence } from '../../evidence.js';
import { responsesAt, exchangeIds, grantedScopeOf, messageSays, saidLine, type DiagnosisRule } from '../../rule.js';

export const noRefreshTokenDespiteRefreshScope: DiagnosisRule = {
  id: 'no-refresh-token-despite-offline-access',
  phase: 'refresh',
  catalog: ['no-refresh-token-without-offline-scope'],
  diagnose(e: Evidence): Finding[] {
    const granted = grantedScopeOf(e);
    if (e.tokenResponse === undefined || granted === undefined || e.tokenResponse['refresh_token'] !== undefined) return [];
    const refreshScope = parseScopes(granted).find((s) => s.kind === 'offline_access' || s.kind === 'online_access');
    if (refreshScope === undefined) return [];
    const said = messageSays(e, 'no-refresh-token-without-offline-scope');
    return [
      makeFinding({
        id: 'no-refresh-token-despite-offline-access',
        severity: said !== undefined ? 'error' : 'warning',
        role: said !== undefined ? 'root-cause' : 'also-noticed',
        basis: said !== undefined ? 'server-words' : 'request-shape',
        title: `${refreshScope.raw} was granted but no refresh_token came back`,
        detail: `granted scope: "${granted}"; token response keys: ${Object.keys(e.tokenResponse).join(', ')}${e.authMethod === 'none' ? '\nclient authentication: none (a public client)' : ''}${said !== undefined ? `\nthe app said ${JSON.stringify(said.message)}\n${saidLine(said.phrase)}` : ''}`,
        causes: e.authMethod === 'none' ? ['The server issues refresh tokens only to confidential clients (this one is public) or only for some launch types.', 'The client is not registered for the refresh_token grant in this environment.'] : ['The client is not registered for the refresh_token grant in this environment (node-oidc-provider also needs refresh_token in the client\'s grant_types).', 'The server issues refresh tokens only to confidential clients or only for some launch types.'],
        fix: 'Register the app for refresh tokens (refresh_token grant) and re-authorize; until then the app must re-authorize when the access token expires.',
        spec: 'smart-refresh-scopes',
        exchanges: exchangeIds(responsesAt(e, 'token').filter((r) => r.status === 200)),
      }),
    ];
  },
};
