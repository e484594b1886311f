// fhirUser granted but the id_token has no fhirUser claim (Azure: the Entra extension
// attribute mapping did not emit it), or the app mishandles an absolute fhirUser (Epic:
// https://.../api/FHIR/R4/Practitioner/abc is allowed by the IG) by appending it to the FHIR
// base. A malformed value (not a URL of Patient/Practitioner/PractitionerRole/RelatedPerson/
// Person) keeps the existing id fhiruser-claim-malformed (protocol/jwt/claims.ts).
import { makeFinding, type Finding } from '../../../report/finding.js';
import { fhirUserFormat } from '../../../protocol/jwt/claims.js';
import { parseScopes } from '../../../protocol/scopes/parse.js';
import type { Evidence, ResponseEvidence } from '../../evidence.js';
import { describeError, exchangeIdOf, messageSays, orderCauses, saidLine, type DiagnosisRule } from '../../rule.js';
import { idTokenRole, receivedIdToken, receivedTokenResponse, shown } from './received-id-token.js';

const ENTRA_ISSUER = /login\.microsoftonline\.com|sts\.windows\.net|b2clogin\.com|ciamlogin\.com/i;

/** A failing FHIR request whose path carries a second absolute URL: an absolute fhirUser appended to the base. */
function doubledBase(e: Evidence, fhirUser: string): ResponseEvidence | undefined {
  if (!fhirUser.includes('://')) return undefined;
  const tail = fhirUser.replace(/^https?:\/\//i, '');
  return e.responses.find((r) => r.endpoint === 'fhir' && r.status >= 400 && r.url !== undefined && /^https?:\/\/.+\/https?:\/?\//i.test(r.url) && r.url.includes(tail));
}

export const fhirUserClaimFormatOrMissing: DiagnosisRule = {
  id: 'fhiruser-claim-format-or-missing',
  phase: 'id-token',
  catalog: ['fhiruser-claim-format-or-missing'],
  siblings: ['fhiruser-claim-malformed'],
  diagnose(e: Evidence): Finding[] {
    const idToken = receivedIdToken(e);
    if (idToken === undefined) return [];
    const claims = idToken.token.payload;
    const tr = receivedTokenResponse(e);
    const granted = typeof tr?.body['scope'] === 'string' ? tr.body['scope'] : undefined;
    const fhirUserGranted = granted !== undefined ? parseScopes(granted).some((s) => s.kind === 'fhirUser') : e.requestedScope !== undefined && parseScopes(e.requestedScope).some((s) => s.kind === 'fhirUser');
    const iss = typeof claims['iss'] === 'string' ? claims['iss'] : '';
    const said = messageSays(e, 'fhiruser-claim-format-or-missing');
    const out: Finding[] = [];
    const fhirUser = claims['fhirUser'];
    if (fhirUser === undefined && claims['profile'] === undefined && fhirUserGranted) {
      const { role, basis } = idTokenRole(e, said !== undefined);
      out.push(
        makeFinding({
          id: 'fhiruser-claim-format-or-missing',
          severity: 'error',
          role,
          basis,
          title: 'fhirUser was granted but the id_token has no fhirUser claim',
          detail: `${granted !== undefined ? `granted scope: "${granted}"` : `requested scope: "${e.requestedScope ?? ''}" (the token response names no scope)`}\nid_token claims: ${Object.keys(claims).join(', ')}; expected a fhirUser claim (SMART: when fhirUser is granted the id_token includes it), got none${iss !== '' ? `\nissuer: "${iss}"` : ''}${said !== undefined ? `\n${saidLine(said.phrase)}` : ''}`,
          causes: orderCauses(
            [
              { text: 'The signed-in user has no linked FHIR resource (Patient/Practitioner), so the server has no fhirUser to issue.' },
              { text: 'The server does not implement the fhirUser claim although it accepts the scope.' },
              { text: 'Microsoft Entra ID emits fhirUser only through an extension attribute on the user and an optional-claim mapping on the app registration; one of the two is missing (the claim must be mapped for the id_token, not only the access token).', when: ENTRA_ISSUER },
            ],
            iss,
          ),
          fix: ENTRA_ISSUER.test(iss) ? 'Set the fhirUser extension attribute on the user and map it as an optional claim of the id_token in the app registration (Azure SMART sample: set-fhir-user-mapping), then sign in again.' : 'Link the user to a FHIR resource on the server, or report the missing claim to the vendor; the app can fall back to the profile claim only on SMART v1 servers.',
          spec: 'smart-fhiruser',
        }),
      );
    }
    if (typeof fhirUser === 'string') {
      const doubled = doubledBase(e, fhirUser);
      if (doubled !== undefined) {
        out.push(
          makeFinding({
            id: 'fhiruser-claim-format-or-missing',
            severity: 'error',
            role: 'root-cause',
            basis: 'request-shape',
            title: 'the app appended an absolute fhirUser URL to the FHIR base',
            detail: `id_token fhirUser: "${fhirUser}" (an absolute URL, which the SMART IG allows)\n${describeError(doubled)}: expected a request to "${fhirUser}" or to its relative form "${fhirUser.split('/').slice(-2).join('/')}", got the base and the whole URL joined`,
            causes: ['The app treats fhirUser as relative (Type/id); servers such as Epic issue an absolute URL.'],
            fix: `Accept both forms: when fhirUser is absolute, request it as is (or normalise it to "${fhirUser.split('/').slice(-2).join('/')}" against the FHIR base); client-js does fhirUser.split("/").slice(-2).join("/").`,
            spec: 'smart-fhiruser',
            exchanges: exchangeIdOf(doubled),
          }),
        );
      }
    }
    for (const f of fhirUserFormat(idToken.token)) {
      const { role, basis } = idTokenRole(e, false);
      out.push({ ...f, role: f.severity === 'error' ? role : 'also-noticed', basis, detail: `${f.detail}\niss: ${shown(claims['iss'])}` });
    }
    return out;
  },
};
