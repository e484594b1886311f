// An independent OpenID provider (the npm package oidc-provider) on 127.0.0.1, with a
// thin SMART discovery layer in front of it: <origin>/fhir/.well-known/smart-configuration
// and <origin>/fhir/metadata name the provider's own endpoints. Everything else is
// answered by oidc-provider itself.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Provider from 'oidc-provider';
import { REPO_ROOT } from './run-cli.js';

export interface OidcPeer {
  origin: string;
  /** What smartctl gets as --iss. */
  fhirBaseUrl: string;
  tokenEndpoint: string;
  close(): Promise<void>;
}

export async function freePort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

export async function startOidcPeer(options: { redirectUri: string }): Promise<OidcPeer> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const publicJwks = JSON.parse(readFileSync(path.join(REPO_ROOT, 'fixtures/keys/public.jwks.json'), 'utf8')) as { keys: Array<Record<string, unknown>> };
  const provider = new Provider(origin, {
    clients: [
      { client_id: 'peer-public', token_endpoint_auth_method: 'none', application_type: 'native', redirect_uris: [options.redirectUri], grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'] },
      {
        client_id: 'peer-backend',
        token_endpoint_auth_method: 'private_key_jwt',
        token_endpoint_auth_signing_alg: 'ES384',
        jwks: { keys: publicJwks.keys.filter((k) => k['kid'] === 'ec384') },
        grant_types: ['client_credentials'],
        response_types: [],
        redirect_uris: [],
        scope: 'system/Patient.rs',
      },
    ],
    scopes: ['openid', 'offline_access', 'system/Patient.rs'],
    features: { clientCredentials: { enabled: true }, devInteractions: { enabled: true } },
    enabledJWA: { clientAuthSigningAlgValues: ['ES384', 'RS384', 'ES256', 'RS256'] },
    findAccount: (_ctx: unknown, sub: string) => ({ accountId: sub, claims: () => ({ sub }) }),
  });
  const meta = {
    issuer: origin,
    authorization_endpoint: `${origin}/auth`,
    token_endpoint: `${origin}/token`,
    jwks_uri: `${origin}/jwks`,
    grant_types_supported: ['authorization_code', 'refresh_token', 'client_credentials'],
    token_endpoint_auth_methods_supported: ['none', 'private_key_jwt'],
    token_endpoint_auth_signing_alg_values_supported: ['ES384', 'RS384'],
    scopes_supported: ['openid', 'offline_access', 'system/Patient.rs'],
    response_types_supported: ['code'],
    code_challenge_methods_supported: ['S256'],
    capabilities: ['launch-standalone', 'client-public', 'client-confidential-asymmetric', 'sso-openid-connect', 'permission-v2'],
  };
  const capabilityStatement = { resourceType: 'CapabilityStatement', fhirVersion: '4.0.1', rest: [{ mode: 'server', security: { extension: [{ url: 'http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris', extension: [{ url: 'authorize', valueUri: meta.authorization_endpoint }, { url: 'token', valueUri: meta.token_endpoint }] }] } }] };
  const callback = provider.callback();
  server.on('request', (req, res) => {
    const json = (body: unknown): void => {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    if (req.url === '/fhir/.well-known/smart-configuration') json(meta);
    else if (req.url === '/fhir/metadata') json(capabilityStatement);
    else void callback(req, res);
  });
  return {
    origin,
    fhirBaseUrl: `${origin}/fhir`,
    tokenEndpoint: meta.token_endpoint,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
