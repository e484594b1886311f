// PKCE (RFC 7636): a random verifier and its S256 challenge, base64url without padding.
import { createHash, randomBytes } from 'node:crypto';

export interface Pkce {
  verifier: string;
  challenge: string;
  method: 'S256';
}

export function s256(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

export function createPkce(): Pkce {
  const verifier = randomBytes(48).toString('base64url'); // 64 characters, within 43..128
  return { verifier, challenge: s256(verifier), method: 'S256' };
}

/** A random value for state and nonce. */
export function randomToken(bytes = 24): string {
  return randomBytes(bytes).toString('base64url');
}
