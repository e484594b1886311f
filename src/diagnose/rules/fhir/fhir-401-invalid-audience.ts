// FHIR 401 because the access token was minted for another audience: Azure "The audience is
// invalid", Oracle HDR "Invalid 'aud' attribute. Expected audience '<x>' does not exist in
// audience '<y>'", or the JWT's aud does not cover this FHIR base. Classified with the rest of
// the 401 family in fhir-401-invalid-token.ts.
import { makeFinding, type Finding } from '../../../report/finding.js';
import type { Evidence } from '../../evidence.js';
import { orderCauses, saidLine, type DiagnosisRule, type RuleOptions } from '../../rule.js';
import { classify401 } from './fhir-401-invalid-token.js';

export const fhirInvalidAudience: DiagnosisRule = {
  id: 'fhir-401-invalid-audience',
  phase: 'fhir',
  catalog: ['fhir-401-invalid-audience'],
  diagnose(e: Evidence, o: RuleOptions): Finding[] {
    const c = classify401(e, o.now);
    if (c?.kind !== 'fhir-401-invalid-audience') return [];
    const hdr = /Expected audience '([^']*)' does not exist in audience '([^']*)'/i.exec(c.text);
    const where = `${c.response.url ?? ''} ${c.text} ${(c.aud ?? []).join(' ')}`;
    return [
      makeFinding({
        id: 'fhir-401-invalid-audience',
        severity: 'error',
        role: 'root-cause',
        basis: c.basis,
        title: c.basis === 'server-words' ? 'the FHIR server says the token is for another audience' : 'the access token is for another audience than this FHIR server',
        detail: [...c.lines, ...(hdr !== null ? [`aud: expected "${hdr[1]}", got "${hdr[2]}"`] : []), ...(c.phrase !== undefined ? [saidLine(c.phrase)] : [])].join('\n'),
        causes: orderCauses(
          [
            { text: 'The aud parameter at authorize was not this FHIR base (or a custom SMART audience was not passed through), so the token was minted for another server.' },
            { text: 'A proxy in front of the FHIR server maps audiences differently from the authorization server.' },
            { text: 'On Azure, the token was requested for another resource: the resource / scope (application ID URI) at Entra differs from the Audience configured on the FHIR service (e.g. https://azurehealthcareapis.com vs https://<name>.azurehealthcareapis.com).', when: /azurehealthcareapis|microsoftonline|The audience is invalid/i },
            { text: 'HealthLake\'s SMART Lambda must return aud equal to the datastore endpoint; its mapping returns another value.', when: /healthlake/i },
          ],
          where,
        ),
        fix: 'Request the token for this FHIR server\'s audience: aud=<this FHIR base> at authorize (on Azure, the FHIR service\'s Audience as resource/scope); fix the proxy or Lambda mapping if one rewrites it.',
        spec: 'rfc6750-www-authenticate',
        exchanges: c.response.exchangeId === undefined ? undefined : [c.response.exchangeId],
      }),
    ];
  },
};
