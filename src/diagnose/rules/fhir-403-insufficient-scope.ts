// FHIR API 403: the granted scopes do not cover the resource (fhir-403-insufficient-scope), or
// the resource is outside the patient in context (fhir-403-outside-patient-context).
import { makeFinding, type Finding } from '../../report/finding.js';
import type { Evidence } from '../evidence.js';
import { describeError, responsesAt, type DiagnosisRule } from '../rule.js';
import { challengeText } from './fhir-401-invalid-token.js';

export const fhirForbidden: DiagnosisRule = {
  id: 'fhir-403-insufficient-scope',
  diagnose(e: Evidence): Finding[] {
    const found = responsesAt(e, 'fhir').filter((x) => x.status === 403);
    if (found.length === 0) return [];
    return found.map((r) => {
      const needed = r.challenge?.params['scope'];
      const what = r.url !== undefined ? new URL(r.url).pathname.split('/').filter(Boolean).slice(-2).join('/') : 'the resource';
      const outsideContext = /patient context|compartment|not permitted/i.test(challengeText(r));
      return makeFinding({
        id: outsideContext ? 'fhir-403-outside-patient-context' : 'fhir-403-insufficient-scope',
        severity: 'error',
        title: outsideContext ? `access to ${what} is outside the patient in context` : `the granted scopes do not cover ${what}`,
        detail: `${describeError(r)}${needed !== undefined ? `\nscope needed: "${needed}"` : ''}${typeof e.tokenResponse?.['scope'] === 'string' ? `\ngranted scope: "${e.tokenResponse['scope']}"` : ''}`,
        causes: outsideContext
          ? ['patient/ scopes only reach the compartment of the patient in context (the token response patient).', 'No patient was bound to the token (launch/patient not requested or not granted).']
          : ['The scope was not requested, or the server trimmed it from the grant (see the scope diff).', 'The scope grammar (v1/v2) does not match what the server enforces.'],
        fix: outsideContext ? 'Read only the in-context patient\'s data, or request launch/patient so a patient is bound.' : `Register and request ${needed !== undefined ? `"${needed}"` : 'a scope for this resource type'}, then re-authorize.`,
        spec: 'smart-scopes',
        exchanges: r.exchangeId === undefined ? undefined : [r.exchangeId],
      });
    });
  },
};
