// Token introspection (RFC 7662, SMART "Token Introspection") and revocation
// (RFC 7009). Both take a form POST with `token`; the caller authenticates as a
// client, or (introspection only) with a valid access token as Bearer.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SandboxContext } from '../context.js';
import { authenticateClient } from '../client-auth.js';
import { BodyTooLargeError, mediaType, readBody, sendJson } from '../http-io.js';
import { sendOAuthError } from './error-pages.js';

const NO_STORE = { 'cache-control': 'no-store' };

async function readTokenForm(ctx: SandboxContext, req: IncomingMessage, res: ServerResponse): Promise<URLSearchParams | undefined> {
  if (req.method !== 'POST') {
    sendOAuthError(ctx, res, 'invalid_request', `this endpoint takes POST, got ${req.method ?? '?'}`, { status: 405, headers: { allow: 'POST' } });
    return undefined;
  }
  if (mediaType(req) !== 'application/x-www-form-urlencoded') {
    sendOAuthError(ctx, res, 'invalid_request', 'the body must be application/x-www-form-urlencoded');
    return undefined;
  }
  try {
    const body = new URLSearchParams(await readBody(req));
    if (!body.has('token') || body.get('token') === '') {
      sendOAuthError(ctx, res, 'invalid_request', 'token is missing');
      return undefined;
    }
    return body;
  } catch (error) {
    if (error instanceof BodyTooLargeError) {
      sendOAuthError(ctx, res, 'invalid_request', error.message, { status: 413 });
      return undefined;
    }
    throw error;
  }
}

function bearerCaller(ctx: SandboxContext, req: IncomingMessage): boolean {
  const header = req.headers.authorization ?? '';
  if (!/^bearer\s/i.test(header)) return false;
  const grant = ctx.store.accessTokens.get(header.slice(header.indexOf(' ') + 1).trim());
  return grant !== undefined;
}

export async function handleIntrospect(ctx: SandboxContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = await readTokenForm(ctx, req, res);
  if (body === undefined) return;
  if (!bearerCaller(ctx, req)) {
    const auth = await authenticateClient(ctx, req, body);
    if (!auth.ok) {
      sendOAuthError(ctx, res, auth.error, auth.description, { page: auth.page });
      return;
    }
  }
  const token = body.get('token') ?? '';
  const hint = body.get('token_type_hint');
  const access = hint === 'refresh_token' ? undefined : ctx.store.accessTokens.get(token);
  if (access !== undefined) {
    const answer: Record<string, unknown> = {
      active: true,
      scope: access.scope,
      client_id: access.clientId,
      token_type: 'Bearer',
      exp: access.exp,
      iat: access.iat,
      iss: ctx.urls.issuer,
      aud: ctx.urls.fhirBase,
    };
    if (access.userId !== undefined) answer['sub'] = access.userId;
    if (access.fhirUser !== undefined) answer['fhirUser'] = `${ctx.urls.fhirBase}/${access.fhirUser}`;
    if (access.patient !== undefined) answer['patient'] = access.patient;
    if (access.encounter !== undefined) answer['encounter'] = access.encounter;
    sendJson(res, 200, answer, NO_STORE);
    return;
  }
  const refresh = hint === 'access_token' ? undefined : ctx.store.refreshTokens.get(token);
  if (refresh !== undefined) {
    sendJson(res, 200, { active: true, scope: refresh.scope.join(' '), client_id: refresh.clientId, token_type: 'refresh_token', exp: refresh.exp, iss: ctx.urls.issuer }, NO_STORE);
    return;
  }
  sendJson(res, 200, { active: false }, NO_STORE);
}

export async function handleRevoke(ctx: SandboxContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = await readTokenForm(ctx, req, res);
  if (body === undefined) return;
  const auth = await authenticateClient(ctx, req, body);
  if (!auth.ok) {
    sendOAuthError(ctx, res, auth.error, auth.description, { page: auth.page });
    return;
  }
  const token = body.get('token') ?? '';
  const clientId = auth.client.client_id;
  // RFC 7009 §2.2: unknown tokens and other clients' tokens get 200 as well.
  const access = ctx.store.accessTokens.peek(token);
  if (access !== undefined && access.clientId === clientId) ctx.store.accessTokens.delete(token);
  const refresh = ctx.store.refreshTokens.get(token);
  if (refresh !== undefined && refresh.clientId === clientId) {
    ctx.store.refreshTokens.delete(token);
    for (const t of refresh.accessTokens) ctx.store.accessTokens.delete(t);
  }
  res.writeHead(200, { 'content-length': 0, ...NO_STORE });
  res.end();
}
