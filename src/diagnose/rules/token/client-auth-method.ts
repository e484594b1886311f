// Which client authentication a token request used (RFC 6749 §2.3, OIDC Core §9), read from
// the request when it was seen, else the run's own setting. The causes of invalid_client
// depend on it.
import { headerValue } from '../../../report/trace.js';
import { formOf, type AuthMethod, type Evidence, type ResponseEvidence } from '../../evidence.js';

export function authMethodOf(e: Evidence, r: ResponseEvidence): AuthMethod | undefined {
  const auth = headerValue(r.requestHeaders, 'authorization') ?? '';
  const form = formOf(r.requestBody);
  if (form.has('client_assertion') || /^Bearer\s+eyJ/i.test(auth)) return 'private_key_jwt';
  if (/^Basic\b/i.test(auth)) return 'client_secret_basic';
  if (form.has('client_secret')) return 'client_secret_post';
  // The run knows what it meant to send; else a whole request without any credential is a public client.
  if (e.authMethod !== undefined) return e.authMethod;
  // (Only when the headers are known too: a pasted body says nothing about an Authorization header.)
  return r.headersSeen === true && r.requestBody !== undefined && auth === '' ? 'none' : undefined;
}

/** private_key_jwt causes, each with the preflight check that rules it out when it passes. */
const ASSERTION_CAUSES: ReadonlyArray<{ text: string; check?: string }> = [
  { text: 'The kid is not in the JWKS registered for the client (rotated key, or the key of the other environment).' },
  { text: 'aud is not the token endpoint URL exactly.', check: 'assertion-aud-mismatch' },
  { text: 'alg is not RS384 or ES384 (or not one the server lists).', check: 'assertion-alg-unsupported' },
  { text: 'exp is more than 5 minutes ahead.', check: 'assertion-exp-too-long' },
  { text: 'The clocks disagree (iat or nbf in the server\'s future).', check: 'assertion-clock-skew' },
  { text: 'iss and sub are not both the client id.', check: 'assertion-iss-sub-mismatch' },
  { text: 'The JWKS or client was registered recently and has not propagated yet.' },
];

/** The causes of invalid_client that fit the authentication that was used (unknown: the usual ones of each); checks that passed rule theirs out. */
export function invalidClientCauses(method: AuthMethod | undefined, passed: ReadonlySet<string> = new Set()): string[] {
  switch (method) {
    case 'private_key_jwt':
      return ASSERTION_CAUSES.filter((c) => c.check === undefined || !passed.has(c.check)).map((c) => c.text);
    case 'client_secret_basic':
      return [
        'The client secret is wrong, or belongs to another environment (sandbox vs production).',
        'The id and secret were not form-encoded before base64 (RFC 6749 §2.3.1), or base64 of "id:secret\\n" (echo without -n) was sent.',
        'The client is registered as public (no secret) or for another authentication method.',
      ];
    case 'client_secret_post':
      return [
        'The client secret is wrong, or belongs to another environment (sandbox vs production).',
        'The server expects the secret in an Authorization: Basic header (client_secret_basic), not in the body.',
        'The client is registered as public (no secret) or for another authentication method.',
      ];
    case 'none':
      return ['The client is registered as confidential, but the request carries no client authentication (only client_id).', 'The client id is unknown in this environment.'];
    default:
      return [
        'The client credentials are wrong or belong to another environment (sandbox vs production).',
        'The client authenticates with another method than it is registered for (public vs confidential, secret vs private_key_jwt).',
        'The client id is unknown in this environment.',
      ];
  }
}
