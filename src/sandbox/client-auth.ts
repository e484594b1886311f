// Client authentication at the token, introspection and revocation endpoints:
// none (public, client_id in the body), client_secret_basic, client_secret_post
// (RFC 6749 §2.3.1) and private_key_jwt as SMART requires it
// (client-confidential-asymmetric: RS384/ES384, kid, iss = sub = client_id,
// aud = the token endpoint, exp at most 5 minutes ahead, jti not replayed,
// signature against the client's registered JWKS).
import { timingSafeEqual, createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { createRemoteJWKSet, importJWK, jwtVerify, type CryptoKey, type JWTVerifyGetKey, type KeyObject } from 'jose';
import { isSmartctlError } from '../errors.js';
import { lintClientAssertion } from '../protocol/jwt/client-assertion.js';
import { decodeJwt as decodeToken, type DecodedJwt } from '../protocol/jwt/decode.js';
import type { SandboxContext } from './context.js';
import type { ClientRegistration } from './types.js';

export const JWT_BEARER_ASSERTION = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const SMART_ASSERTION_ALGS = ['RS384', 'ES384'];
/** Seconds of clock drift allowed when the signature is verified. */
const CLOCK_LEEWAY_S = 5;

export type ClientAuthMethod = ClientRegistration['token_endpoint_auth_method'];

export type ClientAuthResult =
  | { ok: true; client: ClientRegistration; method: ClientAuthMethod }
  | { ok: false; error: 'invalid_client' | 'invalid_request'; description: string; page?: string | undefined; basicChallenge?: boolean | undefined };

function invalidClient(description: string, page?: string, basicChallenge?: boolean): ClientAuthResult {
  return { ok: false, error: 'invalid_client', description, page, basicChallenge };
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

function secretsEqual(a: string, b: string): boolean {
  return timingSafeEqual(sha256(a), sha256(b));
}

function decodeFormComponent(text: string): string | undefined {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}

/** RFC 6749 §2.3.1: Basic base64(urlencode(client_id) ":" urlencode(client_secret)). */
export function parseBasic(value: string): { id: string; secret: string } | undefined {
  const encoded = value.slice(value.indexOf(' ') + 1).trim();
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) return undefined;
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return undefined;
  const id = decodeFormComponent(decoded.slice(0, colon));
  const secret = decodeFormComponent(decoded.slice(colon + 1));
  return id === undefined || secret === undefined ? undefined : { id, secret };
}

const keyCache = new WeakMap<ClientRegistration, Map<string, CryptoKey | KeyObject | Uint8Array>>();
const remoteCache = new WeakMap<ClientRegistration, JWTVerifyGetKey>();

async function registeredKey(client: ClientRegistration, kid: string, alg: string): Promise<CryptoKey | KeyObject | Uint8Array | JWTVerifyGetKey | { unusable: string } | undefined> {
  if (client.jwks !== undefined) {
    let cache = keyCache.get(client);
    if (cache === undefined) {
      cache = new Map();
      keyCache.set(client, cache);
    }
    const cacheKey = `${kid} ${alg}`;
    const hit = cache.get(cacheKey);
    if (hit !== undefined) return hit;
    const jwk = client.jwks.keys.find((k) => k['kid'] === kid);
    if (jwk === undefined) return undefined;
    let key: CryptoKey | KeyObject | Uint8Array;
    try {
      key = await importJWK(jwk, alg);
    } catch {
      // An RS384 header naming an EC key (or any pair jose cannot import): the client's mistake, not ours.
      return { unusable: `key "${kid}" registered for "${client.client_id}" is an ${typeof jwk['kty'] === 'string' ? jwk['kty'] : 'unknown-type'} key${typeof jwk['crv'] === 'string' ? ` (${jwk['crv']})` : ''}; it cannot verify an ${alg} signature: sign with the algorithm of that key (assertion-signature-invalid)` };
    }
    cache.set(cacheKey, key);
    return key;
  }
  if (client.jwks_uri !== undefined) {
    let remote = remoteCache.get(client);
    if (remote === undefined) {
      remote = createRemoteJWKSet(new URL(client.jwks_uri));
      remoteCache.set(client, remote);
    }
    return remote;
  }
  return undefined;
}

function decodeAssertion(assertion: string): DecodedJwt | undefined {
  try {
    const token = decodeToken(assertion);
    return token.kind === 'jwt' ? token : undefined;
  } catch (error) {
    if (isSmartctlError(error)) return undefined;
    throw error;
  }
}

/**
 * Verifies a private_key_jwt client assertion. The claim rules are smartctl's own
 * client-assertion lint (protocol/jwt/client-assertion.ts), so error_description names
 * the same finding id `smartctl jwt-assert --check` would give; then the kid, the
 * client registration, jti replay and the signature against the registered JWKS.
 */
export async function verifyClientAssertion(ctx: SandboxContext, assertionType: string | null, assertion: string | null, bodyClientId: string | null): Promise<ClientAuthResult> {
  const page = 'invalid-client-assertion';
  if (assertionType !== JWT_BEARER_ASSERTION) return invalidClient(`client_assertion_type: expected "${JWT_BEARER_ASSERTION}", got ${assertionType === null ? '(missing)' : `"${assertionType}"`}`, page);
  if (assertion === null || assertion === '') return { ok: false, error: 'invalid_request', description: 'client_assertion is missing' };
  const token = decodeAssertion(assertion);
  if (token === undefined) return invalidClient('client_assertion is not a compact JWS JWT (three base64url parts with JSON header and claims)', page);
  const iss = typeof token.payload['iss'] === 'string' ? token.payload['iss'] : undefined;
  const now = ctx.nowSeconds();
  const problem = lintClientAssertion(token, { clientId: bodyClientId ?? iss, tokenEndpoint: ctx.urls.token, now: new Date(now * 1000), allowedAlgs: [] }).find((f) => f.severity === 'error');
  if (problem !== undefined) return invalidClient(`${problem.title}: ${problem.detail} (${problem.id})`, page);
  const alg = String(token.header['alg']);
  const kid = token.header['kid'];
  if (typeof kid !== 'string' || kid === '') return invalidClient('client assertion header has no kid: SMART requires the kid of a key in the registered JWKS (assertion-kid-missing)', page);
  if (iss === undefined) return invalidClient('client assertion has no iss (must be the client_id)', page);
  const client = ctx.clients.get(iss);
  if (client === undefined) return invalidClient(`client assertion iss "${iss}" is not a registered client_id`, page);
  if (client.token_endpoint_auth_method !== 'private_key_jwt') return invalidClient(`client "${client.client_id}" is registered for ${client.token_endpoint_auth_method}, not private_key_jwt`, page);
  const jti = String(token.payload['jti']);
  const exp = Number(token.payload['exp']);
  const jtiKey = `${client.client_id} ${jti}`;
  // RFC 7523 §3: reserve the jti before the first await, so the same assertion sent many
  // times at once is accepted once; the reservation is released only if the assertion is
  // refused for another reason (key, signature), so a corrected retry is not a "replay".
  if (ctx.store.jtis.get(jtiKey) !== undefined) return invalidClient(`client assertion jti "${jti}" was already used (replay; assertion-jti-reused)`, page);
  ctx.store.jtis.set(jtiKey, { exp: exp + CLOCK_LEEWAY_S });
  let accepted = false;
  try {
    const result = await verifyAssertionSignature(client, assertion, kid, alg, now);
    accepted = result.ok;
    return result;
  } finally {
    if (!accepted) ctx.store.jtis.delete(jtiKey);
  }
}

async function verifyAssertionSignature(client: ClientRegistration, assertion: string, kid: string, alg: string, now: number): Promise<ClientAuthResult> {
  const page = 'invalid-client-assertion';
  const key = await registeredKey(client, kid, alg);
  if (key === undefined) return invalidClient(`no key with kid "${kid}" in the JWKS registered for "${client.client_id}" (assertion-key-not-resolvable)`, page);
  if ('unusable' in key) return invalidClient(key.unusable, page);
  const options = { algorithms: SMART_ASSERTION_ALGS, clockTolerance: CLOCK_LEEWAY_S, currentDate: new Date(now * 1000) };
  try {
    if (typeof key === 'function') await jwtVerify(assertion, key, options);
    else await jwtVerify(assertion, key, options);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'ERR_JWKS_NO_MATCHING_KEY') return invalidClient(`no key with kid "${kid}" at the jwks_uri registered for "${client.client_id}" (assertion-key-not-resolvable)`, page);
    if (code === 'ERR_JWKS_TIMEOUT' || code === 'ERR_JOSE_GENERIC') return invalidClient(`the jwks_uri registered for "${client.client_id}" could not be read (assertion-key-not-resolvable)`, page);
    return invalidClient(`client assertion signature does not verify with key "${kid}" registered for "${client.client_id}" (assertion-signature-invalid)`, page);
  }
  return { ok: true, client, method: 'private_key_jwt' };
}

