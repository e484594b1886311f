// The server's JWKS (jwks_uri): present, and holding keys that can verify signatures.
import { makeFinding, type Finding } from '../../report/finding.js';
import { isObject } from './read-document.js';
import type { JwksSummary } from './types.js';

export function readServerJwks(doc: unknown, jwksUri: string): { jwks?: JwksSummary; findings: Finding[] } {
  if (!isObject(doc) || !Array.isArray(doc['keys'])) {
    return {
      findings: [
        makeFinding({
          id: 'jwks-invalid',
          severity: 'error',
          title: 'jwks_uri did not return a JWK Set',
          detail: `${jwksUri}: expected a JSON object with a "keys" array`,
          fix: 'Serve a JWK Set ({"keys":[...]}) at jwks_uri.',
          spec: 'oidc-signing-keys',
        }),
      ],
    };
  }
  const keys = doc['keys'].filter(isObject);
  const signing = keys.filter((k) => typeof k['kty'] === 'string' && (k['use'] === undefined || k['use'] === 'sig'));
  const findings: Finding[] = [];
  if (signing.length === 0) {
    findings.push(
      makeFinding({
        id: 'jwks-no-signing-keys',
        severity: 'error',
        title: 'the server JWKS holds no signing keys',
        detail: `${jwksUri}: ${keys.length} key(s), none with a kty and use "sig" (or no use)`,
        fix: 'Publish the public keys that sign id_tokens at jwks_uri.',
        spec: 'oidc-signing-keys',
      }),
    );
  } else if (signing.length > 1 && signing.some((k) => typeof k['kid'] !== 'string')) {
    findings.push(
      makeFinding({
        id: 'jwks-key-without-kid',
        severity: 'warning',
        title: 'the server JWKS has several keys, not all with a kid',
        detail: `${jwksUri}: ${signing.length} signing keys; clients pick the key by kid`,
        fix: 'Give every key a unique kid.',
        spec: 'rfc7515-kid',
      }),
    );
  }
  return { jwks: { keys }, findings };
}
