// offline_access/online_access granted, but no refresh_token in the token response.
import { makeFinding, type Finding } from '../../../report/finding.js';
import { parseScopes } from '../../../protocol/scopes/parse.js';
import type { Evidence } from '../../evidence.js';
import { responsesAt, exchangeIds, grantedScopeOf, type DiagnosisRule } from '../../rule.js';

export const noRefreshTokenDespiteRefreshScope: DiagnosisRule = {
  id: 'no-refresh-token-despite-offline-access',
  phase: 'refresh',
  catalog: [],
  diagnose(e: Evidence): Finding[] {
    const granted = grantedScopeOf(e);
    if (e.tokenResponse === undefined || granted === undefined || e.tokenResponse['refresh_token'] !== undefined) return [];
    const refreshScope = parseScopes(granted).find((s) => s.kind === 'offline_access' || s.kind === 'online_access');
    if (refreshScope === undefined) return [];
    return [
      makeFinding({
        id: 'no-refresh-token-despite-offline-access',
        severity: 'warning',
        title: `${refreshScope.raw} was granted but no refresh_token came back`,
        detail: `granted scope: "${granted}"; token response keys: ${Object.keys(e.tokenResponse).join(', ')}`,
        causes: ['The client is not registered for the refresh_token grant in this environment.', 'The server issues refresh tokens only to confidential clients or only for some launch types.'],
        fix: 'Register the app for refresh tokens (refresh_token grant) and re-authorize; until then the app must re-authorize when the access token expires.',
        spec: 'smart-refresh-scopes',
        exchanges: exchangeIds(responsesAt(e, 'token').filter((r) => r.status === 200)),
      }),
    ];
  },
};
