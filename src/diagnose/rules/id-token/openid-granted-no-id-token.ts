// openid granted (or requested, with no scope in the answer) but no id_token: a server defect,
// distinct from openid-scope-dropped (catalog openid-not-granted-no-id-token, detect: "openid ∈
// granted and no id_token → a server defect"). OpenID Connect Core §3.1.3.3: a successful token
// response to an openid request contains an id_token.
import { makeFinding, type Finding } from '../../../report/finding.js';
import { parseScopes } from '../../../protocol/scopes/parse.js';
import { grantTypeOf, type Evidence } from '../../evidence.js';
import { exchangeIds, responsesAt, type DiagnosisRule } from '../../rule.js';
import { receivedTokenResponse } from './received-id-token.js';

const hasOpenid = (scope: string | undefined): boolean => scope !== undefined && parseScopes(scope).some((s) => s.kind === 'openid');

export const openidGrantedNoIdToken: DiagnosisRule = {
  id: 'openid-granted-no-id-token',
  phase: 'id-token',
  catalog: ['openid-not-granted-no-id-token'],
  diagnose(e: Evidence): Finding[] {
    const tr = receivedTokenResponse(e);
    if (tr === undefined || tr.body['id_token'] !== undefined || typeof tr.body['access_token'] !== 'string') return [];
    // Backend services (client_credentials) never get an id_token.
    if (e.launchType === 'backend' || responsesAt(e, 'token').some((r) => grantTypeOf(r) === 'client_credentials')) return [];
    const granted = typeof tr.body['scope'] === 'string' ? tr.body['scope'] : undefined;
    const exchanges = exchangeIds(responsesAt(e, 'token').filter((r) => r.status === 200));
    // The request must be known: a pasted answer without it may be a refresh answer, where id_token is optional.
    if (hasOpenid(granted) && hasOpenid(e.requestedScope)) {
      return [
        makeFinding({
          id: 'openid-granted-no-id-token',
          severity: 'error',
          role: 'root-cause',
          basis: 'request-shape',
          title: 'openid was granted but the token response has no id_token',
          detail: `granted scope: "${granted}"; token response keys: ${Object.keys(tr.body).join(', ')}; expected an id_token beside the access_token (OpenID Connect Core §3.1.3.3)`,
          causes: [
            'The server does not implement OpenID Connect for this client or endpoint although it echoes the openid scope (a server defect to report to the vendor).',
            'A proxy or gateway between the app and the authorization server strips id_token from the answer.',
            'The app read a refresh response (where id_token is optional) instead of the authorization-code response.',
          ],
          fix: 'Report the answer to the vendor with its correlation id: a grant that includes openid must carry an id_token. Until then the app cannot identify the user; do not fall back to guessing the user from the access token.',
          spec: 'oidc-token-response',
          exchanges,
        }),
      ];
    }
    // No scope in the answer: RFC 6749 §5.1 reads that as "as requested", SMART requires scope. Either way nobody knows what was granted.
    if (granted === undefined && hasOpenid(e.requestedScope)) {
      return [
        makeFinding({
          id: 'openid-granted-no-id-token',
          severity: 'warning',
          role: 'root-cause',
          basis: 'circumstance',
          title: 'openid was requested, no id_token came back, and the token response does not say which scopes were granted',
          detail: `requested scope: "${e.requestedScope}"; the token response has no scope (SMART requires it), so whether openid was granted cannot be told; token response keys: ${Object.keys(tr.body).join(', ')}`,
          causes: [
            'The server trimmed openid from the grant without saying so (it omits scope, which SMART requires).',
            'The server granted openid but does not issue id_tokens for this client or endpoint.',
          ],
          fix: 'Ask the vendor which scopes this grant holds (introspect the access token if the server offers it), and check that the app registration enables OpenID Connect in this environment.',
          spec: 'smart-token-response',
          exchanges,
        }),
      ];
    }
    return [];
  },
};
