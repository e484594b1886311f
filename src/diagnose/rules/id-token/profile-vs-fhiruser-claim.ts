// SMART v1 put the user in the OIDC profile claim; v2 defines fhirUser. A server that issues
// one while the app reads the other leaves the app without a user ("User is not available",
// lforms-fhir-app with an old client-js). Compares the identity scopes requested and granted
// with the claims the id_token carries.
import { makeFinding, type Finding } from '../../../report/finding.js';
import { parseScopes } from '../../../protocol/scopes/parse.js';
import type { Evidence } from '../../evidence.js';
import { messageSays, saidLine, type DiagnosisRule } from '../../rule.js';
import { idTokenRole, receivedIdToken, receivedTokenResponse, shown } from './received-id-token.js';

const kinds = (scope: string | undefined): Set<string> => new Set(scope === undefined ? [] : parseScopes(scope).map((s) => s.kind));

export const profileVsFhirUserClaim: DiagnosisRule = {
  id: 'profile-vs-fhiruser-claim',
  phase: 'id-token',
  catalog: ['profile-vs-fhiruser-claim'],
  diagnose(e: Evidence): Finding[] {
    const said = messageSays(e, 'profile-vs-fhiruser-claim');
    const tr = receivedTokenResponse(e);
    const granted = typeof tr?.body['scope'] === 'string' ? tr.body['scope'] : undefined;
    const asked = kinds(e.requestedScope);
    const got = kinds(granted);
    const idToken = receivedIdToken(e);
    // No id_token at all is openid-scope-dropped / openid-granted-no-id-token, not this.
    if (tr !== undefined && tr.body['id_token'] === undefined) return [];
    const claims = idToken?.token.payload;
    const hasFhirUser = typeof claims?.['fhirUser'] === 'string';
    const hasProfile = typeof claims?.['profile'] === 'string';
    const lines: string[] = [];
    let mismatch: 'fhirUser-only' | 'profile-only' | undefined;
    if (claims !== undefined && hasFhirUser && !hasProfile && (got.has('profile') || (granted === undefined && asked.has('profile')))) mismatch = 'fhirUser-only';
    if (claims !== undefined && hasProfile && !hasFhirUser && (got.has('fhirUser') || (granted === undefined && asked.has('fhirUser')))) mismatch = 'profile-only';
    // The app's words with an id_token that carries only fhirUser: the v1 reader found no profile.
    if (said !== undefined && claims !== undefined && hasFhirUser && !hasProfile) mismatch = 'fhirUser-only';
    if (mismatch === undefined && said === undefined) return [];
    if (e.requestedScope !== undefined) lines.push(`requested scope: "${e.requestedScope}"`);
    if (granted !== undefined) lines.push(`granted scope: "${granted}"`);
    if (claims !== undefined) lines.push(`id_token claims: fhirUser ${shown(claims['fhirUser'])}, profile ${shown(claims['profile'])}`);
    if (mismatch === 'fhirUser-only') lines.push(asked.has('profile') || got.has('profile') ? 'expected a profile claim for the profile scope (SMART v1), got only fhirUser (SMART v2)' : 'an app reading the SMART v1 profile claim finds none: the id_token has only fhirUser (SMART v2)');
    if (mismatch === 'profile-only') lines.push('expected a fhirUser claim for the fhirUser scope (SMART v2), got only profile (SMART v1)');
    if (said !== undefined) lines.push(`the app said ${JSON.stringify(said.message)}`, saidLine(said.phrase));
    const { role, basis } = idTokenRole(e, said !== undefined);
    const sure = mismatch !== undefined;
    return [
      makeFinding({
        id: 'profile-vs-fhiruser-claim',
        // Without a failure it is a portability warning; with the app's words and the claims, the cause.
        severity: said !== undefined && sure ? 'error' : 'warning',
        role: said !== undefined || role === 'root-cause' ? 'root-cause' : role,
        basis: said !== undefined ? basis : 'request-shape',
        title: mismatch === 'profile-only' ? 'the id_token names the user in profile (SMART v1), not fhirUser' : mismatch === 'fhirUser-only' ? 'the id_token names the user in fhirUser (SMART v2), not profile' : 'the app found no user in the id_token (profile vs fhirUser)',
        detail: lines.join('\n'),
        causes: [
          ...(mismatch === 'profile-only'
            ? ['The server issues only the SMART v1 profile claim, and the app reads fhirUser.', 'The app (or an old smart-on-fhir client-js it bundles) reads one claim only instead of fhirUser with a fallback to profile.']
            : ['The app (or an old smart-on-fhir client-js it bundles) reads only the SMART v1 profile claim; the server issues the SMART v2 fhirUser claim.', 'The server issues only the SMART v1 profile claim, and the app reads fhirUser.']),
          'The identity scope the app relies on was not granted (see the scope diff): no claim is issued for it.',
        ],
        fix: 'Request "openid fhirUser" (add profile only for SMART v1 servers) and read fhirUser first, falling back to profile, as client-js does since PR #127; update the bundled client library.',
        spec: 'smart-fhiruser',
      }),
    ];
  },
};
