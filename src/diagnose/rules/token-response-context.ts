// Launch context scopes granted, but the token response carries no patient/encounter;
// refresh token without a refresh scope (catalog: token-response-missing-launch-context,
// granted-scope-lacks-refresh-scope).
import { makeFinding, type Finding } from '../../report/finding.js';
import { parseScopes } from '../../protocol/scopes/parse.js';
import type { Evidence } from '../evidence.js';
import { exchangeIds, grantedScopeOf, responsesAt, type DiagnosisRule } from '../rule.js';

export const missingLaunchContext: DiagnosisRule = {
  id: 'token-response-missing-launch-context',
  diagnose(e: Evidence): Finding[] {
    const granted = grantedScopeOf(e);
    if (e.tokenResponse === undefined || granted === undefined) return [];
    const scopes = parseScopes(granted);
    const ehr = scopes.some((s) => s.kind === 'launch');
    const out: Finding[] = [];
    for (const context of ['patient', 'encounter'] as const) {
      const asked = scopes.some((s) => s.kind === 'launch-context' && s.context === context) || (ehr && context === 'patient' && scopes.some((s) => s.kind === 'resource' && s.compartment === 'patient'));
      if (!asked || typeof e.tokenResponse[context] === 'string') continue;
      out.push(
        makeFinding({
          id: 'token-response-missing-launch-context',
          severity: context === 'patient' ? 'error' : 'warning',
          title: `the token response has no ${context} although its launch scope was granted`,
          detail: `granted scope: "${granted}"; token response keys: ${Object.keys(e.tokenResponse).join(', ')}`,
          causes: [`No ${context} was selected in the EHR session or the patient picker.`, `The server maps ${context} context only for some launch types or tenants.`],
          fix: `Launch with a ${context} in context (EHR launch) or request launch/${context} in a standalone launch so the user picks one; report it to the vendor if the scope is granted without context.`,
          spec: 'smart-launch-context',
          exchanges: exchangeIds(responsesAt(e, 'token').filter((r) => r.status === 200)),
        }),
      );
    }
    return out;
  },
};

export const refreshWithoutScope: DiagnosisRule = {
  id: 'granted-scope-lacks-refresh-scope',
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

export const noRefreshTokenDespiteRefreshScope: DiagnosisRule = {
  id: 'no-refresh-token-despite-offline-access',
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
