// The sandbox's keys, made fresh at every start: the RS256 key that signs id_tokens
// (published at jwks_uri), a second one it never publishes (for the
// id-token-unknown-kid fault), and the demo backend client's ES384 key pair, whose
// private half is written as a PEM (mode 0600) for the app to use.
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { calculateJwkThumbprint, exportJWK, exportPKCS8, generateKeyPair, type CryptoKey, type JWK } from 'jose';

export interface SigningKey {
  kid: string;
  alg: 'RS256';
  privateKey: CryptoKey;
  publicJwk: JWK;
}

export interface SandboxKeys {
  idToken: SigningKey;
  /** Signs id_tokens under the id-token-unknown-kid fault; never in the JWKS. */
  unpublished: SigningKey;
  jwks: { keys: JWK[] };
}

function kid(): string {
  return randomBytes(9).toString('base64url');
}

async function signingKey(): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { modulusLength: 2048 });
  const id = kid();
  const publicJwk = { ...(await exportJWK(publicKey)), kid: id, alg: 'RS256', use: 'sig' };
  return { kid: id, alg: 'RS256', privateKey, publicJwk };
}

/**
 * RSA key generation dominates start-up, so the second, unpublished key is made only
 * for the fault that signs with it.
 */
export async function createSandboxKeys(options: { unpublished: boolean }): Promise<SandboxKeys> {
  const [idToken, unpublished] = await Promise.all([signingKey(), options.unpublished ? signingKey() : undefined]);
  return { idToken, unpublished: unpublished ?? idToken, jwks: { keys: [idToken.publicJwk] } };
}

export interface ClientKeyPair {
  /** Where the PKCS#8 PEM private key was written (mode 0600). */
  privateKeyFile: string;
  /** The public JWKS registered for the client. */
  jwks: { keys: JWK[] };
}

/** Makes an ES384 key pair for a demo private_key_jwt client and writes its private key. */
export async function createClientKeyPair(dir: string, clientId: string): Promise<ClientKeyPair> {
  const { privateKey, publicKey } = await generateKeyPair('ES384', { extractable: true });
  const pem = await exportPKCS8(privateKey);
  const privateKeyFile = path.join(dir, `${clientId}.private.pem`);
  await writeFile(privateKeyFile, pem, { mode: 0o600 });
  const jwk = await exportJWK(publicKey);
  // kid = the RFC 7638 thumbprint, the kid `smartctl keygen` and `jwt-assert --key <pem>` use.
  const publicJwk = { ...jwk, kid: await calculateJwkThumbprint(jwk), alg: 'ES384', use: 'sig' };
  return { privateKeyFile, jwks: { keys: [publicJwk] } };
}
