// The id_token aud does not contain the client id, or several audiences come without azp =
// client id (OpenID Connect Core §3.1.3.7 steps 3-5): from the app's words or from the
// id_token against the client id of the authorize request.
import { makeFinding, type Finding } from '../../../report/finding.js';
import { audiences } from '../../../protocol/jwt/decode.js';
import { lintIdToken } from '../../../protocol/jwt/id-token.js';
import type { Evidence } from '../../evidence.js';
import { exchangeIdOf, messageSays, orderCauses, saidLine, type DiagnosisRule, type RuleOptions } from '../../rule.js';
import { idTokenRole, receivedIdToken, shown } from './received-id-token.js';

export const idTokenAudAzpMismatch: DiagnosisRule = {
  id: 'id-token-aud-azp-mismatch',
  phase: 'id-token',
  catalog: ['id-token-aud-azp-mismatch'],
  diagnose(e: Evidence, o: RuleOptions): Finding[] {
    const said = messageSays(e, 'id-token-aud-azp-mismatch');
    const idToken = receivedIdToken(e);
    const structural = idToken !== undefined && e.clientId !== undefined ? lintIdToken(idToken.token, { clientId: e.clientId, now: o.now }).filter((f) => f.id === 'id-token-aud-azp-mismatch') : [];
    if (said === undefined && structural.length === 0) return [];
    const aud = idToken === undefined ? [] : audiences(idToken.token.payload);
    const azp = idToken?.token.payload['azp'];
    const audIsUrl = aud.some((a) => /^https?:\/\//i.test(a));
    const onlyAzp = structural.length > 0 && e.clientId !== undefined && aud.includes(e.clientId);
    const { role, basis } = idTokenRole(e, said !== undefined);
    const words = `${said?.message ?? ''} ${audIsUrl ? 'url-audience' : ''} ${onlyAzp ? 'azp' : ''}`;
    return [
      makeFinding({
        id: 'id-token-aud-azp-mismatch',
        // Several audiences without azp is a SHOULD: a warning unless the app rejected the token for it.
        severity: onlyAzp && said === undefined ? 'warning' : 'error',
        role,
        basis,
        title: onlyAzp ? 'the id_token has several audiences but azp is not the client id' : 'the id_token aud does not contain the client id',
        detail: [
          ...(idToken !== undefined ? [`id_token aud: expected to contain ${e.clientId !== undefined ? `"${e.clientId}"` : 'the client id'}, got ${aud.length === 0 ? 'none' : aud.map((a) => `"${a}"`).join(', ')}; azp: ${shown(azp)}`] : []),
          ...structural.map((f) => f.detail),
          ...(said !== undefined ? [`the app said ${JSON.stringify(said.message)}`, saidLine(said.phrase)] : []),
        ].join('\n'),
        causes: orderCauses(
          [
            { text: 'The app is configured with another client id than the one the server registered (sandbox vs production, a copied id).' },
            { text: 'The id_token was issued to another client (a token from another app or environment was validated).' },
            { text: 'The server put the resource (the FHIR base or an API audience) in the id_token aud instead of the client id.', when: /url-audience|expected .*got:? "?https?:/i },
            { text: 'With several audiences, the server left out azp (or set it to another party): OpenID Connect asks for azp = client id then.', when: /\bazp\b/i },
          ],
          words,
        ),
        fix: 'Configure the app with the client id the server registered for this environment; if aud is the FHIR base or another resource, report it to the vendor: an id_token is for the client.',
        spec: 'oidc-id-token-validation',
        exchanges: idToken?.response !== undefined ? exchangeIdOf(idToken.response) : undefined,
      }),
    ];
  },
};
