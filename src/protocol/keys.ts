// Key text -> key: PEM (PKCS#8, PKCS#1, SEC1), a JWK, or a JWKS (pick by kid). Every
// form goes through a JWK so one path derives alg, kid (RFC 7638 thumbprint) and the
// public JWK to register.
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { calculateJwkThumbprint, importJWK, type CryptoKey, type JWK } from 'jose';
import { inputError, usageError } from '../errors.js';

export interface LoadedKey {
  privateKey: CryptoKey;
  alg: string;
  kid: string;
  /** The public JWK to register: kty, crv/x/y or n/e, kid, alg, use. */
  publicJwk: JWK;
}

export interface JwkSet {
  keys: JWK[];
}

const PUBLIC_MEMBERS: Record<string, string[]> = { RSA: ['kty', 'n', 'e'], EC: ['kty', 'crv', 'x', 'y'], OKP: ['kty', 'crv', 'x'] };

/** The algorithm SMART expects for a key: RS384 for RSA, ES384 for P-384, ES256 for P-256. */
export function algForJwk(jwk: JWK): string {
  if (jwk.kty === 'RSA') return 'RS384';
  if (jwk.kty === 'EC' && jwk.crv === 'P-384') return 'ES384';
  if (jwk.kty === 'EC' && jwk.crv === 'P-256') return 'ES256';
  if (jwk.kty === 'EC' && jwk.crv === 'P-521') return 'ES512';
  throw inputError('key-type-unsupported', `unsupported key type ${jwk.kty ?? 'unknown'}${jwk.crv !== undefined ? ` (${jwk.crv})` : ''}`, 'Use an RSA key (RS384) or an EC P-384 key (ES384).');
}

function algFitsKey(alg: string, jwk: JWK): boolean {
  if (jwk.kty === 'RSA') return /^(RS|PS)(256|384|512)$/.test(alg);
  if (jwk.kty === 'EC') return { 'P-256': 'ES256', 'P-384': 'ES384', 'P-521': 'ES512' }[jwk.crv ?? ''] === alg;
  return false;
}

export function publicPart(jwk: JWK): JWK {
  const members = PUBLIC_MEMBERS[jwk.kty ?? ''] ?? [];
  const source = jwk as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const m of members) if (source[m] !== undefined) out[m] = source[m];
  return out as JWK;
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw inputError('json-malformed', `the ${what} is not valid JSON`, 'Check the file: a JWK or JWKS is a JSON object.');
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Parses a JWK Set; every key must be an object with a kty. */
export function parseJwks(text: string): JwkSet {
  const doc = parseJson(text, 'JWKS');
  return jwksFromJson(doc);
}

export function jwksFromJson(doc: unknown): JwkSet {
  if (!isObject(doc) || !Array.isArray(doc['keys'])) throw inputError('jwks-malformed', 'the JWKS has no "keys" array', 'A JWK Set looks like {"keys":[{...}]}.');
  const keys = doc['keys'];
  if (keys.length === 0) throw inputError('jwks-empty', 'the JWKS holds no keys', 'Add the public key(s) to the "keys" array.');
  keys.forEach((k, i) => {
    if (!isObject(k) || typeof k['kty'] !== 'string') throw inputError('jwks-malformed', `JWKS key #${i + 1} is not a JWK (no "kty")`, 'Every key needs kty and its public members.');
  });
  return { keys: keys as JWK[] };
}

function pemToJwk(text: string): JWK {
  if (/-----BEGIN ENCRYPTED PRIVATE KEY-----/.test(text)) {
    throw inputError('key-encrypted', 'the PEM private key is encrypted', 'Decrypt it first: openssl pkcs8 -in key.pem -out plain.pem');
  }
  if (/-----BEGIN (PUBLIC KEY|CERTIFICATE|RSA PUBLIC KEY)-----/.test(text) && !/PRIVATE KEY-----/.test(text)) {
    throw inputError('key-not-private', 'the PEM holds a public key or certificate, not a private key', 'Pass the private key; the public JWKS is derived from it.');
  }
  try {
    return createPrivateKey({ key: text, format: 'pem' }).export({ format: 'jwk' }) as JWK;
  } catch {
    throw inputError('pem-malformed', 'the PEM private key cannot be read (truncated or not PKCS#8, PKCS#1 or SEC1)', 'Check the file holds a whole "-----BEGIN ... PRIVATE KEY-----" block.');
  }
}

