// invalid_client at the token endpoint (RFC 6749 §5.2) when no more precise rule applies
// (vendor URNs, Epic's opaque answer, a malformed Basic header, a public/confidential
// mismatch the server named): the causes depend on how the client authenticated, and a sent
// assertion is preflighted (each failed check is its own assertion-* root cause).
import { makeFinding, type Finding } from '../../../report/finding.js';
import type { Evidence, ResponseEvidence } from '../../evidence.js';
import { describeError, exchangeIdOf, messageRelays, orderCauses, reportedLine, responsesAt, saidLine, serverWords, vendorSays, type DiagnosisRule } from '../../rule.js';
import { namesInvalidClientCredentials } from './cerner-invalid-client-credentials.js';
import { basicHeaderProblems, namesInvalidAuthorizationHeader } from './cerner-invalid-authorization-header-basic.js';
import { authMethodOf, invalidClientCauses } from './client-auth-method.js';
import { explainsHeaderRefusal } from '../client-assertion/client-assertion-in-authorization-header.js';
import { isEpicOpaque } from '../client-assertion/epic-invalid-client-opaque.js';
import { checkLines, preflight } from '../client-assertion/preflight.js';
import { headerValue } from '../../../report/trace.js';

/** Answers a more precise rule explains. */
function explainedElsewhere(e: Evidence, r: ResponseEvidence): boolean {
  if (namesInvalidClientCredentials(r) || explainsHeaderRefusal(r) || isEpicOpaque(r)) return true;
  // The Cerner URN with a header seen is cerner-invalid-authorization-header-basic.
  if (namesInvalidAuthorizationHeader(r) && headerValue(r.requestHeaders, 'authorization') !== undefined) return true;
  if (vendorSays(r, 'public-confidential-mismatch') !== undefined) return true;
  // A whole request without any credential is public-confidential-mismatch.
  if (authMethodOf(e, r) === 'none' && r.headersSeen === true && vendorSays(r, 'token-invalid-client') === undefined) return true;
  const auth = headerValue(r.requestHeaders, 'authorization');
  return auth !== undefined && basicHeaderProblems(auth, e.clientId).length > 0;
}

const SERVER_FAULT = /\b(an )?unexpected error (has )?occurred|try (this operation |the request )?again later|temporarily unavailable|internal (server )?error/i;

/** No saved answer: the app's message quoting a vendor's refusal of the client (Keycloak's "Invalid client or Invalid client credentials"). */
function relayedRefusal(e: Evidence): Finding[] {
  if (responsesAt(e, 'token').some((x) => x.status >= 400)) return [];
  const relayed = messageRelays(e, 'token-invalid-client');
  if (relayed?.phrase === undefined) return [];
  return [
    makeFinding({
      id: 'token-invalid-client',
      severity: 'error',
      role: 'root-cause',
      basis: 'server-words',
      title: 'the token endpoint did not accept the client authentication (invalid_client)',
      detail: [reportedLine(relayed.message), saidLine(relayed.phrase), 'the client authentication used is not in the evidence'].join('\n'),
      causes: orderCauses(invalidClientCauses(undefined, new Set()).map((text) => ({ text })), relayed.message),
      fix: 'Give the token request as sent (--curl, or --request-header and --request-body) so smartctl can tell which authentication failed; check the client id, secret and registered method for this environment.',
      spec: 'rfc6749-token-error',
    }),
  ];
}

/**
 * A 401 from the token endpoint without an OAuth error body (Auth0 once answered a plain
 * "Unauthorized"): RFC 6749 §5.2 gives 401 only to a failed client authentication, so that is
 * the likely reading; without the server's words it stays a warning.
 */
