// A refresh token came back while the granted scope names neither offline_access nor online_access.
import { makeFinding, type Finding } from '../../../report/finding.js';
import { parseScopes } from '../../../protocol/scopes/parse.js';
import type { Evidence } from '../../evidence.js';
import { grantedScopeOf, type DiagnosisRule } from '../../rule.js';

export const refreshWithoutScope: DiagnosisRule = {
  id: 'granted-scope-lacks-refresh-scope',
  phase: 'refresh',
  catalog: ['granted-scope-lacks-refresh-scope'],
  diagnose(e: Evidence): Finding[] {
    const granted = grantedScopeOf(e);
    if (e.tokenResponse?.['refresh_token'] === undefined || granted === undefined) return [];
    if (parseScopes(granted).some((s) => s.kind === 'offline_access' || s.kind === 'online_access')) return [];
    return [
      makeFinding({
        id: 'granted-scope-lacks-refresh-scope',
        severity: 'warning',
        title: 'a refresh token came back, but the granted scope lists neither offline_access nor online_access',
        detail: `granted scope: "${granted}"`,
        fix: 'Gate refresh on the presence of refresh_token, not on the scope text (some client libraries refuse to refresh otherwise).',
        spec: 'smart-refresh-scopes',
      }),
    ];
  },
};
