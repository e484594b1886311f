// No refresh_token, and neither offline_access nor online_access was requested: expected
// behaviour, but apps that plan to refresh fail later (SMART "Refresh access token").
import { makeFinding, type Finding } from '../../../report/finding.js';
import { parseScopes } from '../../../protocol/scopes/parse.js';
import type { Evidence } from '../../evidence.js';
import { grantedScopeOf, responsesAt, type DiagnosisRule } from '../../rule.js';

const hasRefreshScope = (scope: string): boolean => parseScopes(scope).some((s) => s.kind === 'offline_access' || s.kind === 'online_access');

export const noRefreshTokenWithoutOfflineScope: DiagnosisRule = {
  id: 'no-refresh-token-without-offline-scope',
  phase: 'refresh',
  catalog: ['no-refresh-token-without-offline-scope'],
  diagnose(e: Evidence): Finding[] {
    if (e.tokenResponse === undefined || e.requestedScope === undefined || e.launchType === 'backend') return [];
    if (e.tokenResponse['refresh_token'] !== undefined || e.tokenResponse['access_token'] === undefined) return [];
    // Only authorization_code grants: refresh responses may omit refresh_token, backend services get none.
    const grants = responsesAt(e, 'token').map((r) => new URLSearchParams(r.requestBody ?? '').get('grant_type'));
    if (grants.some((g) => g === 'refresh_token' || g === 'client_credentials')) return [];
    const granted = grantedScopeOf(e) ?? '';
    if (hasRefreshScope(e.requestedScope) || hasRefreshScope(granted)) return [];
    return [
      makeFinding({
        id: 'no-refresh-token-without-offline-scope',
        severity: 'info',
        title: 'no refresh_token: neither offline_access nor online_access was requested',
        detail: `requested scope: "${e.requestedScope}"; expected offline_access or online_access in it for a refresh token, got neither`,
        fix: 'Request offline_access (or online_access) if the app must work beyond expires_in, and make sure the registration allows refresh tokens for this client type.',
        spec: 'smart-refresh-scopes',
      }),
    ];
  },
};
