// FHIR API 403 because the granted scopes do not cover the resource or interaction: the server
// says so (RFC 6750 insufficient_scope, Millennium urn:cerner:error:oauth2:resource-access:
// insufficient-scopes / no_scope_for_resource_path, LinuxForHealth "not permitted by any of the
// passed scopes"), or the grant visibly misses the resource (a 403 on a resource the grant never
// covered is explained by the grant). A bare 403 with neither is unknown: abstain. Outside the
// patient compartment is fhir-403-outside-patient-context.ts.
import { makeFinding, type Finding } from '../../../report/finding.js';
import { grantsAccess } from '../../../protocol/scopes/access.js';
import { parseScopes, type Interaction } from '../../../protocol/scopes/parse.js';
import type { Evidence, ResponseEvidence } from '../../evidence.js';
import { describeError, orderCauses, responsesAt, saidLine, serverWords, vendorSays, type DiagnosisRule } from '../../rule.js';
import { challengeText, saidQuote } from './fhir-401-invalid-token.js';

/** The resource type a FHIR URL reads (the segment before an id, or the last one), if it looks like one. */
export function resourceTypeOf(url: string | undefined): string | undefined {
  if (url === undefined || !URL.canParse(url)) return undefined;
  const segments = new URL(url).pathname.split('/').filter(Boolean);
  return [...segments].reverse().find((s) => /^[A-Z][A-Za-z]+$/.test(s));
}

/** The SMART v2 interaction a request needs: search on a type, read on an instance, c/u/d by method. */
function interactionOf(r: ResponseEvidence, type: string): Interaction {
  const method = (r.method ?? 'GET').toUpperCase();
  if (method === 'GET') return r.url !== undefined && new URL(r.url).pathname.replace(/\/$/, '').endsWith(`/${type}`) ? 's' : 'r';
  return method === 'POST' ? 'c' : method === 'DELETE' ? 'd' : 'u';
}

/** Whether a scope string covers the request; undefined when the scope or the resource is unknown. */
export function scopeCovers(r: ResponseEvidence, scope: string | undefined): boolean | undefined {
  const type = resourceTypeOf(r.url);
  if (scope === undefined || type === undefined) return undefined;
  return grantsAccess(parseScopes(scope), { resourceType: type, interaction: interactionOf(r, type) });
}

/** The scope that would cover the request, in the syntax of the grant (v1 .read/.write, v2 .cruds). */
function neededScope(r: ResponseEvidence, granted: string | undefined): string | undefined {
  const type = resourceTypeOf(r.url);
  if (type === undefined) return undefined;
  const compartment = granted !== undefined && /\bpatient\//.test(granted) && !/\buser\//.test(granted) ? 'patient' : granted !== undefined && /\bsystem\//.test(granted) ? 'system' : 'user';
  const i = interactionOf(r, type);
  const v1 = granted !== undefined && /\.(read|write|\*)(\s|$)/.test(granted);
  return v1 ? `${compartment}/${type}.${i === 'r' || i === 's' ? 'read' : 'write'}` : `${compartment}/${type}.${i === 'r' || i === 's' ? 'rs' : i}`;
}

/** "Observation (search)", "Patient/123", or "the resource" when the URL is unknown. */
function describeTarget(r: ResponseEvidence): string {
  const type = resourceTypeOf(r.url);
  if (type === undefined || r.url === undefined) return 'the resource';
  const segments = new URL(r.url).pathname.split('/').filter(Boolean);
  const i = segments.lastIndexOf(type);
  const id = segments[i + 1];
  return id !== undefined ? `${type}/${id}` : `${type} (${(r.method ?? 'GET').toUpperCase() === 'GET' ? 'search' : r.method ?? ''})`;
}

export const OUTSIDE_CONTEXT_WORDS = /not permitted under patient context|outside (of )?the patient compartment|patient compartment|Cannot enforce 'patient\/\*' claims without a launch context|launch context/i;
const SCOPE_WORDS = /insufficient[_ -]?scope|no_scope_for_resource_path|not permitted by any of the passed scopes|\bscopes?\b/i;

