// FHIR API 403: the granted scopes do not cover the resource (fhir-403-insufficient-scope), or
// the resource is outside the patient in context (fhir-403-outside-patient-context).
import { makeFinding, type Finding } from '../../../report/finding.js';
import type { Evidence } from '../../evidence.js';
import { describeError, responsesAt, serverWords, type DiagnosisRule } from '../../rule.js';
import { grantsAccess } from '../../../protocol/scopes/access.js';
import { parseScopes } from '../../../protocol/scopes/parse.js';
import type { ResponseEvidence } from '../../evidence.js';

/** The resource type a FHIR URL reads (the segment before an id, or the last one), if it looks like one. */
function resourceTypeOf(url: string | undefined): string | undefined {
  if (url === undefined || !URL.canParse(url)) return undefined;
  const segments = new URL(url).pathname.split('/').filter(Boolean);
  return [...segments].reverse().find((s) => /^[A-Z][A-Za-z]+$/.test(s));
}

/** Does the granted scope (when known) leave this resource type uncovered? undefined when unknown. */
function grantMisses(r: ResponseEvidence, granted: string | undefined): boolean | undefined {
  const type = resourceTypeOf(r.url);
  if (granted === undefined || type === undefined) return undefined;
  const interaction = (r.method ?? 'GET') === 'GET' ? (r.url !== undefined && new URL(r.url).pathname.endsWith(type) ? 's' : 'r') : r.method === 'POST' ? 'c' : r.method === 'DELETE' ? 'd' : 'u';
  return !grantsAccess(parseScopes(granted), { resourceType: type, interaction });
}
import { challengeText } from './fhir-401-invalid-token.js';

export const fhirForbidden: DiagnosisRule = {
  id: 'fhir-403-insufficient-scope',
  phase: 'fhir',
  catalog: ['fhir-403-insufficient-scope', 'fhir-403-outside-patient-context'],
  diagnose(e: Evidence): Finding[] {
    const found = responsesAt(e, 'fhir').filter((x) => x.status === 403);
    if (found.length === 0) return [];
    const granted = typeof e.tokenResponse?.['scope'] === 'string' ? e.tokenResponse['scope'] : undefined;
    return found.flatMap((r) => {
      const needed = r.challenge?.params['scope'];
      const words = serverWords(r);
      const saysScope = /insufficient[_ -]?scope|no_scope_for_resource_path|\bscope/i.test(words) || needed !== undefined;
      const misses = grantMisses(r, granted);
      const outsideWords = /patient context|compartment|not permitted under|launch context/i.test(challengeText(r));
      // A bare 403 says nothing of why: without the server's words or a grant that visibly misses the resource, abstain.
      if (!saysScope && !outsideWords && misses !== true) return [];
      const what = r.url !== undefined ? new URL(r.url).pathname.split('/').filter(Boolean).slice(-2).join('/') : 'the resource';
      const outsideContext = outsideWords;
      return [makeFinding({
        id: outsideContext ? 'fhir-403-outside-patient-context' : 'fhir-403-insufficient-scope',
        severity: 'error',
        role: 'root-cause',
        basis: saysScope || outsideWords ? 'server-words' : 'request-shape',
        title: outsideContext ? `access to ${what} is outside the patient in context` : `the granted scopes do not cover ${what}`,
        detail: `${describeError(r)}${needed !== undefined ? `\nscope needed: "${needed}"` : ''}${typeof e.tokenResponse?.['scope'] === 'string' ? `\ngranted scope: "${e.tokenResponse['scope']}"` : ''}`,
        causes: outsideContext
          ? ['patient/ scopes only reach the compartment of the patient in context (the token response patient).', 'No patient was bound to the token (launch/patient not requested or not granted).']
          : ['The scope was not requested, or the server trimmed it from the grant (see the scope diff).', 'The scope grammar (v1/v2) does not match what the server enforces.'],
        fix: outsideContext ? 'Read only the in-context patient\'s data, or request launch/patient so a patient is bound.' : `Register and request ${needed !== undefined ? `"${needed}"` : 'a scope for this resource type'}, then re-authorize.`,
        spec: 'smart-scopes',
        exchanges: r.exchangeId === undefined ? undefined : [r.exchangeId],
      })];
    });
  },
};
