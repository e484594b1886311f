// Client registrations: the demo clients every sandbox has, and the checks for
// clients a user registers with --clients (RFC 7591 client metadata names).
import { randomBytes } from 'node:crypto';
import { inputError } from '../errors.js';
import type { ClientRegistration } from './types.js';
import { createClientKeyPair } from './keys.js';

export const DEMO_CLIENT_IDS = {
  public: 'smartctl-public',
  confidential: 'smartctl-confidential',
  backend: 'smartctl-backend',
} as const;

/** Loopback redirect URIs: any port matches (RFC 8252 §7.3). */
export const DEMO_REDIRECT_URIS = ['http://127.0.0.1/callback', 'http://localhost/callback'];

/** What the app-launch demo clients may be granted (v2 letters cover the v1 spellings too). */
const USER_FACING_SCOPE =
  'openid fhirUser profile launch launch/patient launch/encounter offline_access online_access patient/*.cruds user/*.cruds';

const AUTH_METHODS = ['none', 'client_secret_basic', 'client_secret_post', 'private_key_jwt'] as const;
const GRANT_TYPES = ['authorization_code', 'refresh_token', 'client_credentials'];

export async function demoClients(keyDir: string): Promise<ClientRegistration[]> {
  const backendKey = await createClientKeyPair(keyDir, DEMO_CLIENT_IDS.backend);
  return [
    {
      client_id: DEMO_CLIENT_IDS.public,
      client_name: 'smartctl demo public app (PKCE, no secret)',
      token_endpoint_auth_method: 'none',
      redirect_uris: [...DEMO_REDIRECT_URIS],
      grant_types: ['authorization_code', 'refresh_token'],
      scope: USER_FACING_SCOPE,
    },
    {
      client_id: DEMO_CLIENT_IDS.confidential,
      client_name: 'smartctl demo confidential app (client secret)',
      // A fresh secret per start: the start-up output prints it.
      client_secret: randomBytes(24).toString('base64url'),
      token_endpoint_auth_method: 'client_secret_basic',
      redirect_uris: [...DEMO_REDIRECT_URIS],
      grant_types: ['authorization_code', 'refresh_token'],
      scope: USER_FACING_SCOPE,
    },
    {
      client_id: DEMO_CLIENT_IDS.backend,
      client_name: 'smartctl demo backend service (private_key_jwt, ES384)',
      token_endpoint_auth_method: 'private_key_jwt',
      redirect_uris: [],
      grant_types: ['client_credentials'],
      scope: 'system/*.rs system/*.read',
      jwks: backendKey.jwks,
      private_key_file: backendKey.privateKeyFile,
    },
  ];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fail(where: string, message: string): never {
  throw inputError('sandbox-clients-invalid', `--clients ${where}: ${message}`, 'Give a JSON array of RFC 7591 client metadata objects, e.g. [{"client_id":"my-app","redirect_uris":["http://127.0.0.1/callback"],"token_endpoint_auth_method":"none"}].');
}

function stringArray(where: string, name: string, value: unknown): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || !value.every((v): v is string => typeof v === 'string')) fail(where, `${name} must be an array of strings`);
  return value;
}

function checkRedirectUri(where: string, uri: string): void {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    fail(where, `redirect_uris entry "${uri}" is not an absolute URL`);
  }
  if (url.hash !== '') fail(where, `redirect_uris entry "${uri}" has a fragment, which RFC 6749 §3.1.2 forbids`);
}

function checkJwks(where: string, value: unknown): { keys: Array<Record<string, unknown>> } | undefined {
  if (value === undefined) return undefined;
  if (!isRecord(value) || !Array.isArray(value['keys']) || !value['keys'].every(isRecord)) fail(where, 'jwks must be an object with a "keys" array of JWKs');
  const keys = value['keys'] as Array<Record<string, unknown>>;
  for (const key of keys) {
    if (typeof key['kty'] !== 'string') fail(where, 'every jwks key needs a "kty"');
    if ('d' in key) fail(where, 'jwks holds a private key ("d"); register the public key only');
  }
  return { keys };
}

