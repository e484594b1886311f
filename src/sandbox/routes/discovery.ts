// Discovery: <fhir>/.well-known/smart-configuration (SMART App Launch 2.x §
// conformance), <issuer>/.well-known/openid-configuration (OpenID Connect
// Discovery 1.0) and jwks_uri. Every capability listed is true of the sandbox.
import type { ServerResponse } from 'node:http';
import type { SandboxContext } from '../context.js';
import { sendJson } from '../http-io.js';

const CACHE = { 'cache-control': 'public, max-age=60', 'access-control-allow-origin': '*' };

function scopesSupported(ctx: SandboxContext): string[] {
  const v1 = ['patient/*.read', 'patient/*.write', 'patient/*.*', 'user/*.read', 'user/*.write', 'user/*.*', 'system/*.read'];
  const v2 = ['patient/*.cruds', 'patient/*.rs', 'user/*.cruds', 'user/*.rs', 'system/*.rs'];
  const resource = ctx.scopes === 'v1' ? v1 : ctx.scopes === 'v2' ? v2 : [...v2, ...v1];
  return ['openid', 'fhirUser', 'profile', 'launch', 'launch/patient', 'launch/encounter', 'offline_access', 'online_access', ...resource];
}

function capabilities(ctx: SandboxContext): string[] {
  const caps = [
    'launch-ehr',
    'launch-standalone',
    'authorize-post',
    'client-public',
    'client-confidential-symmetric',
    'client-confidential-asymmetric',
    'sso-openid-connect',
    'context-passthrough-banner',
    'context-passthrough-style',
    'context-ehr-patient',
    'context-ehr-encounter',
    'context-standalone-patient',
    'context-standalone-encounter',
    'permission-offline',
    'permission-online',
    'permission-patient',
    'permission-user',
  ];
  if (ctx.scopes !== 'v2') caps.push('permission-v1');
  if (ctx.scopes !== 'v1') caps.push('permission-v2');
  return caps;
}

export function smartConfiguration(ctx: SandboxContext): Record<string, unknown> {
  const doc: Record<string, unknown> = {
    issuer: ctx.urls.issuer,
    jwks_uri: ctx.urls.jwks,
    authorization_endpoint: ctx.urls.authorize,
    grant_types_supported: ['authorization_code', 'refresh_token', 'client_credentials'],
    token_endpoint: ctx.urls.token,
    token_endpoint_auth_methods_supported: ['none', 'client_secret_basic', 'client_secret_post', 'private_key_jwt'],
    token_endpoint_auth_signing_alg_values_supported: ['RS384', 'ES384'],
    introspection_endpoint: ctx.urls.introspect,
    revocation_endpoint: ctx.urls.revoke,
    scopes_supported: scopesSupported(ctx),
    response_types_supported: ['code'],
    code_challenge_methods_supported: ['S256'],
    capabilities: capabilities(ctx),
  };
  return ctx.faults.reduce((d, f) => (f.smartConfiguration === undefined ? d : f.smartConfiguration(d)), doc);
}

export function openidConfiguration(ctx: SandboxContext): Record<string, unknown> {
  const doc: Record<string, unknown> = {
    issuer: ctx.urls.issuer,
    authorization_endpoint: ctx.urls.authorize,
    token_endpoint: ctx.urls.token,
    jwks_uri: ctx.urls.jwks,
    introspection_endpoint: ctx.urls.introspect,
    revocation_endpoint: ctx.urls.revoke,
    scopes_supported: scopesSupported(ctx),
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    grant_types_supported: ['authorization_code', 'refresh_token', 'client_credentials'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['RS256'],
    token_endpoint_auth_methods_supported: ['none', 'client_secret_basic', 'client_secret_post', 'private_key_jwt'],
    token_endpoint_auth_signing_alg_values_supported: ['RS384', 'ES384'],
    claims_supported: ['iss', 'sub', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'fhirUser', 'name'],
    code_challenge_methods_supported: ['S256'],
    prompt_values_supported: ['none', 'login', 'consent'],
  };
  return ctx.faults.reduce((d, f) => (f.openidConfiguration === undefined ? d : f.openidConfiguration(d)), doc);
}

export function handleSmartConfiguration(ctx: SandboxContext, res: ServerResponse): void {
  sendJson(res, 200, smartConfiguration(ctx), CACHE);
}

export function handleOpenidConfiguration(ctx: SandboxContext, res: ServerResponse): void {
  sendJson(res, 200, openidConfiguration(ctx), CACHE);
}

export function handleJwks(ctx: SandboxContext, res: ServerResponse): void {
  sendJson(res, 200, ctx.keys.jwks, { ...CACHE, 'content-type': 'application/jwk-set+json' });
}
