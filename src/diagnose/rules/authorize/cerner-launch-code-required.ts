// Oracle Health / Cerner: the authorize request was refused with the URN
// smart-v1:grant:launch:code-required ("Launch Code Required"): a provider-persona or
// launch-scoped request without the launch value an EHR launch gives.
import { makeFinding, type Finding } from '../../../report/finding.js';
import { parseScopes } from '../../../protocol/scopes/parse.js';
import { innerAuthorizeUrl, type Evidence } from '../../evidence.js';
import { orderCauses, saidLine, type DiagnosisRule } from '../../rule.js';
import { answerUrn, authorizeAnswer, authorizeParams, describeAnswer, authorizeSays } from './authorize-exchange.js';

/** What the request says about launch: the parameter, the scopes, the persona of the endpoint. */
export function launchShape(e: Evidence): { launchParam?: string | undefined; launchScope: boolean; launchPatient: boolean; patientScopes: boolean; provider: boolean; scope?: string | undefined } | undefined {
  const p = authorizeParams(e);
  if (p === undefined) return undefined;
  const scope = p.get('scope') ?? undefined;
  const scopes = parseScopes(scope ?? '');
  return {
    launchParam: p.get('launch') ?? undefined,
    launchScope: scopes.some((s) => s.kind === 'launch'),
    launchPatient: scopes.some((s) => s.kind === 'launch-context' && s.context === 'patient'),
    patientScopes: scopes.some((s) => s.kind === 'resource' && s.compartment === 'patient'),
    provider: /\/personas\/provider\//i.test(innerAuthorizeUrl(e.authorizeUrl) ?? ''),
    scope,
  };
}

export const cernerLaunchCodeRequired: DiagnosisRule = {
  id: 'cerner-launch-code-required',
  phase: 'authorize',
  catalog: ['cerner-launch-code-required'],
  diagnose(e: Evidence): Finding[] {
    const said = authorizeSays(e, 'cerner-launch-code-required');
    if (said === undefined) return [];
    const answer = authorizeAnswer(e);
    const urn = answerUrn(answer);
    const shape = launchShape(e);
    const lines = [...(answer !== undefined ? [describeAnswer(answer)] : []), saidLine(said.phrase)];
    if (urn?.persona !== undefined || urn?.tenant !== undefined) lines.push(`error_uri: persona=${urn.persona ?? '?'}, tenant=${urn.tenant ?? '?'}${urn.instance !== undefined ? `, instance ${urn.instance} (quote it to Oracle)` : ''}`);
    if (shape !== undefined) lines.push(`the authorize request: launch parameter ${shape.launchParam === undefined ? 'absent' : `"${shape.launchParam}"`}, scope ${JSON.stringify(shape.scope ?? '')}${shape.provider ? ', on the provider persona endpoint' : ''}`);
    const facts = `${shape?.launchScope === true && shape.launchParam === undefined ? 'launch-scope-without-param' : ''} ${shape?.provider === true || urn?.persona === 'provider' ? 'provider-persona' : ''}`;
    return [
      makeFinding({
        id: 'cerner-launch-code-required',
        severity: 'error',
        role: 'root-cause',
        basis: 'server-words',
        title: 'the server requires a launch value (EHR launch) and the request carried none',
        detail: lines.join('\n'),
        causes: orderCauses(
          [
            { text: 'A standalone request asks for the "launch" scope, which belongs to an EHR launch; standalone apps request launch/patient instead.', when: /launch-scope-without-param/ },
            { text: 'A provider-persona app was started standalone: provider apps are launched from the EHR (or Code Console), which passes launch and iss to the launch URL.', when: /provider-persona/ },
            { text: 'An EHR launch that did not echo the launch value it received to the authorize request.' },
          ],
          facts,
        ),
        fix: 'EHR launch: start from Code Console or the EHR and send launch=<the value received> with aud=<iss>. Standalone: drop the "launch" scope, request launch/patient, and use the patient persona endpoint.',
        spec: 'smart-ehr-launch',
        exchanges: answer?.response?.exchangeId !== undefined ? [answer.response.exchangeId] : undefined,
      }),
    ];
  },
};