function pickFromJwks(set: JwkSet, kid: string | undefined): JWK {
  const privateKeys = set.keys.filter((k) => k.d !== undefined);
  if (privateKeys.length === 0) throw inputError('key-not-private', 'the JWKS holds only public keys', 'Pass the JWKS with private keys (with "d"), or the PEM private key.');
  if (kid !== undefined) {
    const match = privateKeys.find((k) => k.kid === kid);
    if (match === undefined) throw usageError('kid-not-found', `no private key with kid "${kid}" in the JWKS (kids: ${privateKeys.map((k) => k.kid ?? '(none)').join(', ')})`, 'Pick one of the listed kids with --kid.');
    return match;
  }
  const [only, ...rest] = privateKeys;
  if (only === undefined) throw inputError('key-not-private', 'the JWKS holds only public keys');
  if (rest.length > 0) throw usageError('kid-required', `the JWKS holds ${privateKeys.length} private keys; say which with --kid (kids: ${privateKeys.map((k) => k.kid ?? '(none)').join(', ')})`);
  return only;
}

/** The private JWK in the text, whichever form it came in. */
export function privateJwkFromText(text: string, kid?: string): JWK {
  const trimmed = text.trim();
  if (trimmed === '') throw inputError('key-empty', 'the key file is empty');
  if (trimmed.startsWith('-----BEGIN')) return pemToJwk(trimmed);
  if (trimmed.startsWith('{')) {
    const doc = parseJson(trimmed, 'key');
    if (isObject(doc) && Array.isArray(doc['keys'])) return pickFromJwks(jwksFromJson(doc), kid);
    if (isObject(doc) && typeof doc['kty'] === 'string') {
      if (doc['d'] === undefined) throw inputError('key-not-private', 'the JWK is a public key', 'Pass the private JWK (with "d").');
      return doc as JWK;
    }
    throw inputError('key-malformed', 'the JSON is neither a JWK nor a JWKS', 'A JWK has "kty"; a JWKS has "keys".');
  }
  throw inputError('key-malformed', 'the key is neither PEM nor JSON', 'Pass a PEM private key (PKCS#8, PKCS#1 or SEC1), a JWK or a JWKS.');
}

export async function loadPrivateKey(text: string, options: { kid?: string | undefined; alg?: string | undefined } = {}): Promise<LoadedKey> {
  const jwk = privateJwkFromText(text, options.kid);
  const derived = typeof jwk.alg === 'string' ? jwk.alg : algForJwk(jwk);
  const alg = options.alg ?? derived;
  if (!algFitsKey(alg, jwk)) {
    throw usageError('alg-key-mismatch', `--alg ${alg} does not fit this ${jwk.kty === 'EC' ? `EC ${jwk.crv ?? ''}` : (jwk.kty ?? '')} key (it signs ${algForJwk(jwk)})`, `Drop --alg to use ${algForJwk(jwk)}, or use a key of the right type.`);
  }
  let privateKey: CryptoKey;
  try {
    const imported = await importJWK({ ...jwk, alg }, alg);
    if (imported instanceof Uint8Array) throw new Error('symmetric');
    privateKey = imported;
  } catch {
    throw inputError('key-malformed', 'the private key cannot be imported (damaged or inconsistent members)', 'Regenerate it with `smartctl keygen`.');
  }
  const pub = publicPart(jwk);
  // Prove the private and public halves belong together (a pasted mix-up fails here, not at the server).
  createPublicKey({ key: pub as import('node:crypto').JsonWebKey, format: 'jwk' });
  const kid = options.kid ?? (typeof jwk.kid === 'string' ? jwk.kid : await calculateJwkThumbprint(pub, 'sha256'));
  return { privateKey, alg, kid, publicJwk: { ...pub, kid, alg, use: 'sig' } };
}

export function publicJwks(key: LoadedKey): JwkSet {
  return { keys: [key.publicJwk] };
}
