// FHIR 401 because the access token expired: the server says so (RFC 6750 invalid_token with
// "expired", Oracle HDR "BAD_TOKEN ... Expired JWT", Millennium "Token has expired or signature is
// invalid"), or the token's exp / the token response's expires_in has passed by the time of the
// request. Classified with the rest of the 401 family in fhir-401-invalid-token.ts.
import { makeFinding, type Finding } from '../../../report/finding.js';
import type { Evidence } from '../../evidence.js';
import { orderCauses, saidLine, type DiagnosisRule, type RuleOptions } from '../../rule.js';
import { classify401 } from './fhir-401-invalid-token.js';

export const fhirExpiredToken: DiagnosisRule = {
  id: 'fhir-401-expired-token',
  phase: 'fhir',
  catalog: ['fhir-401-expired-token'],
  diagnose(e: Evidence, o: RuleOptions): Finding[] {
    const c = classify401(e, o.now);
    if (c?.kind !== 'fhir-401-expired-token') return [];
    const refresh = e.tokenResponse?.['refresh_token'] !== undefined;
    return [
      makeFinding({
        id: 'fhir-401-expired-token',
        // exp before the later time of explain, with no time of the 401, only suggests expiry.
        severity: c.sure ? 'error' : 'warning',
        role: 'root-cause',
        basis: c.basis,
        title: c.basis === 'server-words' ? 'the FHIR server says the access token expired' : 'the access token had expired when the FHIR request was made',
        detail: [...c.lines, ...(c.phrase !== undefined ? [saidLine(c.phrase)] : [])].join('\n'),
        causes: orderCauses(
          [
            { text: 'The token lived past expires_in: the app did not refresh before expiry (Millennium tokens live 570 s; the IG advises at most an hour).' },
            { text: 'The server could not verify the token\'s signature (it says "expired or signature is invalid"): a token from another environment or a rotated key.', when: /signature/i },
            { text: 'The clocks of the client and the server disagree, so the app thinks the token is still valid.' },
          ],
          c.text,
        ),
        fix: `${refresh ? 'Refresh the token (a refresh_token is there) ' : 'Re-authorize (no refresh_token: request offline_access or online_access to refresh) '}before expires_in runs out, tracking expires_in against the local clock, and retry once on a 401.`,
        spec: 'rfc6750-www-authenticate',
        exchanges: c.response.exchangeId === undefined ? undefined : [c.response.exchangeId],
      }),
    ];
  },
};
