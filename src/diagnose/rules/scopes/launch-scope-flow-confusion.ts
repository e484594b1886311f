// launch-scope-flow-confusion: the EHR-launch pieces (the "launch" scope and the launch
// parameter echoing the EHR's value) and the standalone ones (launch/patient, no launch
// parameter) were mixed up. A request-shape diagnosis: it explains an authorize failure whose
// words name the launch, contributes to a Cerner launch URN (whose own rule is the root
// cause) or a bare invalid_request, and is otherwise noticed.
import { makeFinding, type Finding } from '../../../report/finding.js';
import type { Evidence } from '../../evidence.js';
import type { DiagnosisRule } from '../../rule.js';
import { answerUrn, authorizeAnswer, authorizeSays, ehrLaunch, isBareInvalidRequest } from '../authorize/authorize-exchange.js';
import { launchShape } from '../authorize/cerner-launch-code-required.js';

// Words naming the launch as the problem (not a scope list echoed back).
const LAUNCH_WORDS = /launch[ _-]?(code|context|parameter|value|id)\b|\b(invalid|missing|unknown|expired) launch\b|\bpatient context\b/i;

/** The mix-ups the request shows, one line each. */
export function launchConfusions(e: Evidence): string[] {
  const s = launchShape(e);
  if (s === undefined) return [];
  const received = ehrLaunch(e)?.launch;
  const ehr = e.launchType === 'ehr' || received !== undefined;
  const standalone = e.launchType === 'standalone';
  const out: string[] = [];
  if (ehr && s.launchParam === undefined) out.push(`an EHR launch (the EHR sent launch${received !== undefined ? ` "${received}"` : ''}) whose authorize request has no launch parameter`);
  if (received !== undefined && s.launchParam !== undefined && s.launchParam !== received) out.push(`launch: expected the value the EHR sent, "${received}", got "${s.launchParam}"`);
  if (standalone && s.launchParam !== undefined) out.push(`a standalone launch that sends launch="${s.launchParam}": launch values come only from an EHR launch`);
  if (!ehr && s.launchScope && s.launchParam === undefined) out.push('the "launch" scope (EHR launch) without a launch parameter: a standalone request asks for launch/patient instead');
  if (s.launchParam !== undefined && s.launchPatient) out.push('both a launch parameter (EHR launch) and launch/patient (standalone patient picker) in one request');
  if (s.patientScopes && s.launchParam === undefined && !s.launchPatient && !s.launchScope) out.push('patient/ scopes with neither a launch parameter nor launch/patient: the server has no way to learn the patient');
  return out;
}

const CERNER_LAUNCH_URN = /:grant:(launch:code-required|launch:invalid-launch-code|missing-patient)$/i;

export const launchScopeFlowConfusion: DiagnosisRule = {
  id: 'launch-scope-flow-confusion',
  phase: 'scopes',
  catalog: ['launch-scope-flow-confusion'],
  diagnose(e: Evidence): Finding[] {
    const confusions = launchConfusions(e);
    if (confusions.length === 0) return [];
    const answer = authorizeAnswer(e);
    const urn = answerUrn(answer);
    const vendorExplains = (urn !== undefined && CERNER_LAUNCH_URN.test(urn.urn)) || ['cerner-launch-code-required', 'cerner-invalid-launch-code', 'cerner-missing-patient-context'].some((id) => authorizeSays(e, id) !== undefined);
    const wordsNameLaunch = answer !== undefined && !vendorExplains && answer.error !== 'invalid_scope' && LAUNCH_WORDS.test(`${answer.description ?? ''} ${answer.via === 'page' ? answer.words : ''}`);
    const role = wordsNameLaunch ? 'root-cause' : vendorExplains || isBareInvalidRequest(answer) ? 'contributing' : 'also-noticed';
    return [
      makeFinding({
        id: 'launch-scope-flow-confusion',
        severity: role === 'also-noticed' ? 'warning' : 'error',
        role,
        basis: wordsNameLaunch ? 'server-words' : 'request-shape',
        title: 'the request mixes up EHR launch and standalone launch',
        detail: [...(wordsNameLaunch && answer !== undefined ? [`the server said: ${JSON.stringify((answer.description ?? answer.words).slice(0, 200))}`] : []), ...confusions].join('\n'),
        causes: [
          'EHR launch: request the "launch" scope and send the launch parameter with the exact value the EHR passed to the launch URL (with aud = its iss).',
          'Standalone launch: send no launch parameter; request launch/patient (or launch/encounter) when the app needs a context.',
        ],
        fix: 'Pick one flow: EHR launch echoes launch and requests the "launch" scope; standalone sends no launch parameter and requests launch/patient.',
        spec: 'smart-launch-context',
      }),
    ];
  },
};
