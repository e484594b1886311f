// Test helpers for driving the sandbox over real HTTP on 127.0.0.1: PKCE pairs,
// authorize requests (with the auto-approve header), token requests, client
// assertions. Plain fetch; nothing is stubbed.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { importPKCS8, SignJWT } from 'jose';
import type { SandboxHandle } from '../../src/sandbox/types.js';

export const REDIRECT = 'http://127.0.0.1:5555/callback';

export interface Pkce {
  verifier: string;
  challenge: string;
}

export function pkce(): Pkce {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export function tokenUrl(sb: SandboxHandle): string {
  return `${sb.issuer}/token`;
}

export function authorizeParams(sb: SandboxHandle, p: Pkce, overrides: Record<string, string | undefined> = {}): URLSearchParams {
  const base: Record<string, string | undefined> = {
    response_type: 'code',
    client_id: sb.demoClients.public,
    redirect_uri: REDIRECT,
    scope: 'openid fhirUser launch/patient offline_access patient/*.rs',
    state: `state-${randomUUID()}`,
    aud: sb.fhirBaseUrl,
    code_challenge: p.challenge,
    code_challenge_method: 'S256',
    nonce: `nonce-${randomUUID()}`,
    ...overrides,
  };
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(base)) if (v !== undefined) params.set(k, v);
  return params;
}

export interface AuthorizeAnswer {
  status: number;
  location: string | null;
  setCookie: string | null;
  body: string;
  /** The redirect's query, when it is one. */
  query: URLSearchParams;
}

export async function authorize(sb: SandboxHandle, params: URLSearchParams, options: { autoApprove?: boolean; cookie?: string; method?: 'GET' | 'POST' } = {}): Promise<AuthorizeAnswer> {
  const headers: Record<string, string> = {};
  if (options.autoApprove !== false) headers['x-sandbox-auto-approve'] = '1';
  if (options.cookie !== undefined) headers['cookie'] = options.cookie;
  const url = new URL(`${sb.issuer}/authorize`);
  let res: Response;
  if (options.method === 'POST') {
    res = await fetch(url, { method: 'POST', redirect: 'manual', headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' }, body: params.toString() });
  } else {
    url.search = params.toString();
    res = await fetch(url, { redirect: 'manual', headers });
  }
  const location = res.headers.get('location');
  const body = await res.text();
  return { status: res.status, location, setCookie: res.headers.get('set-cookie'), body, query: location === null ? new URLSearchParams() : new URL(location, sb.issuer).searchParams };
}

export interface TokenAnswer {
  status: number;
  headers: Headers;
  json: Record<string, unknown>;
  text: string;
}

export async function postForm(url: string, form: Record<string, string>, headers: Record<string, string> = {}): Promise<TokenAnswer> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(form).toString() });
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    json = {};
  }
  return { status: res.status, headers: res.headers, json, text };
}

/** authorize (auto-approved) then exchange the code: the token response. */
export async function codeFlow(sb: SandboxHandle, overrides: Record<string, string | undefined> = {}): Promise<{ token: TokenAnswer; params: URLSearchParams; pkce: Pkce; code: string }> {
  const p = pkce();
  const params = authorizeParams(sb, p, overrides);
  const answer = await authorize(sb, params);
  const code = answer.query.get('code');
  if (answer.status !== 302 || code === null) throw new Error(`authorize did not give a code: ${answer.status} ${answer.location ?? answer.body}`);
  const token = await postForm(tokenUrl(sb), { grant_type: 'authorization_code', code, redirect_uri: params.get('redirect_uri') ?? '', client_id: params.get('client_id') ?? '', code_verifier: p.verifier });
  return { token, params, pkce: p, code };
}

export function backendClient(sb: SandboxHandle): { clientId: string; keyFile: string; kid: string } {
  const c = sb.clients.find((x) => x.client_id === sb.demoClients.backend);
  const kid = c?.jwks?.keys[0]?.['kid'];
  if (c?.private_key_file === undefined || typeof kid !== 'string') throw new Error('no backend demo client');
  return { clientId: c.client_id, keyFile: c.private_key_file, kid };
}

export interface AssertionOptions {
  alg?: string;
  kid?: string | null;
  iss?: string;
  sub?: string;
  aud?: string;
  expIn?: number;
  jti?: string | null;
  /** PEM of another key to sign with. */
  pem?: string;
}

export async function clientAssertion(sb: SandboxHandle, options: AssertionOptions = {}): Promise<string> {
  const backend = backendClient(sb);
  const pem = options.pem ?? (await readFile(backend.keyFile, 'utf8'));
  const alg = options.alg ?? 'ES384';
  const key = await importPKCS8(pem, alg);
  const now = Math.floor(Date.now() / 1000);
  const header: Record<string, unknown> = { alg, typ: 'JWT' };
  const kid = options.kid === undefined ? backend.kid : options.kid;
  if (kid !== null) header['kid'] = kid;
  const claims: Record<string, unknown> = { iss: options.iss ?? backend.clientId, sub: options.sub ?? backend.clientId, aud: options.aud ?? tokenUrl(sb), exp: now + (options.expIn ?? 240), iat: now };
  const jti = options.jti === undefined ? randomUUID() : options.jti;
  if (jti !== null) claims['jti'] = jti;
  return new SignJWT(claims).setProtectedHeader(header as { alg: string }).sign(key);
}

export async function backendToken(sb: SandboxHandle, assertion: string, scope = 'system/*.rs', headers: Record<string, string> = {}): Promise<TokenAnswer> {
  return postForm(tokenUrl(sb), { grant_type: 'client_credentials', scope, client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: assertion }, headers);
}

export function decodePayload(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
}

export function decodeHeader(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[0] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
}