/** One --clients entry, checked. Throws inputError 'sandbox-clients-invalid'. */
export function checkClientRegistration(value: unknown, index: number): ClientRegistration {
  const where = `entry ${index}`;
  if (!isRecord(value)) fail(where, 'must be a JSON object');
  const clientId = value['client_id'];
  if (typeof clientId !== 'string' || clientId.trim() === '') fail(where, 'client_id is missing (a non-empty string)');
  const at = `entry ${index} ("${clientId}")`;
  const secret = value['client_secret'];
  if (secret !== undefined && (typeof secret !== 'string' || secret === '')) fail(at, 'client_secret must be a non-empty string');
  const methodValue = value['token_endpoint_auth_method'] ?? (secret !== undefined ? 'client_secret_basic' : value['jwks'] !== undefined || value['jwks_uri'] !== undefined ? 'private_key_jwt' : 'none');
  const method = AUTH_METHODS.find((m) => m === methodValue);
  if (method === undefined) fail(at, `token_endpoint_auth_method must be one of ${AUTH_METHODS.join(', ')}, got ${JSON.stringify(methodValue)}`);
  const redirectUris = stringArray(at, 'redirect_uris', value['redirect_uris']) ?? [];
  for (const uri of redirectUris) checkRedirectUri(at, uri);
  const grantTypes = stringArray(at, 'grant_types', value['grant_types']) ?? (redirectUris.length > 0 ? ['authorization_code', 'refresh_token'] : ['client_credentials']);
  for (const g of grantTypes) if (!GRANT_TYPES.includes(g)) fail(at, `grant_types entry "${g}" is not one the sandbox supports (${GRANT_TYPES.join(', ')})`);
  if (grantTypes.includes('authorization_code') && redirectUris.length === 0) fail(at, 'authorization_code needs at least one redirect_uris entry');
  const scope = value['scope'] ?? (grantTypes.includes('client_credentials') ? 'system/*.cruds' : USER_FACING_SCOPE);
  if (typeof scope !== 'string') fail(at, 'scope must be a space-separated string');
  const jwks = checkJwks(at, value['jwks']);
  const jwksUri = value['jwks_uri'];
  if (jwksUri !== undefined) {
    if (typeof jwksUri !== 'string' || !/^https?:\/\//.test(jwksUri)) fail(at, 'jwks_uri must be an http(s) URL');
  }
  if ((method === 'client_secret_basic' || method === 'client_secret_post') && typeof secret !== 'string') fail(at, `${method} needs a client_secret`);
  if (method === 'private_key_jwt' && jwks === undefined && jwksUri === undefined) fail(at, 'private_key_jwt needs jwks or jwks_uri');
  if (method === 'none' && grantTypes.includes('client_credentials')) fail(at, 'client_credentials needs a confidential client (a client_secret or private_key_jwt)');
  const name = value['client_name'];
  return {
    client_id: clientId,
    client_name: typeof name === 'string' ? name : undefined,
    client_secret: typeof secret === 'string' ? secret : undefined,
    token_endpoint_auth_method: method,
    redirect_uris: redirectUris,
    grant_types: grantTypes,
    scope,
    jwks,
    jwks_uri: typeof jwksUri === 'string' ? jwksUri : undefined,
  };
}

/** The content of a --clients file: a JSON array of registrations (or one object). */
export function parseClientsFile(text: string, file: string): ClientRegistration[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw inputError('sandbox-clients-invalid', `--clients ${file} is not JSON: ${error instanceof Error ? error.message : String(error)}`, 'The file must hold a JSON array of RFC 7591 client metadata objects.');
  }
  const list = Array.isArray(json) ? json : [json];
  const clients = list.map((entry, i) => checkClientRegistration(entry, i));
  const seen = new Set<string>();
  for (const c of clients) {
    if (seen.has(c.client_id) || Object.values(DEMO_CLIENT_IDS).some((id) => id === c.client_id)) {
      throw inputError('sandbox-clients-invalid', `--clients ${file}: client_id "${c.client_id}" is registered twice (or is a demo client id)`, 'Give every client a distinct client_id.');
    }
    seen.add(c.client_id);
  }
  return clients;
}
