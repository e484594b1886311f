// Oracle Health / Cerner: the authorize request was refused with the URN
// smart-v1:grant:launch:invalid-launch-code: the launch value is not one the EHR issued
// (made up in a standalone flow), or it expired or was already used.
import { makeFinding, type Finding } from '../../../report/finding.js';
import type { Evidence } from '../../evidence.js';
import { orderCauses, saidLine, type DiagnosisRule } from '../../rule.js';
import { answerUrn, authorizeAnswer, describeAnswer, authorizeSays, ehrLaunch } from './authorize-exchange.js';
import { launchShape } from './cerner-launch-code-required.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const cernerInvalidLaunchCode: DiagnosisRule = {
  id: 'cerner-invalid-launch-code',
  phase: 'authorize',
  catalog: ['cerner-invalid-launch-code'],
  diagnose(e: Evidence): Finding[] {
    const said = authorizeSays(e, 'cerner-invalid-launch-code');
    if (said === undefined) return [];
    const answer = authorizeAnswer(e);
    const urn = answerUrn(answer);
    const shape = launchShape(e);
    const received = ehrLaunch(e)?.launch;
    const lines = [...(answer !== undefined ? [describeAnswer(answer)] : []), saidLine(said.phrase)];
    if (urn?.instance !== undefined) lines.push(`instance ${urn.instance}${urn.persona !== undefined ? `, persona=${urn.persona}` : ''} (quote it to Oracle)`);
    if (shape?.launchParam !== undefined) lines.push(`launch: sent "${shape.launchParam}"${received !== undefined ? `, the EHR gave "${received}"` : ', and no EHR launch of the app is in the evidence'}`);
    const facts = [
      e.launchType === 'standalone' || (ehrLaunch(e) === undefined && shape?.launchParam !== undefined) ? 'standalone' : '',
      shape?.launchParam !== undefined && UUID.test(shape.launchParam) ? 'made-up' : '',
      received !== undefined && shape?.launchParam !== undefined && received !== shape.launchParam ? 'not-echoed' : '',
    ].join(' ');
    return [
      makeFinding({
        id: 'cerner-invalid-launch-code',
        severity: 'error',
        role: 'root-cause',
        basis: 'server-words',
        title: 'the launch value is not one the EHR issued (or it expired or was used)',
        detail: lines.join('\n'),
        causes: orderCauses(
          [
            { text: 'The launch value sent is not the one the EHR passed to the launch URL.', when: /not-echoed/ },
            { text: 'A standalone flow sent a launch parameter it made up (a random UUID): launch values come only from an EHR launch.', when: /standalone|made-up/ },
            { text: 'The launch value expired or was already used: it is short-lived and single-use.' },
          ],
          facts,
        ),
        fix: 'Standalone: omit the launch parameter and the "launch" scope, and request launch/patient. EHR launch: echo the exact launch value received, promptly and once.',
        spec: 'smart-ehr-launch',
        exchanges: answer?.response?.exchangeId !== undefined ? [answer.response.exchangeId] : undefined,
      }),
    ];
  },
};
