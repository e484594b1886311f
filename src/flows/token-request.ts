// One token request (code exchange, refresh, client_credentials) with the chosen client
// authentication. Sends, records, parses; the checks happen in protocol/ and diagnose/.
import { networkError } from '../errors.js';
import { TRUNCATED_BODY, type HttpClient, type HttpResponse } from '../http/client.js';
import { applyClientAuth, type ClientAuthMethod } from '../protocol/client-auth/index.js';
import { buildClientAssertion } from '../protocol/client-auth/private-key-jwt.js';
import type { LoadedKey } from '../protocol/keys.js';

export interface ClientAuthConfig {
  method: ClientAuthMethod;
  clientId: string;
  clientSecret?: string | undefined;
  key?: LoadedKey | undefined;
  assertionInHeader?: boolean | undefined;
}

export interface TokenExchange {
  response: HttpResponse;
  /** Parsed JSON body, when it was JSON. */
  json?: unknown;
  /** The client assertion sent (private_key_jwt). */
  assertion?: string | undefined;
}

export async function requestToken(client: HttpClient, o: { step: string; tokenEndpoint: string; params: Record<string, string>; auth: ClientAuthConfig; now: Date }): Promise<TokenExchange> {
  let assertion: string | undefined;
  if (o.auth.method === 'private_key_jwt' && o.auth.key !== undefined) {
    assertion = await buildClientAssertion({ key: o.auth.key, clientId: o.auth.clientId, tokenEndpoint: o.tokenEndpoint, now: o.now });
  }
  const applied = applyClientAuth(o.auth.method, { clientId: o.auth.clientId, clientSecret: o.auth.clientSecret, assertion, assertionInHeader: o.auth.assertionInHeader });
  const response = await client.request({
    step: o.step,
    url: o.tokenEndpoint,
    method: 'POST',
    headers: { accept: 'application/json', ...applied.headers },
    body: new URLSearchParams({ ...o.params, ...applied.params }),
  });
  // A cut body is never read as a token response: no verdict can come from half of one.
  if (response.truncated) {
    throw networkError('body-too-large', `${o.step}: POST ${o.tokenEndpoint} answered HTTP ${response.status}, but ${TRUNCATED_BODY}; it was not read as a token response`, 'A token response is a few kilobytes: check the token endpoint URL, and run with --verbose to see the start of the response.');
  }
  let json: unknown;
  try {
    json = JSON.parse(response.body);
  } catch {
    json = undefined;
  }
  return { response, json, assertion };
}
