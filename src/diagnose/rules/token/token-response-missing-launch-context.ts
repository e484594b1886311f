// Launch context scopes granted, but the token response carries no patient/encounter
// (SMART scopes-and-launch-context: the context comes in the token response). When the access
// token is a JWT carrying the context as a claim, say so: the server puts it in the wrong place.
import { makeFinding, type Finding } from '../../../report/finding.js';
import { parseScopes } from '../../../protocol/scopes/parse.js';
import { decodeJwt } from '../../../protocol/jwt/decode.js';
import type { Evidence } from '../../evidence.js';
import { responsesAt, exchangeIds, grantedScopeOf, messageSays, orderCauses, saidLine, type DiagnosisRule } from '../../rule.js';

/** A context claim inside the access token JWT (patient, encounter, or a SMART-ish variant). */
function claimInAccessToken(tokenResponse: Record<string, unknown>, context: string): string | undefined {
  const at = tokenResponse['access_token'];
  if (typeof at !== 'string') return undefined;
  try {
    const t = decodeJwt(at);
    if (t.kind !== 'jwt') return undefined;
    for (const name of [context, `${context}_id`, `smart_${context}`, `launch_${context}`]) {
      const v = t.payload[name];
      if (typeof v === 'string' && v !== '') return `${name}: "${v}"`;
    }
  } catch {
    return undefined;
  }
  return undefined;
}

/** The app says the token response had no patient; the response itself is not in the evidence. */
function reportedOnly(e: Evidence): Finding[] {
  const said = messageSays(e, 'token-response-missing-launch-context');
  if (said === undefined) return [];
  return [
    makeFinding({
      id: 'token-response-missing-launch-context',
      severity: 'error',
      role: 'root-cause',
      basis: 'server-words',
      title: 'the token response has no patient, by the app\'s words',
      detail: [`the app reported: "${said.message}"`, saidLine(said.phrase), 'the token response itself is not in the evidence: give it (--token-response) to see its keys and the granted scope'].join('\n'),
      causes: orderCauses(
        [
          { text: 'launch/patient was not requested or not granted (the granted scope decides what context comes back).', when: /launch\/patient|scope/i },
          { text: 'No patient was selected in the EHR session or the patient picker (a launch without context, or a skipped picker).' },
          { text: 'The server sends the patient only in some responses or inside the access token (CMS Blue Button sends patient only on refresh; some IdPs put it in the JWT only).' },
        ],
        said.message,
      ),
      fix: 'Request launch/patient (and check it is granted); if the server does not return patient in this response, read it from the access token claim, a refresh response, or the FHIR API as the server documents.',
      spec: 'smart-launch-context',
    }),
  ];
}

export const missingLaunchContext: DiagnosisRule = {
  id: 'token-response-missing-launch-context',
  phase: 'token',
  catalog: ['token-response-missing-launch-context'],
  diagnose(e: Evidence): Finding[] {
    const granted = grantedScopeOf(e);
    // No token response saved: the app's own words that it came without a patient (a library row).
    if (e.tokenResponse === undefined && e.responses.every((r) => r.endpoint !== 'token')) return reportedOnly(e);
    if (e.tokenResponse === undefined || granted === undefined) return [];
    const scopes = parseScopes(granted);
    const ehr = scopes.some((s) => s.kind === 'launch');
    const said = messageSays(e, 'token-response-missing-launch-context');
    const out: Finding[] = [];
    for (const context of ['patient', 'encounter'] as const) {
      const asked = scopes.some((s) => s.kind === 'launch-context' && s.context === context) || (ehr && context === 'patient' && scopes.some((s) => s.kind === 'resource' && s.compartment === 'patient'));
      if (!asked || typeof e.tokenResponse[context] === 'string') continue;
      const inToken = claimInAccessToken(e.tokenResponse, context);
      const lines = [`granted scope: "${granted}"; token response keys: ${Object.keys(e.tokenResponse).join(', ')}`];
      if (inToken !== undefined) lines.push(`the access token JWT carries ${inToken}: the server puts the context in the token, not in the token response where SMART apps read it`);
      if (said !== undefined) lines.push(`the app reported: "${said.message}"`);
      out.push(
        makeFinding({
          id: 'token-response-missing-launch-context',
          severity: context === 'patient' ? 'error' : 'warning',
          role: context === 'patient' ? 'root-cause' : 'contributing',
          basis: said !== undefined ? 'server-words' : 'request-shape',
          title: `the token response has no ${context} although its launch scope was granted`,
          detail: lines.join('\n'),
          causes: orderCauses(
            [
              { text: `No ${context} was selected in the EHR session or the patient picker (a launch without context, or a skipped picker).`, when: /skip|picker|select/i },
              { text: `The server puts the ${context} only inside the access token (or an id_token), not in the JSON token response (external IdPs used without SMART translation).`, when: /\bin-token\b/ },
              { text: `The server maps ${context} context only for some launch types, tenants or settings (OpenEMR skipped it with its EHR-launch shortcut; CMS Blue Button sends patient only on refresh).` },
            ],
            `${said?.message ?? ''} ${inToken !== undefined ? 'in-token' : ''}`,
          ),
          fix: `Server side: return "${context}" in the token response whenever launch/${context} (or an EHR launch with ${context} context) is granted. Client side: launch with a ${context} in context, or read it from the access token claim or a refresh response as a fallback.`,
          spec: 'smart-launch-context',
          exchanges: exchangeIds(responsesAt(e, 'token').filter((r) => r.status === 200)),
        }),
      );
    }
    return out;
  },
};
