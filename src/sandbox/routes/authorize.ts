// The authorize endpoint (GET, and POST for authorize-post), SMART App Launch 2.x
// "Obtain authorization code". Errors about the client or redirect_uri get an HTML
// page (the server must not redirect to an unverified URI); the rest go back to the
// app as error/error_description/state (RFC 6749 §4.1.2.1). With auto-approve
// (--auto-approve, or the request header x-sandbox-auto-approve: 1) the code comes
// back at once for the default user and patient; otherwise the login, patient
// picker and consent pages run (./login-pages.ts).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AUTO_APPROVE_HEADER, SESSION_COOKIE, type SandboxContext } from '../context.js';
import { BodyTooLargeError, mediaType, parseCookies, readBody, redirect } from '../http-io.js';
import { findRegisteredRedirect } from '../redirect-uri.js';
import { decideScopes } from '../grant.js';
import { LIFETIME, newId, type AuthorizationRequest, type LaunchContext, type PendingAuthorization } from '../store.js';
import type { DemoUser } from '../types.js';
import { redirectError, sendErrorPage } from './error-pages.js';

const PKCE_CHALLENGE = /^[A-Za-z0-9._~-]{43,128}$/;
const SINGLE_VALUED = ['response_type', 'client_id', 'redirect_uri', 'scope', 'state', 'aud', 'code_challenge', 'code_challenge_method', 'launch', 'nonce', 'prompt'];

async function readParams(req: IncomingMessage, query: URLSearchParams): Promise<URLSearchParams | string> {
  if (req.method === 'GET' || req.method === 'HEAD') return query;
  if (mediaType(req) !== 'application/x-www-form-urlencoded') return `authorize-post needs an application/x-www-form-urlencoded body, got "${req.headers['content-type'] ?? '(no content-type)'}"`;
  try {
    return new URLSearchParams(await readBody(req));
  } catch (error) {
    if (error instanceof BodyTooLargeError) return error.message;
    throw error;
  }
}

export function sessionCookie(id: string): string {
  return `${SESSION_COOKIE}=${id}; Path=/; HttpOnly; SameSite=Lax`;
}

export function userById(ctx: SandboxContext, id: string | undefined): DemoUser | undefined {
  return id === undefined ? undefined : ctx.data.users.find((u) => u.id === id);
}

function patientOfUser(user: DemoUser): string | undefined {
  return user.fhirUser.startsWith('Patient/') ? user.fhirUser.slice('Patient/'.length) : undefined;
}

function wantsStandalonePatient(request: AuthorizationRequest): boolean {
  return request.launch === undefined && request.grantable.some((s) => s === 'launch/patient' || s === 'launch/encounter');
}

/** After sign-in: who the patient is, or that the picker must run. */
export function resolvePatient(ctx: SandboxContext, pending: PendingAuthorization, user: DemoUser, pickDefault: boolean): void {
  const { request } = pending;
  if (request.launch !== undefined) {
    pending.patient = request.launch.patient;
    pending.needsPatient = false;
    return;
  }
  if (!wantsStandalonePatient(request)) {
    pending.needsPatient = false;
    return;
  }
  const own = patientOfUser(user);
  if (own !== undefined) {
    pending.patient = own;
    pending.needsPatient = false;
  } else if (pickDefault) {
    pending.patient = ctx.data.defaultPatient.id;
    pending.needsPatient = false;
  } else {
    pending.needsPatient = pending.patient === undefined;
  }
}

