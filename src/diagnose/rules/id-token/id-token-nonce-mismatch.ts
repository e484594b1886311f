// The id_token nonce is not the nonce the authorize request sent, or is missing although one
// was sent (OpenID Connect Core §3.1.3.7 step 11): from the app's words (openid-client,
// oauth4webapi, AppAuth ...) or by comparing the authorize URL's nonce with the id_token.
import { makeFinding, type Finding } from '../../../report/finding.js';
import { lintIdToken } from '../../../protocol/jwt/id-token.js';
import type { Evidence } from '../../evidence.js';
import { exchangeIdOf, messageSays, orderCauses, saidLine, type DiagnosisRule, type RuleOptions } from '../../rule.js';
import { idTokenRole, receivedIdToken, shown } from './received-id-token.js';

export const idTokenNonceMismatch: DiagnosisRule = {
  id: 'id-token-nonce-mismatch',
  phase: 'id-token',
  catalog: ['id-token-nonce-mismatch'],
  diagnose(e: Evidence, o: RuleOptions): Finding[] {
    const said = messageSays(e, 'id-token-nonce-mismatch');
    const idToken = receivedIdToken(e);
    const structural = idToken !== undefined && e.sentNonce !== undefined ? lintIdToken(idToken.token, { nonce: e.sentNonce, now: o.now }).find((f) => f.id === 'id-token-nonce-mismatch') : undefined;
    if (said === undefined && structural === undefined) return [];
    const got = idToken?.token.payload['nonce'];
    const absent = (idToken !== undefined && got === undefined) || /got:? (undefined|null|none)\b|nonce: undefined|nonce from token \(\)/i.test(said?.message ?? '');
    const { role, basis } = idTokenRole(e, said !== undefined);
    const lines = [
      ...(e.sentNonce !== undefined ? [`nonce sent in the authorize request: "${e.sentNonce}"`] : []),
      ...(idToken !== undefined ? [`id_token nonce: expected ${e.sentNonce !== undefined ? `"${e.sentNonce}"` : 'the nonce sent'}, got ${shown(got)}`] : []),
      ...(said !== undefined ? [`the app said ${JSON.stringify(said.message)}`, saidLine(said.phrase)] : []),
    ];
    return [
      makeFinding({
        id: 'id-token-nonce-mismatch',
        severity: 'error',
        role,
        basis,
        title: absent ? 'the id_token carries no nonce although the authorize request sent one' : 'the id_token nonce does not match the nonce sent',
        detail: lines.join('\n'),
        causes: orderCauses(
          [
            { text: 'The server does not echo the nonce into the id_token (OpenID Connect requires it when one was sent): report it to the vendor.', when: /^absent$/ },
            { text: 'The state and nonce came from different attempts: the app started a second login (another tab, a retry, a silent renew) and validated the answer of one against the nonce of the other.', when: /^present$/ },
            { text: 'An old or replayed id_token was validated (a cached token response, a refresh response whose id_token kept the first nonce).' },
            { text: 'The app stores the nonce where the callback cannot read it (another origin, a cleared session storage).' },
          ],
          absent ? 'absent' : 'present',
        ),
        fix: 'Keep the nonce with the state of the same attempt and compare the id_token nonce with that one; report servers that drop the nonce.',
        spec: 'oidc-nonce',
        exchanges: idToken?.response !== undefined ? exchangeIdOf(idToken.response) : undefined,
      }),
    ];
  },
};
