// patient/ scopes reach only the compartment of the patient in context: a request for another
// patient is refused (LinuxForHealth 403 "Interaction with 'Patient/123abc' is not permitted under
// patient context"), and without a patient claim the server cannot enforce them at all (Azure
// FHIR 400 "Cannot enforce 'patient/*' claims without a launch context."). From the server's words,
// or from the request's patient against the token response's patient.
import { makeFinding, type Finding } from '../../../report/finding.js';
import { parseScopes } from '../../../protocol/scopes/parse.js';
import type { Evidence, ResponseEvidence } from '../../evidence.js';
import { describeError, orderCauses, responsesAt, saidLine, serverWords, vendorSays, type DiagnosisRule } from '../../rule.js';
import { challengeText, saidQuote } from './fhir-401-invalid-token.js';
import { OUTSIDE_CONTEXT_WORDS } from './fhir-403-insufficient-scope.js';

/** The patient a FHIR request targets: Patient/<id> in the path, or ?patient= / ?subject=Patient/ in the query. */
function targetPatient(r: ResponseEvidence): string | undefined {
  if (r.url === undefined || !URL.canParse(r.url)) return undefined;
  const u = new URL(r.url);
  const path = /\/Patient\/([A-Za-z0-9\-.]{1,64})(\/|$)/.exec(u.pathname)?.[1];
  const q = u.searchParams.get('patient') ?? u.searchParams.get('subject') ?? u.searchParams.get('subject:Patient');
  return path ?? q?.replace(/^Patient\//, '') ?? undefined;
}

export const fhirOutsidePatientContext: DiagnosisRule = {
  id: 'fhir-403-outside-patient-context',
  phase: 'fhir',
  catalog: ['fhir-403-outside-patient-context'],
  diagnose(e: Evidence): Finding[] {
    const granted = typeof e.tokenResponse?.['scope'] === 'string' ? e.tokenResponse['scope'] : undefined;
    const patientScopes = granted !== undefined && parseScopes(granted).some((s) => s.kind === 'resource' && s.compartment === 'patient');
    const inContext = typeof e.tokenResponse?.['patient'] === 'string' ? e.tokenResponse['patient'].replace(/^Patient\//, '') : undefined;
    const r = responsesAt(e, 'fhir').find((x) => (x.status === 403 || x.status === 400 || x.status === 401) && (OUTSIDE_CONTEXT_WORDS.test(`${serverWords(x)} ${challengeText(x)}`) || vendorSays(x, 'fhir-403-outside-patient-context') !== undefined))
      ?? responsesAt(e, 'fhir').find((x) => (x.status === 403 || x.status === 401) && patientScopes && inContext !== undefined && targetPatient(x) !== undefined && targetPatient(x) !== inContext);
    if (r === undefined) return [];
    const words = `${serverWords(r)} ${challengeText(r)}`;
    const said = OUTSIDE_CONTEXT_WORDS.test(words);
    const phrase = vendorSays(r, 'fhir-403-outside-patient-context');
    const target = targetPatient(r);
    const noPatient = patientScopes && inContext === undefined && e.tokenResponse !== undefined;
    const context = `${words} ${noPatient ? 'no-patient-bound' : ''} ${target !== undefined && inContext !== undefined && target !== inContext ? 'other-patient' : ''}`;
    return [
      makeFinding({
        id: 'fhir-403-outside-patient-context',
        severity: 'error',
        role: 'root-cause',
        basis: said || phrase !== undefined ? 'server-words' : 'request-shape',
        title: target !== undefined && inContext !== undefined && target !== inContext ? `the request reads Patient/${target}, but the patient in context is Patient/${inContext}` : /without a launch context/i.test(words) || noPatient ? 'patient/ scopes were used without a patient in context' : `access to ${target !== undefined ? `Patient/${target}` : 'this resource'} is outside the patient in context`,
        detail: [
          describeError(r),
          ...saidQuote(r),
          ...(granted !== undefined ? [`granted scope: "${granted}"`] : []),
          `patient in context (token response): ${inContext !== undefined ? `"${inContext}"` : e.tokenResponse !== undefined ? 'none' : 'unknown'}${target !== undefined ? `; the request targets "${target}"` : ''}`,
          ...(phrase !== undefined ? [saidLine(phrase)] : []),
        ].join('\n'),
        causes: orderCauses(
          [
            { text: 'No patient was bound to the token: launch/patient was not requested (standalone) or not mapped into the token (an authorization server without the SMART patient claim).', when: /no-patient-bound|without a launch context/i },
            { text: 'The request targets another patient than the one in context (a hard-coded or prefilled id): patient/ scopes reach only the in-context patient\'s compartment.', when: /other-patient|not permitted under patient context/i },
            { text: 'The resource is outside the patient compartment altogether (it does not reference the patient), so patient/ scopes cannot reach it.' },
          ],
          context,
        ),
        fix: 'Read only the in-context patient\'s data (the token response patient), and request launch/patient so a patient is bound; use user/ scopes to reach other patients.',
        spec: 'fhir-patient-compartment',
        exchanges: r.exchangeId === undefined ? undefined : [r.exchangeId],
      }),
    ];
  },
};