function usesSecret(client: ClientRegistration): boolean {
  return client.token_endpoint_auth_method === 'client_secret_basic' || client.token_endpoint_auth_method === 'client_secret_post';
}

/**
 * RFC 6749 §6: a public client refreshes with grant_type and refresh_token alone (what
 * fhirclient sends by default). The refresh token is bound to the client it was issued
 * to, so it names that client; only a public client is taken from it. A confidential
 * client's refresh token without its credentials is still refused.
 */
function publicRefreshClient(ctx: SandboxContext, body: URLSearchParams): ClientAuthResult | undefined {
  if (body.get('grant_type') !== 'refresh_token' || body.has('client_secret')) return undefined;
  const token = body.get('refresh_token');
  const record = token === null ? undefined : ctx.store.refreshTokens.get(token);
  const client = record === undefined ? undefined : ctx.clients.get(record.clientId);
  if (client === undefined || client.token_endpoint_auth_method !== 'none') return undefined;
  return { ok: true, client, method: 'none' };
}

/** Authenticates the client of a token, introspection or revocation request. */
export async function authenticateClient(ctx: SandboxContext, req: IncomingMessage, body: URLSearchParams): Promise<ClientAuthResult> {
  const strict = ctx.faults.some((f) => f.strictAuthorizationHeader === true);
  const header = req.headers.authorization;
  const bodyClientId = body.get('client_id');
  const hasAssertion = body.has('client_assertion') || body.has('client_assertion_type');
  let basic: { id: string; secret: string } | undefined;
  if (header !== undefined) {
    const scheme = header.split(' ')[0]?.toLowerCase() ?? '';
    if (scheme === 'bearer') {
      return invalidClient(
        'the Authorization header carries a Bearer token; a token endpoint takes client credentials as Basic, or a client assertion in the body (client_assertion_type + client_assertion)',
        'invalid-authorization-header',
      );
    }
    if (scheme === 'basic') {
      basic = parseBasic(header);
      if (basic === undefined) return invalidClient('the Basic Authorization header is not base64(client_id:client_secret)', 'invalid-authorization-header', true);
    } else if (strict) {
      return invalidClient(`unexpected Authorization scheme "${header.split(' ')[0] ?? ''}" on a token request`, 'invalid-authorization-header');
    }
  }
  if (hasAssertion) {
    if (basic !== undefined && strict) return invalidClient('a Basic Authorization header was sent together with a client assertion; use one client authentication method (RFC 6749 §2.3)', 'invalid-authorization-header');
    // Tolerated beside an assertion (the strict-client-auth-header fault refuses it): a Basic
    // header naming the assertion's own client; one naming another client is refused.
    if (basic !== undefined && bodyClientId !== null && bodyClientId !== basic.id) return { ok: false, error: 'invalid_request', description: `client_id "${bodyClientId}" in the body differs from "${basic.id}" in the Authorization header` };
    return verifyClientAssertion(ctx, body.get('client_assertion_type'), body.get('client_assertion'), bodyClientId ?? basic?.id ?? null);
  }
  if (basic !== undefined) {
    const client = ctx.clients.get(basic.id);
    if (client === undefined) return invalidClient(`client_id "${basic.id}" (from the Basic Authorization header) is not registered`, undefined, true);
    if (bodyClientId !== null && bodyClientId !== basic.id) return { ok: false, error: 'invalid_request', description: `client_id "${bodyClientId}" in the body differs from "${basic.id}" in the Authorization header` };
    // RFC 6749 §2.3: one method per request; a second secret in the body would go unchecked.
    if (body.has('client_secret')) return { ok: false, error: 'invalid_request', description: 'client_secret was sent both in the Basic Authorization header and in the body; use one client authentication method (RFC 6749 §2.3)' };
    if (!usesSecret(client)) {
      if (strict || client.token_endpoint_auth_method === 'private_key_jwt') {
        return invalidClient(`client "${client.client_id}" is registered for ${client.token_endpoint_auth_method}, but the request sent a Basic Authorization header`, 'invalid-authorization-header', true);
      }
      // A public client may name itself in a Basic header, but it has no secret to send.
      if (basic.secret !== '') return invalidClient(`client "${client.client_id}" is a public client (none) and has no client_secret, but the Basic Authorization header carries one`, 'invalid-authorization-header', true);
      return { ok: true, client, method: 'none' };
    }
    if (client.client_secret === undefined || !secretsEqual(basic.secret, client.client_secret)) return invalidClient(`wrong client_secret for "${client.client_id}"`, undefined, true);
    return { ok: true, client, method: 'client_secret_basic' };
  }
  if (bodyClientId === null || bodyClientId === '') {
    const publicRefresh = publicRefreshClient(ctx, body);
    if (publicRefresh !== undefined) return publicRefresh;
    return invalidClient('no client authentication: send client_id (public client), client credentials, or a client assertion');
  }
  const client = ctx.clients.get(bodyClientId);
  if (client === undefined) return invalidClient(`client_id "${bodyClientId}" is not registered`);
  const secret = body.get('client_secret');
  if (secret !== null) {
    if (!usesSecret(client)) return invalidClient(`client "${client.client_id}" is registered for ${client.token_endpoint_auth_method} and has no client_secret`);
    if (client.client_secret === undefined || !secretsEqual(secret, client.client_secret)) return invalidClient(`wrong client_secret for "${client.client_id}"`);
    return { ok: true, client, method: 'client_secret_post' };
  }
  if (client.token_endpoint_auth_method !== 'none') {
    return invalidClient(`client "${client.client_id}" is confidential (${client.token_endpoint_auth_method}) but the request carries no client credentials`, undefined, usesSecret(client));
  }
  return { ok: true, client, method: 'none' };
}
