// Oracle Health / Cerner: access_denied at authorize whose error_uri names grant:missing-patient:
// patient/ scopes without a patient context (no launch, no launch/patient, aud != iss).
import { makeFinding, type Finding } from '../../../report/finding.js';
import { parseVendorErrorUri } from '../../../protocol/oauth-error.js';
import type { OAuthError } from '../../../protocol/oauth-error.js';
import type { Evidence } from '../../evidence.js';
import { orderCauses, saidLine, type DiagnosisRule } from '../../rule.js';
import { authorizeAnswer, authorizeParams, describeAnswer, authorizeSays, ehrLaunch } from './authorize-exchange.js';
import { launchShape } from './cerner-launch-code-required.js';

export function authorizeErrorOf(e: Evidence): OAuthError | undefined {
  return e.callbackError ?? e.responses.find((r) => (r.endpoint === 'authorize' || r.endpoint === 'callback') && r.oauthError !== undefined)?.oauthError;
}

export function isMissingPatient(err: OAuthError | undefined): boolean {
  return /:grant:missing-patient$/i.test(parseVendorErrorUri(err?.error_uri)?.urn ?? '');
}

export const cernerMissingPatientContext: DiagnosisRule = {
  id: 'cerner-missing-patient-context',
  phase: 'authorize',
  catalog: ['cerner-missing-patient-context'],
  diagnose(e: Evidence): Finding[] {
    const said = authorizeSays(e, 'cerner-missing-patient-context');
    if (said === undefined) return [];
    const answer = authorizeAnswer(e);
    const shape = launchShape(e);
    const iss = ehrLaunch(e)?.iss;
    const aud = authorizeParams(e)?.get('aud') ?? undefined;
    const lines = [...(answer !== undefined ? [describeAnswer(answer)] : []), saidLine(said.phrase)];
    if (shape !== undefined) lines.push(`the authorize request: launch ${shape.launchParam === undefined ? 'absent' : 'present'}, scope ${JSON.stringify(shape.scope ?? '')}, launch/patient ${shape.launchPatient ? 'requested' : 'not requested'}${aud !== undefined ? `, aud "${aud}"` : ''}`);
    if (iss !== undefined && aud !== undefined && iss !== aud) lines.push(`aud: expected the launch iss "${iss}", got "${aud}"`);
    const facts = [
      shape?.launchScope === true && shape.launchParam === undefined ? 'ehr-no-echo' : '',
      shape !== undefined && shape.launchParam === undefined && !shape.launchPatient && !shape.launchScope ? 'standalone-no-picker' : '',
      iss !== undefined && aud !== undefined && iss !== aud ? 'aud-not-iss' : '',
    ].join(' ');
    return [
      makeFinding({
        id: 'cerner-missing-patient-context',
        severity: 'error',
        role: 'root-cause',
        basis: 'server-words',
        title: 'patient/ scopes were requested without a patient context (grant:missing-patient)',
        detail: lines.join('\n'),
        causes: orderCauses(
          [
            { text: 'An EHR launch that sent an aud other than the iss: Oracle staff say the app must send the iss as aud.', when: /aud-not-iss/ },
            { text: 'An EHR launch that did not echo the launch value it received (the "launch" scope is there, the launch parameter is not).', when: /ehr-no-echo/ },
            { text: 'A standalone launch that asks for patient/ scopes without launch/patient, so no patient picker runs.', when: /standalone-no-picker/ },
          ],
          facts,
        ),
        fix: 'EHR launch: send launch=<the value received> and aud=<iss>. Standalone: add launch/patient to the scope so the user picks a patient.',
        spec: 'smart-launch-context',
        exchanges: answer?.response?.exchangeId !== undefined ? [answer.response.exchangeId] : undefined,
      }),
    ];
  },
};
