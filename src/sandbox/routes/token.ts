// The token endpoint: authorization_code (PKCE S256, single-use codes, same
// redirect_uri), refresh_token (only when offline_access or online_access was
// granted; rotated), client_credentials (backend services). Answers per SMART App
// Launch 2.x "Obtain access token" and RFC 6749 §5.1; errors per §5.2 with an
// error_uri naming a sandbox page that explains the error.
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SandboxContext } from '../context.js';
import { authenticateClient } from '../client-auth.js';
import { BodyTooLargeError, mediaType, readBody, sendJson } from '../http-io.js';
import { decideScopes } from '../grant.js';
import { signIdToken } from '../id-token.js';
import { LIFETIME, newId, type GrantContext } from '../store.js';
import type { ClientRegistration } from '../types.js';
import { sendOAuthError } from './error-pages.js';
import { userById } from './authorize.js';

const NO_STORE = { 'cache-control': 'no-store', pragma: 'no-cache' };

type TokenResult = { ok: true; body: Record<string, unknown> } | { ok: false; error: string; description: string };

function grantError(error: string, description: string): TokenResult {
  return { ok: false, error, description };
}

function s256(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

const VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/;

/** Issues the access token (and refresh token, id_token, context) for a grant. */
async function issueTokens(ctx: SandboxContext, grant: GrantContext, options: { nonce?: string | undefined; withIdToken: boolean; issued?: string[] | undefined }): Promise<{ body: Record<string, unknown>; accessToken: string; refreshToken?: string | undefined }> {
  const now = ctx.nowSeconds();
  const exp = now + LIFETIME.accessToken;
  // A refresh token only with offline_access/online_access granted (SMART) and a client registered for the grant.
  const wantsRefresh = (grant.scope.includes('offline_access') || grant.scope.includes('online_access')) && ctx.clients.get(grant.clientId)?.grant_types.includes('refresh_token') === true;
  const refreshToken = wantsRefresh ? newId(32) : undefined;
  const accessToken = ctx.store.issueAccessToken({
    clientId: grant.clientId,
    scope: grant.scope.join(' '),
    patient: grant.patient,
    encounter: grant.encounter,
    fhirUser: grant.fhirUser,
    exp,
    iat: now,
    userId: grant.userId,
    refreshToken,
  });
  if (refreshToken !== undefined) {
    ctx.store.refreshTokens.set(refreshToken, { ...grant, exp: now + LIFETIME.refreshToken, accessTokens: [accessToken] });
  }
  // Recorded before the first await (id_token signing): a code replayed meanwhile must find them to revoke.
  options.issued?.push(accessToken, ...(refreshToken !== undefined ? [refreshToken] : []));
  const body: Record<string, unknown> = {
    access_token: accessToken,
    token_type: 'Bearer',
    expires_in: LIFETIME.accessToken,
    scope: grant.scope.join(' '),
  };
  if (options.withIdToken && grant.scope.includes('openid') && grant.userId !== undefined) {
    const user = userById(ctx, grant.userId);
    body['id_token'] = await signIdToken(ctx, {
      clientId: grant.clientId,
      userId: grant.userId,
      fhirUser: grant.fhirUser,
      displayName: user?.displayName,
      nonce: options.nonce,
      authTime: grant.authTime,
      scope: grant.scope,
    });
  }
  if (refreshToken !== undefined) body['refresh_token'] = refreshToken;
  if (grant.userId !== undefined) {
    if (grant.patient !== undefined) body['patient'] = grant.patient;
    if (grant.encounter !== undefined) body['encounter'] = grant.encounter;
    if (grant.patient !== undefined || grant.encounter !== undefined) {
      body['need_patient_banner'] = grant.needPatientBanner;
      body['smart_style_url'] = ctx.urls.smartStyle;
    }
  }
  const shaped = ctx.faults.reduce((b, f) => (f.tokenResponse === undefined ? b : f.tokenResponse(b)), body);
  return { body: shaped, accessToken, refreshToken };
}

async function authorizationCodeGrant(ctx: SandboxContext, client: ClientRegistration, body: URLSearchParams): Promise<TokenResult> {
  if (!client.grant_types.includes('authorization_code')) return grantError('unauthorized_client', `client "${client.client_id}" is not registered for authorization_code`);
  const code = body.get('code');
  if (code === null || code === '') return grantError('invalid_request', 'code is missing');
  const record = ctx.store.codes.get(code);
  if (record === undefined) return grantError('invalid_grant', 'the authorization code is unknown or expired (codes live 120 s)');
  if (record.clientId !== client.client_id) return grantError('invalid_grant', `the authorization code was issued to another client, not "${client.client_id}"`);
  if (record.used) {
    // RFC 6749 §4.1.2: a replayed code revokes what it gave.
    for (const token of record.issued) ctx.store.accessTokens.delete(token) || ctx.store.refreshTokens.delete(token);
    return grantError('invalid_grant', 'the authorization code was already used; tokens issued with it are revoked');
  }
  const redirectUri = body.get('redirect_uri');
  if (redirectUri === null) return grantError('invalid_request', `redirect_uri is missing; send the one the authorize request used ("${record.redirectUri}")`);
  if (redirectUri !== record.redirectUri) return grantError('invalid_grant', `redirect_uri: expected "${record.redirectUri}" (as sent to authorize), got "${redirectUri}"`);
  const verifier = body.get('code_verifier');
  if (verifier === null || verifier === '') return grantError('invalid_request', 'code_verifier is missing (PKCE)');
  if (!VERIFIER.test(verifier)) return grantError('invalid_grant', `code_verifier must be 43 to 128 characters of [A-Za-z0-9-._~] (RFC 7636 §4.1), got ${verifier.length} characters`);
  if (s256(verifier) !== record.codeChallenge) return grantError('invalid_grant', 'PKCE: BASE64URL(SHA256(code_verifier)) does not equal the code_challenge sent to authorize');
  record.used = true;
  const issued = await issueTokens(ctx, record, { nonce: record.nonce, withIdToken: true, issued: record.issued });
  return { ok: true, body: issued.body };
}

async function refreshTokenGrant(ctx: SandboxContext, client: ClientRegistration, body: URLSearchParams): Promise<TokenResult> {
  if (!client.grant_types.includes('refresh_token')) return grantError('unauthorized_client', `client "${client.client_id}" is not registered for refresh_token`);
  const token = body.get('refresh_token');
  if (token === null || token === '') return grantError('invalid_request', 'refresh_token is missing');
  const record = ctx.store.refreshTokens.get(token);
  if (record === undefined) return grantError('invalid_grant', 'the refresh token is unknown, expired or revoked');
  if (record.clientId !== client.client_id) return grantError('invalid_grant', `the refresh token was issued to another client, not "${client.client_id}"`);
  let scope = record.scope;
  const asked = body.get('scope');
  if (asked !== null && asked.trim() !== '') {
    const wanted = asked.split(' ').filter((s) => s !== '');
    const extra = wanted.filter((s) => !record.scope.includes(s));
    if (extra.length > 0) return grantError('invalid_scope', `refresh may not widen the grant: ${extra.map((s) => `"${s}"`).join(', ')} not in the original scope "${record.scope.join(' ')}"`);
    scope = wanted;
  }
  // Rotation: the old refresh token ends here; the response carries a new one.
  ctx.store.refreshTokens.delete(token);
  const issued = await issueTokens(ctx, { ...record, scope }, { withIdToken: true });
  return { ok: true, body: issued.body };
}

async function clientCredentialsGrant(ctx: SandboxContext, client: ClientRegistration, body: URLSearchParams, method: string): Promise<TokenResult> {
  if (!client.grant_types.includes('client_credentials')) return grantError('unauthorized_client', `client "${client.client_id}" is not registered for client_credentials`);
  if (method === 'none') return grantError('unauthorized_client', 'client_credentials needs a confidential client');
  const decision = decideScopes(body.get('scope') ?? '', client, ctx.scopes, ctx.faults);
  if (!decision.ok) return grantError('invalid_scope', decision.description);
  const issued = await issueTokens(ctx, { clientId: client.client_id, scope: decision.granted, needPatientBanner: false }, { withIdToken: false });
  return { ok: true, body: issued.body };
}

export async function handleToken(ctx: SandboxContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'POST') {
    sendOAuthError(ctx, res, 'invalid_request', `the token endpoint takes POST, got ${req.method ?? '?'}`, { status: 405, headers: { allow: 'POST' } });
    return;
  }
  if (mediaType(req) !== 'application/x-www-form-urlencoded') {
    sendOAuthError(ctx, res, 'invalid_request', `the body must be application/x-www-form-urlencoded, got "${req.headers['content-type'] ?? '(no content-type)'}"`);
    return;
  }
  let body: URLSearchParams;
  try {
    body = new URLSearchParams(await readBody(req));
  } catch (error) {
    if (error instanceof BodyTooLargeError) {
      sendOAuthError(ctx, res, 'invalid_request', error.message, { status: 413 });
      return;
    }
    throw error;
  }
  const repeated = [...new Set(body.keys())].find((k) => body.getAll(k).length > 1);
  if (repeated !== undefined) {
    sendOAuthError(ctx, res, 'invalid_request', `${repeated} appears more than once`);
    return;
  }
  const auth = await authenticateClient(ctx, req, body);
  if (!auth.ok) {
    sendOAuthError(ctx, res, auth.error, auth.description, { page: auth.page, headers: auth.basicChallenge === true ? { 'www-authenticate': 'Basic realm="smartctl-sandbox"' } : {} });
    return;
  }
  const grantType = body.get('grant_type');
  let result: TokenResult;
  switch (grantType) {
    case 'authorization_code':
      result = await authorizationCodeGrant(ctx, auth.client, body);
      break;
    case 'refresh_token':
      result = await refreshTokenGrant(ctx, auth.client, body);
      break;
    case 'client_credentials':
      result = await clientCredentialsGrant(ctx, auth.client, body, auth.method);
      break;
    case null:
      result = grantError('invalid_request', 'grant_type is missing');
      break;
    default:
      result = grantError('unsupported_grant_type', `grant_type "${grantType}" is not supported (authorization_code, refresh_token, client_credentials)`);
  }
  if (!result.ok) {
    sendOAuthError(ctx, res, result.error, result.description);
    return;
  }
  sendJson(res, 200, result.body, NO_STORE);
}
