// Epic: {"error":"invalid_client","error_description":null}, which says nothing about which
// check failed. The local preflight of the assertion that was sent decides: a failed check is
// its own root cause (the assertion-* rule); when every check passes, what is left is
// registration: environment, activation, the key Epic holds.
import { makeFinding, type Finding } from '../../../report/finding.js';
import { headerValue } from '../../../report/trace.js';
import type { Evidence, ResponseEvidence } from '../../evidence.js';
import { describeError, exchangeIdOf, responsesAt, vendorSays, type DiagnosisRule } from '../../rule.js';
import { authMethodOf } from '../token/client-auth-method.js';
import { checkLines, preflight, type Preflight } from './preflight.js';

/** Epic's token endpoint, or Epic's opaque answer shape (error_description present and null). */
export function isEpicOpaque(r: ResponseEvidence): boolean {
  if (r.endpoint !== 'token' || r.status < 400 || r.status >= 500 || r.oauthError?.error !== 'invalid_client') return false;
  const described = (r.oauthError.error_description ?? '').trim() !== '';
  const epicUrl = /fhir\.epic\.com|epichosted\.com|interconnect-[\w-]*oauth/i.test(r.url ?? '');
  return !described && (epicUrl || /"error_description"\s*:\s*null/.test(r.responseBody ?? '') || vendorSays(r, 'epic-invalid-client-opaque') !== undefined);
}

export function epicRefusal(e: Evidence): { r: ResponseEvidence; p: Preflight | undefined } | undefined {
  const r = responsesAt(e, 'token').find(isEpicOpaque);
  return r === undefined ? undefined : { r, p: preflight(e, r) };
}

function notForm(r: ResponseEvidence): boolean {
  const type = headerValue(r.requestHeaders, 'content-type');
  return (type !== undefined && !/application\/x-www-form-urlencoded/i.test(type)) || (r.requestBody?.trimStart().startsWith('{') ?? false);
}

export const epicInvalidClientOpaque: DiagnosisRule = {
  id: 'epic-invalid-client-opaque',
  phase: 'client-assertion',
  catalog: ['epic-invalid-client-opaque'],
  diagnose(e: Evidence): Finding[] {
    const hit = epicRefusal(e);
    if (hit === undefined) return [];
    const { r, p } = hit;
    const method = authMethodOf(e, r);
    const failed = p?.checks.filter((c) => c.status === 'fail') ?? [];
    const lines = [describeError(r), 'Epic answers invalid_client without saying which check failed, so smartctl checks what was sent'];
    if (p !== undefined) lines.push(checkLines(p));
    else if (method === 'private_key_jwt' || method === undefined) lines.push('the assertion that was sent is not in the evidence, so no check could run');
    const causes: string[] = [];
    if (notForm(r)) causes.push('The body is not application/x-www-form-urlencoded (Epic refuses JSON token requests).');
    if (failed.length > 0) causes.push(...failed.map((c) => `${c.findingId}: ${c.title} (${c.detail}).`));
    const claimsUnchecked = p === undefined || p.token === undefined;
    if (method === 'client_secret_basic' || method === 'client_secret_post') {
      causes.push('The client secret is wrong, or belongs to the other environment (non-production vs production).', 'The app is not set up for a client secret in this environment, or the secret was created after the app was activated.');
    } else {
      causes.push(
        'The client id belongs to the other environment (a non-production client id against production, or the reverse), or the app or its key is new and not active yet (changes take a while to propagate; production needs the customer to activate the app).',
        'Epic holds another public key than the one that signed the assertion (a key uploaded for the other environment; backend apps must host a JWK Set URL since the February 2024 Epic version).',
      );
      if (claimsUnchecked) causes.push('exp is more than 5 minutes ahead.', 'aud is not exactly the token URL (https://fhir.epic.com/interconnect-fhir-oauth/oauth2/token on the sandbox).', 'alg is not RS384 (or ES384).', 'kid is missing, or the jti was used before.');
    }
    const proven = failed.length > 0 || notForm(r);
    return [
      makeFinding({
        id: 'epic-invalid-client-opaque',
        // A failed check is the root cause (its own finding); this one then carries the table.
        severity: proven ? 'info' : 'warning',
        role: proven ? 'also-noticed' : 'root-cause',
        basis: 'circumstance',
        title: proven ? `Epic refused the client without a reason; the local preflight found ${failed.length > 0 ? `${failed.length} failing check(s)` : 'a body that is not form-encoded'}` : p !== undefined && p.token !== undefined ? 'Epic refused the client without a reason, and every local check of the assertion passes' : 'Epic refused the client (invalid_client) without saying which check failed',
        detail: lines.join('\n'),
        causes,
        fix: p === undefined ? 'Give the token request as sent (--curl, or --request-body with the client_assertion) so smartctl can check the assertion; then fix what fails.' : proven ? 'Fix the failing checks first.' : 'Check in Epic\'s app settings that this client id is the one for this environment and is active, and that the key Epic has (the JWK Set URL) contains this kid; new apps and keys can take hours to propagate.',
        spec: 'smart-backend-services',
        exchanges: exchangeIdOf(r),
      }),
    ];
  },
};