export const fhirForbidden: DiagnosisRule = {
  id: 'fhir-403-insufficient-scope',
  phase: 'fhir',
  catalog: ['fhir-403-insufficient-scope'],
  diagnose(e: Evidence): Finding[] {
    const granted = typeof e.tokenResponse?.['scope'] === 'string' ? e.tokenResponse['scope'] : undefined;
    return responsesAt(e, 'fhir')
      .filter((x) => x.status === 403)
      .flatMap((r) => {
        const words = `${serverWords(r)} ${challengeText(r)}`;
        if (OUTSIDE_CONTEXT_WORDS.test(words) || vendorSays(r, 'fhir-403-outside-patient-context') !== undefined) return [];
        const needed = r.challenge?.params['scope'];
        const phrase = vendorSays(r, 'fhir-403-insufficient-scope');
        const saysScope = phrase !== undefined || SCOPE_WORDS.test(words) || needed !== undefined;
        const grantCovers = scopeCovers(r, granted);
        // A bare 403 says nothing of why: without the server's words or a grant that visibly misses the resource, abstain.
        if (!saysScope && grantCovers !== false) return [];
        const requestedCovers = scopeCovers(r, e.requestedScope);
        const what = describeTarget(r);
        const scope = needed ?? neededScope(r, granted);
        // smartctl's own probe of a resource the grant does not cover: the 403 is the expected answer, not a defect.
        const expected = r.step === 'fhir.probe' && grantCovers === false;
        const context = `${grantCovers === false ? (requestedCovers === true ? 'trimmed' : requestedCovers === false ? 'never-requested' : 'grant-misses') : grantCovers === true ? 'grant-covers' : ''} ${words}`;
        return [
          makeFinding({
            id: 'fhir-403-insufficient-scope',
            severity: expected ? 'info' : 'error',
            role: 'root-cause',
            basis: saysScope ? 'server-words' : 'request-shape',
            title: expected ? `${what}: 403 as expected, the granted scopes do not cover it` : `the granted scopes do not cover ${what}`,
            detail: [
              describeError(r),
              ...saidQuote(r),
              ...(needed !== undefined ? [`scope needed (WWW-Authenticate): "${needed}"`] : []),
              ...(granted !== undefined ? [`granted scope: "${granted}"${grantCovers === false ? `; expected a scope covering ${what}${scope !== undefined ? ` (e.g. "${scope}")` : ''}, got none` : ''}`] : []),
              ...(requestedCovers === true && grantCovers === false ? ['the requested scope covered it: the server trimmed it from the grant'] : requestedCovers === false ? ['the requested scope did not cover it either'] : []),
              ...(phrase !== undefined ? [saidLine(phrase)] : []),
            ].join('\n'),
            causes: orderCauses(
              [
                // Which of "not requested" and "trimmed" applies is known only when the request is: one line for either, else the one that applies.
                ...(/trimmed|never-requested/.test(context)
                  ? [
                      { text: 'The scope was requested but the server trimmed it from the grant (usually the registration lacks it: see the scope diff).', when: /trimmed/ },
                      { text: 'The app never requested a scope for this resource and interaction.', when: /never-requested/ },
                    ]
                  : [{ text: 'The scope was not requested, or the server trimmed it from the grant (see the scope diff).' }]),
                { text: 'The scope grammar (v1 .read vs v2 .rs) or a finer rule (a ?category= restriction) does not match what the server enforces, although the grant looks like it covers the request.', when: /grant-covers/ },
              ],
              context,
            ),
            fix: expected ? `Nothing to fix unless the app needs ${what}: then register and request ${scope !== undefined ? `"${scope}"` : 'a scope for it'} and re-authorize.` : `Register and request ${scope !== undefined ? `"${scope}"` : 'a scope for this resource type'}, then re-authorize; read only what the grant covers.`,
            spec: 'rfc6750-insufficient-scope',
            exchanges: r.exchangeId === undefined ? undefined : [r.exchangeId],
          }),
        ];
      });
  },
};