/** Issues the code for the chosen scopes and sends the browser back to the app. */
export function completeAuthorization(ctx: SandboxContext, res: ServerResponse, pending: PendingAuthorization, scope: string[], headers: Record<string, string> = {}): void {
  const { request } = pending;
  const user = userById(ctx, pending.userId) ?? ctx.data.defaultUser;
  const ehr = request.launch;
  const has = (s: string): boolean => scope.includes(s);
  let patient: string | undefined;
  let encounter: string | undefined;
  if (ehr !== undefined) {
    // In an EHR launch the EHR's context is the context: a granted launch/patient or
    // launch/encounter is answered with it, never granted empty (the app would read Patient/null).
    if (has('launch') || has('launch/patient') || has('launch/encounter')) patient = ehr.patient;
    if (has('launch') || has('launch/encounter')) encounter = ehr.encounter;
  } else {
    if (has('launch/patient') || has('launch/encounter')) patient = pending.patient;
    if (has('launch/encounter')) encounter = ctx.data.patients.find((p) => p.id === patient)?.encounterId;
  }
  const now = ctx.nowSeconds();
  const code = newId(32);
  ctx.store.codes.set(code, {
    clientId: request.clientId,
    redirectUri: request.redirectUri,
    codeChallenge: request.codeChallenge,
    nonce: request.nonce,
    scope,
    userId: user.id,
    fhirUser: user.fhirUser,
    patient,
    encounter,
    needPatientBanner: ehr === undefined,
    authTime: pending.authTime ?? now,
    exp: now + LIFETIME.code,
    used: false,
    issued: [],
  });
  const url = new URL(request.redirectUri);
  url.searchParams.set('code', code);
  if (request.state !== undefined) url.searchParams.set('state', request.state);
  redirect(res, url.toString(), headers);
}

/** Sends the browser to the next page the pending authorization needs, or finishes it. */
export function continueAuthorization(ctx: SandboxContext, res: ServerResponse, txId: string, pending: PendingAuthorization, headers: Record<string, string> = {}): void {
  if (pending.userId === undefined) {
    redirect(res, `${ctx.urls.issuer}/login?tx=${encodeURIComponent(txId)}`, headers);
  } else if (pending.needsPatient) {
    redirect(res, `${ctx.urls.issuer}/select-patient?tx=${encodeURIComponent(txId)}`, headers);
  } else {
    redirect(res, `${ctx.urls.issuer}/consent?tx=${encodeURIComponent(txId)}`, headers);
  }
}