function bareUnauthorized(e: Evidence): Finding[] {
  const r = responsesAt(e, 'token').find((x) => x.status === 401 && x.oauthError === undefined && !SERVER_FAULT.test(serverWords(x)));
  if (r === undefined) return [];
  const method = authMethodOf(e, r);
  return [
    makeFinding({
      id: 'token-invalid-client',
      severity: 'warning',
      role: 'root-cause',
      basis: 'circumstance',
      title: 'the token endpoint answered 401 without an OAuth error: most likely it did not accept the client authentication',
      detail: [describeError(r), ...(serverWords(r).trim() !== '' ? [`the server said: ${JSON.stringify(serverWords(r).replace(/\s+/g, ' ').trim().slice(0, 200))}`] : []), 'RFC 6749 §5.2: the token endpoint answers 401 when client authentication failed (invalid_client); other refusals are 400', method !== undefined ? `client authentication used: ${method}` : 'the client authentication used is not in the evidence'].join('\n'),
      causes: orderCauses(invalidClientCauses(method, new Set()).map((text) => ({ text })), serverWords(r)),
      fix: 'Check the client id and secret (or key) for this environment and the registered authentication method; give the token request as sent (--curl) so smartctl can tell which part failed.',
      spec: 'rfc6749-token-error',
      exchanges: exchangeIdOf(r),
    }),
  ];
}

export const invalidClient: DiagnosisRule = {
  id: 'token-invalid-client',
  phase: 'token',
  catalog: [],
  diagnose(e: Evidence): Finding[] {
    // Keycloak answers unauthorized_client for wrong client credentials; its wording says so.
    const r = responsesAt(e, 'token').find((x) => x.status >= 400 && (x.oauthError?.error === 'invalid_client' || (x.oauthError?.error === 'unauthorized_client' && vendorSays(x, 'token-invalid-client') !== undefined)) && !explainedElsewhere(e, x));
    if (r === undefined) return [...bareUnauthorized(e), ...relayedRefusal(e)].slice(0, 1);
    // The server says it failed itself ("An unexpected error has occurred. Please try this operation again later."):
    // invalid_client is then no statement about the client; cannot tell (athenahealth answered so during a restart).
    if (SERVER_FAULT.test(serverWords(r))) return [];
    const method = authMethodOf(e, r);
    const p = method === 'private_key_jwt' ? preflight(e, r) : undefined;
    const said = vendorSays(r, 'token-invalid-client');
    const lines = [describeError(r), method !== undefined ? `client authentication used: ${method}` : 'the client authentication used is not in the evidence'];
    if (said !== undefined) lines.push(saidLine(said));
    if (p !== undefined) lines.push(checkLines(p));
    const failed = p?.checks.filter((c) => c.status === 'fail') ?? [];
    return [
      makeFinding({
        id: 'token-invalid-client',
        // Restating the server's refusal is safe (it names no cause the evidence lacks); the causes wait for the method.
        severity: 'error',
        role: 'root-cause',
        // A generic refusal ("client authentication failed") does not outrank a check that failed.
        basis: said !== undefined && failed.length === 0 ? 'server-words' : 'circumstance',
        title: 'the token endpoint did not accept the client authentication (invalid_client)',
        detail: lines.join('\n'),
        causes: [...failed.map((c) => `${c.findingId}: ${c.title}.`), ...orderCauses(invalidClientCauses(method, new Set(p?.checks.filter((c) => c.status !== 'not-checked').map((c) => c.check))).map((text) => ({ text, when: /secret is wrong/i.test(text) ? /secret/i : /client id is unknown/i.test(text) ? /not found|unknown client|not registered|not identified/i : /another (authentication )?method/i.test(text) ? /assertion_type is missing|registered for|signed jwt/i : undefined })), serverWords(r))],
        fix:
          method === 'private_key_jwt'
            ? 'Fix what the checks name, then compare kid and alg with the JWKS registered for the client: smartctl jwt-assert --check <assertion> --jwks <registered jwks>.'
            : method === undefined
              ? 'Give the token request as sent (--curl, or --request-header and --request-body) so smartctl can tell which authentication failed; check the client id, secret and registered method for this environment.'
              : 'Check the client id, secret and the registered authentication method for this environment.',
        spec: 'rfc6749-token-error',
        exchanges: exchangeIdOf(r),
      }),
    ];
  },
};
