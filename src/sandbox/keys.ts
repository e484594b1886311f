// The sandbox's keys: the RS256 key that signs id_tokens (published at jwks_uri; RS256
// because that is what OpenID clients expect), a second one it never publishes (for the
// id-token-unknown-kid fault), and the demo backend client's ES384 key pair, whose
// private half is written as a PEM (mode 0600) for the app to use.
//
// RSA-2048 generation takes about 250 ms, most of a `launch --sandbox`, so the CLI
// passes a cache file (per user, in its cache folder) and the id_token key is made once and
// read back at later starts; an unreadable or invalid cache file is replaced. Without a
// cache file (the programmatic API, tests) the key is made fresh.
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { calculateJwkThumbprint, exportJWK, exportPKCS8, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';

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

async function readCachedKey(file: string): Promise<SigningKey | undefined> {
  try {
    // Group- or world-readable: someone else could sign id_tokens this sandbox accepts.
    if (((await stat(file)).mode & 0o077) !== 0) return undefined;
    const jwk = JSON.parse(await readFile(file, 'utf8')) as JWK;
    if (jwk.kty !== 'RSA' || typeof jwk.kid !== 'string' || typeof jwk.n !== 'string' || typeof jwk.e !== 'string' || typeof jwk.d !== 'string') return undefined;
    const privateKey = await importJWK(jwk, 'RS256');
    if (privateKey instanceof Uint8Array) return undefined;
    return { kid: jwk.kid, alg: 'RS256', privateKey, publicJwk: { kty: 'RSA', n: jwk.n, e: jwk.e, kid: jwk.kid, alg: 'RS256', use: 'sig' } };
  } catch {
    return undefined;
  }
}

/** Written to a temporary name and renamed, so a concurrent start never reads half a file. */
async function writeCachedKey(file: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
  const id = kid();
  const privateJwk = { ...(await exportJWK(privateKey)), kid: id, alg: 'RS256' };
  const publicJwk = { ...(await exportJWK(publicKey)), kid: id, alg: 'RS256', use: 'sig' };
  try {
    await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    await writeFile(temporary, `${JSON.stringify(privateJwk)}\n`, { mode: 0o600 });
    await chmod(temporary, 0o600);
    await rename(temporary, file);
  } catch {
    // A cache that cannot be written (read-only home) only costs the next start its time.
  }
  return { kid: id, alg: 'RS256', privateKey, publicJwk };
}

/**
 * The id_token key comes from the cache file when one is given (made and stored there
 * when it is missing or unreadable); the second, unpublished key is made only for the
 * fault that signs with it.
 */
export async function createSandboxKeys(options: { unpublished: boolean; cacheFile?: string | undefined }): Promise<SandboxKeys> {
  const cached = options.cacheFile === undefined ? undefined : ((await readCachedKey(options.cacheFile)) ?? writeCachedKey(options.cacheFile));
  const [idToken, unpublished] = await Promise.all([cached ?? signingKey(), options.unpublished ? signingKey() : undefined]);
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