export async function handleAuthorize(ctx: SandboxContext, req: IncomingMessage, res: ServerResponse, query: URLSearchParams): Promise<void> {
  const params = await readParams(req, query);
  if (typeof params === 'string') {
    sendErrorPage(res, 400, 'Bad authorize request', params);
    return;
  }
  const cookies = parseCookies(req);
  const sessionId = cookies.get(SESSION_COOKIE);
  for (const fault of ctx.faults) {
    const answer = fault.authorize?.({ params, hasSessionCookie: sessionId !== undefined });
    if (answer !== undefined) {
      sendErrorPage(res, answer.status, answer.title, answer.message);
      return;
    }
  }

  // Not redirectable: the client and its redirect_uri must be known first.
  for (const name of ['client_id', 'redirect_uri']) {
    if (params.getAll(name).length > 1) {
      sendErrorPage(res, 400, 'Invalid request', `${name} appears more than once.`);
      return;
    }
  }
  const clientId = params.get('client_id');
  if (clientId === null || clientId === '') {
    sendErrorPage(res, 400, 'Invalid request', 'client_id is missing.');
    return;
  }
  const client = ctx.clients.get(clientId);
  if (client === undefined) {
    sendErrorPage(res, 400, 'Unknown client', `client_id "${clientId}" is not registered with this sandbox (demo clients: ${[...ctx.clients.keys()].join(', ')}).`);
    return;
  }
  const redirectUri = params.get('redirect_uri');
  if (redirectUri === null || redirectUri === '') {
    sendErrorPage(res, 400, 'Invalid request', `redirect_uri is missing; SMART requires it. Registered for "${clientId}": ${client.redirect_uris.join(', ') || '(none)'}.`);
    return;
  }
  if (findRegisteredRedirect(client.redirect_uris, redirectUri, ctx.faults) === undefined) {
    sendErrorPage(
      res,
      400,
      'redirect_uri not registered',
      `redirect_uri "${redirectUri}" does not match any registered for "${clientId}": ${client.redirect_uris.map((u) => `"${u}"`).join(', ') || '(none)'} (exact match; loopback URIs match on any port, RFC 8252 §7.3).`,
    );
    return;
  }

  const state = params.get('state') ?? undefined;
  const fail = (error: string, description: string): void => redirectError(ctx, res, redirectUri, error, description, state);
  const repeated = SINGLE_VALUED.find((n) => params.getAll(n).length > 1);
  if (repeated !== undefined) return fail('invalid_request', `${repeated} appears more than once`);
  if (!client.grant_types.includes('authorization_code')) return fail('unauthorized_client', `client "${clientId}" is not registered for authorization_code`);
  const responseType = params.get('response_type');
  if (responseType === null || responseType === '') return fail('invalid_request', 'response_type is missing (expected "code")');
  if (responseType !== 'code') return fail('unsupported_response_type', `response_type must be "code", got "${responseType}"`);
  if (state === undefined || state === '') return fail('invalid_request', 'state is missing; SMART App Launch requires it (RFC 6749 §10.12)');
  const challenge = params.get('code_challenge');
  const method = params.get('code_challenge_method');
  if (challenge === null || challenge === '') return fail('invalid_request', 'code_challenge is missing: PKCE with S256 is required');
  if (method === 'plain') return fail('invalid_request', 'code_challenge_method "plain" is not allowed: use S256');
  if (method !== 'S256') return fail('invalid_request', `code_challenge_method must be "S256", got ${method === null ? '(missing)' : `"${method}"`}`);
  if (!PKCE_CHALLENGE.test(challenge)) return fail('invalid_request', `code_challenge must be 43 to 128 characters of [A-Za-z0-9-._~] (a base64url S256 hash is 43), got ${challenge.length} characters`);
  const aud = params.get('aud');
  if (aud === null || aud === '') return fail('invalid_request', `aud is missing: it must be the FHIR base URL "${ctx.urls.fhirBase}"`);
  if (aud !== ctx.urls.fhirBase) return fail('invalid_request', `aud: expected "${ctx.urls.fhirBase}", got "${aud}"`);
  const scopeDecision = decideScopes(params.get('scope') ?? '', client, ctx.scopes, ctx.faults);
  if (!scopeDecision.ok) return fail('invalid_scope', scopeDecision.description);

  const launchId = params.get('launch');
  let launch: LaunchContext | undefined;
  if (launchId !== null) {
    launch = ctx.store.launches.get(launchId);
    if (launch === undefined) return fail('invalid_request', `launch "${launchId}" is unknown or expired (EHR launch ids live ${LIFETIME.launch} s)`);
  } else if (params.get('scope')?.split(' ').includes('launch')) {
    return fail('invalid_request', 'scope "launch" needs the launch parameter the EHR sent; for a standalone launch ask for launch/patient instead');
  }

  const prompt = (params.get('prompt') ?? '').split(' ').filter((p) => p !== '');
  const session = sessionId === undefined ? undefined : ctx.store.sessions.get(sessionId);
  const autoApprove = ctx.autoApprove || req.headers[AUTO_APPROVE_HEADER] === '1';
  if (prompt.includes('none') && session === undefined && !autoApprove) return fail('login_required', 'prompt=none, but nobody is signed in to the sandbox');

  const now = ctx.nowSeconds();
  const pending: PendingAuthorization = {
    request: { clientId, redirectUri, state, nonce: params.get('nonce') ?? undefined, codeChallenge: challenge, grantable: scopeDecision.granted, launch },
    userId: launch?.userId ?? (prompt.includes('login') ? undefined : session?.userId),
    authTime: prompt.includes('login') ? undefined : session?.authTime,
    needsPatient: false,
    exp: now + LIFETIME.pending,
  };

  if (autoApprove) {
    const user = userById(ctx, pending.userId) ?? ctx.data.defaultUser;
    pending.userId = user.id;
    resolvePatient(ctx, pending, user, true);
    const headers: Record<string, string> = {};
    if (session === undefined) {
      const id = newId();
      ctx.store.sessions.set(id, { userId: user.id, authTime: now, exp: now + LIFETIME.session });
      headers['set-cookie'] = sessionCookie(id);
      pending.authTime = now;
    }
    completeAuthorization(ctx, res, pending, pending.request.grantable, headers);
    return;
  }

  const user = userById(ctx, pending.userId);
  if (user !== undefined) resolvePatient(ctx, pending, user, false);
  const txId = newId();
  ctx.store.pending.set(txId, pending);
  continueAuthorization(ctx, res, txId, pending);
}
