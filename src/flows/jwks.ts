// Getting a key set to verify against: a file, a URL, or an issuer's OpenID discovery
// (jwks_uri). All HTTP goes through the traced client.
import { networkError } from '../errors.js';
import { readTextFile } from './local-file.js';
import type { HttpClient } from '../http/client.js';
import { jwksFromJson, parseJwks, type JwkSet } from '../protocol/keys.js';

export interface JwksSource {
  jwks: JwkSet;
  /** Where it came from: the file path, the URL, or the jwks_uri found by discovery. */
  from: string;
  /** The issuer whose discovery named it, when it came that way. */
  issuer?: string | undefined;
}

async function fetchJwks(client: HttpClient, url: string): Promise<JwkSet> {
  const { json } = await client.requestJson({ step: 'jwks', url });
  try {
    return jwksFromJson(json);
  } catch (error) {
    throw networkError('jwks-invalid', `${url} did not return a usable JWK Set: ${(error as Error).message}`, 'Check jwks_uri; it must answer {"keys":[...]}.');
  }
}

/** --jwks <file|url> */
export async function loadJwks(client: HttpClient, source: string): Promise<JwksSource> {
  if (/^https?:\/\//i.test(source)) return { jwks: await fetchJwks(client, source), from: source };
  return { jwks: parseJwks(await readTextFile(source, 'JWKS file')), from: source };
}

/** OpenID discovery: <issuer>/.well-known/openid-configuration -> jwks_uri -> keys. */
export async function jwksFromIssuer(client: HttpClient, issuer: string): Promise<JwksSource> {
  const url = `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
  const { json } = await client.requestJson({ step: 'openid-configuration', url });
  const jwksUri = json !== null && typeof json === 'object' ? (json as Record<string, unknown>)['jwks_uri'] : undefined;
  if (typeof jwksUri !== 'string') throw networkError('jwks-uri-missing', `${url} names no jwks_uri`, 'The issuer must publish jwks_uri in its OpenID configuration.');
  return { jwks: await fetchJwks(client, jwksUri), from: jwksUri, issuer };
}
