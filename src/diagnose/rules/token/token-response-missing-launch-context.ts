// Launch context scopes granted, but the token response carries no patient/encounter
// (SMART scopes-and-launch-context).
import { makeFinding, type Finding } from '../../../report/finding.js';
import { parseScopes } from '../../../protocol/scopes/parse.js';
import type { Evidence } from '../../evidence.js';
import { responsesAt, exchangeIds, grantedScopeOf, type DiagnosisRule } from '../../rule.js';

export const missingLaunchContext: DiagnosisRule = {
  id: 'token-response-missing-launch-context',
  phase: 'token',
  catalog: ['token-response-missing-launch-context'],
  diagnose(e: Evidence): Finding[] {
    const granted = grantedScopeOf(e);
    if (e.tokenResponse === undefined || granted === undefined) return [];
    const scopes = parseScopes(granted);
    const ehr = scopes.some((s) => s.kind === 'launch');
    const out: Finding[] = [];
    for (const context of ['patient', 'encounter'] as const) {
      const asked = scopes.some((s) => s.kind === 'launch-context' && s.context === context) || (ehr && context === 'patient' && scopes.some((s) => s.kind === 'resource' && s.compartment === 'patient'));
      if (!asked || typeof e.tokenResponse[context] === 'string') continue;
      out.push(
        makeFinding({
          id: 'token-response-missing-launch-context',
          severity: context === 'patient' ? 'error' : 'warning',
          role: context === 'patient' ? 'root-cause' : 'contributing',
          basis: 'server-words',
          title: `the token response has no ${context} although its launch scope was granted`,
          detail: `granted scope: "${granted}"; token response keys: ${Object.keys(e.tokenResponse).join(', ')}`,
          causes: [`No ${context} was selected in the EHR session or the patient picker.`, `The server maps ${context} context only for some launch types or tenants.`],
          fix: `Launch with a ${context} in context (EHR launch) or request launch/${context} in a standalone launch so the user picks one; report it to the vendor if the scope is granted without context.`,
          spec: 'smart-launch-context',
          exchanges: exchangeIds(responsesAt(e, 'token').filter((r) => r.status === 200)),
        }),
      );
    }
    return out;
  },
};
