// Signature verification against a JWK Set (jose), as findings: alg none, kid missing
// where the set has several keys, kid not in the set, signature invalid.
import { compactVerify, importJWK, type JWK } from 'jose';
import { makeFinding, type Finding } from '../../report/finding.js';
import type { DecodedJwt } from './decode.js';

export interface VerifyOutcome {
  verified: boolean;
  kid?: string | undefined;
  findings: Finding[];
}

export async function verifySignature(token: DecodedJwt, jwks: { keys: readonly object[] }): Promise<VerifyOutcome> {
  const alg = token.header['alg'];
  const kid = typeof token.header['kid'] === 'string' ? token.header['kid'] : undefined;
  if (typeof alg !== 'string' || alg.toLowerCase() === 'none') {
    return { verified: false, findings: [makeFinding({ id: 'jwt-alg-none', severity: 'error', title: 'the token is not signed', detail: `alg: ${JSON.stringify(alg ?? null)}`, fix: 'Reject unsigned tokens; the issuer must sign them.', spec: 'rfc7515-alg' })] };
  }
  const keys = (jwks.keys as JWK[]).filter((k) => k.use === undefined || k.use === 'sig');
  let candidates: JWK[];
  if (kid !== undefined) {
    candidates = keys.filter((k) => k.kid === kid);
    if (candidates.length === 0) {
      return {
        verified: false,
        kid,
        findings: [
          makeFinding({
            id: 'jwt-kid-not-in-jwks',
            severity: 'error',
            title: `kid "${kid}" is not in the key set`,
            detail: `kid: expected one of ${keys.map((k) => `"${k.kid ?? '(none)'}"`).join(', ') || 'none (empty set)'}, got "${kid}"`,
            fix: 'Publish the signing key in the JWKS (or register it with the server), or sign with a key that is there; after a key rotation, caches may need to refresh.',
            spec: 'rfc7515-kid',
          }),
        ],
      };
    }
  } else {
    if (keys.length > 1) {
      return {
        verified: false,
        findings: [
          makeFinding({
            id: 'jwt-kid-missing',
            severity: 'error',
            title: 'the token has no kid but the key set has several keys',
            detail: `header has no kid; the JWKS holds ${keys.length} signing keys`,
            fix: 'Put the kid of the signing key in the JWT header.',
            spec: 'rfc7515-kid',
          }),
        ],
      };
    }
    candidates = keys;
  }
  for (const jwk of candidates) {
    try {
      const key = await importJWK({ ...jwk, alg: jwk.alg ?? alg }, alg);
      await compactVerify(token.raw, key, { algorithms: [alg] });
      return { verified: true, kid: jwk.kid, findings: [] };
    } catch {
      // wrong key for this alg or a bad signature: try the next candidate
    }
  }
  return {
    verified: false,
    kid,
    findings: [
      makeFinding({
        id: 'jwt-signature-invalid',
        severity: 'error',
        title: 'the signature does not verify',
        detail: `alg ${alg}${kid !== undefined ? `, kid "${kid}"` : ''}: no key in the set (${candidates.length} tried) verifies it`,
        fix: 'The token was altered, or signed with another key than the one published under that kid.',
        spec: 'oidc-signing-keys',
      }),
    ],
  };
}
