// Server hardening: what a SMART server must refuse. FHIR without a token, with an
// invalid or expired one; a code used twice, by another client or with another
// redirect_uri; no PKCE, a wrong verifier, plain; an unknown client or an unregistered
// redirect_uri redirected to; error redirects without state; a code for a wrong aud; a
// refresh token used as a bearer token; a patient/ token reading another patient.
import { parseObject } from '../../diagnose/evidence.js';
import type { RunContext } from '../../diagnose/index.js';
import type { HttpResponse } from '../../http/client.js';
import { createPkce, randomToken } from '../../protocol/pkce.js';
import { makeFinding, type FindingInput } from '../../report/finding.js';
import { CLIENT_ASSERTION_TYPE } from '../../protocol/client-auth/private-key-jwt.js';
import { assertionWith } from '../assertions.js';
import { authorize, authorizeForCode, serverFault, exchangeCode, fhirGet, headerOf, launch, launchEndpoints, pass, readableUrl, skipNeedsPerson, standaloneScope, type AuthorizeOutcome, type AuthorizeRequest } from '../session.js';
import type { CheckTest, TestContext, Verdict } from '../types.js';

function broken(input: Omit<FindingInput, 'severity'>, context?: RunContext): Verdict {
  return { outcome: 'fail', findings: [makeFinding({ ...input, severity: 'error', role: 'root-cause', basis: 'server-words' })], context };
}

function issued(r: HttpResponse): boolean {
  return r.status >= 200 && r.status < 300 && typeof parseObject(r.body)?.['access_token'] === 'string';
}

function b64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** A URL on the FHIR server that needs a token: the default patient compartment or a search. */
function protectedUrl(ctx: TestContext): string {
  const base = (ctx.discovery?.fhirBaseUrl ?? ctx.inputs.fhirBaseUrl ?? '').replace(/\/+$/, '');
  return `${base}/Patient?_count=1`;
}

async function expect401(ctx: TestContext, token: string | undefined, id: string, what: string): Promise<Verdict> {
  const url = protectedUrl(ctx);
  const r = await fhirGet(ctx, url, token, 'fhir.hardening');
  const challenge = headerOf(r, 'www-authenticate');
  if (r.status === 401 && challenge !== undefined && /^\s*Bearer\b/i.test(challenge)) return pass(undefined, [r.exchange.id]);
  if (r.status === 401) {
    return { outcome: token === undefined ? 'fail' : 'warn', findings: [makeFinding({ id: 'fhir-401-without-challenge', severity: token === undefined ? 'error' : 'warning', title: `401 without a Bearer WWW-Authenticate challenge (${what})`, detail: `GET ${url} → 401, WWW-Authenticate: ${challenge === undefined ? 'none' : `"${challenge}"`}`, fix: 'Answer 401 with WWW-Authenticate: Bearer (RFC 6750 §3), so clients know to get a token.', spec: 'rfc6750-www-authenticate', exchanges: [r.exchange.id] })] };
  }
  return broken({ id, title: `the FHIR server answered HTTP ${r.status} to a request ${what}`, detail: `GET ${url} ${what} → ${r.status}; expected 401 with WWW-Authenticate: Bearer`, fix: 'Refuse every FHIR request without a valid access token with 401 (RFC 6750 §3.1).', spec: 'rfc6750-www-authenticate', exchanges: [r.exchange.id] });
}

/** An authorize request that must not come back with a code. */
function noCode(outcome: AuthorizeOutcome, id: string, what: string, context: RunContext): Verdict {
  if (outcome.kind === 'needs-person') return skipNeedsPerson(outcome);
  if (outcome.kind === 'server-fault') return serverFault(outcome, context);
  if (outcome.kind === 'http-error') return pass(`refused with HTTP ${outcome.response.status} (no redirect)`, [outcome.response.exchange.id]);
  const code = outcome.params.get('code');
  if (code === null) return pass(`refused: error=${outcome.params.get('error') ?? '(none)'}`, outcome.exchangeId === undefined ? undefined : [outcome.exchangeId]);
  return broken({ id, title: `the authorization server issued a code for ${what}`, detail: `authorize with ${what} redirected to the app with a code`, fix: 'Refuse the request (an error redirect, or an error page when the client or redirect_uri is not verified).', spec: 'smart-authorize', exchanges: outcome.exchangeId === undefined ? undefined : [outcome.exchangeId] }, context);
}

function baseRequest(ctx: TestContext): { request: AuthorizeRequest; context: RunContext } | Verdict {
  const client = ctx.inputs.client;
  const endpoints = launchEndpoints(ctx);
  if (client === undefined) return { outcome: 'skip', reason: 'no app client' };
  if (typeof endpoints === 'string') return { outcome: 'skip', reason: endpoints };
  const scope = standaloneScope(ctx, client);
  const state = randomToken();
  const request: AuthorizeRequest = { authorizationEndpoint: endpoints.authorize, clientId: client.auth.clientId, redirectUri: client.redirectUri, scope, aud: endpoints.fhirBase, state, nonce: randomToken(), pkce: createPkce() };
  return { request, context: { requestedScope: scope, clientId: client.auth.clientId, tokenEndpoint: endpoints.token, launchType: 'standalone', authMethod: client.auth.method, sentState: state } };
}

/** Where an authorize request must not send the browser. */
function notRedirected(outcome: AuthorizeOutcome, id: string, what: string, context: RunContext): Verdict {
  if (outcome.kind === 'server-fault') return serverFault(outcome, context);
  if (outcome.kind === 'redirected') return broken({ id, title: `the authorization server redirected to the redirect_uri for ${what}`, detail: `Location: ${outcome.callbackUrl.split('?')[0] ?? ''}?${[...outcome.params.keys()].join('&')}`, fix: 'Show an error page instead: an unverified client or redirect_uri must never receive a redirect (RFC 6749 §4.1.2.1, an open redirector otherwise).', spec: 'rfc6749-authorize-error', exchanges: outcome.exchangeId === undefined ? undefined : [outcome.exchangeId] }, context);
  if (outcome.kind === 'http-error') return pass(`error page, HTTP ${outcome.response.status}`, [outcome.response.exchange.id]);
  return pass(`HTTP ${outcome.response.status} page, no redirect`, [outcome.response.exchange.id]);
}

/** A code exchange that must be refused. */
function refused(r: HttpResponse, id: string, what: string, context: RunContext): Verdict {
  if (issued(r)) return broken({ id, title: `the token endpoint issued tokens for ${what}`, detail: `POST ${r.exchange.request.url} (${what}) → ${r.status} with an access_token; expected 400 invalid_grant`, fix: 'Refuse it with 400 invalid_grant (RFC 6749 §4.1.3, RFC 7636 §4.6).', spec: 'rfc6749-token-error', exchanges: [r.exchange.id] }, context);
  return pass(`refused: HTTP ${r.status}${typeof parseObject(r.body)?.['error'] === 'string' ? ` ${String(parseObject(r.body)?.['error'])}` : ''}`, [r.exchange.id]);
}

export const HARDENING_TESTS: readonly CheckTest[] = [
  { id: 'hardening-fhir-without-token', group: 'hardening', title: 'a FHIR read without a token is 401 with WWW-Authenticate: Bearer', spec: 'rfc6750-www-authenticate', needs: ['fhir-base'], run: (ctx) => expect401(ctx, undefined, 'fhir-answers-without-token', 'without a token') },
  { id: 'hardening-fhir-invalid-token', group: 'hardening', title: 'a FHIR read with an invalid token is 401', spec: 'rfc6750-www-authenticate', needs: ['fhir-base'], run: (ctx) => expect401(ctx, `smartctl-check-invalid-${randomToken()}`, 'fhir-accepts-invalid-token', 'with an invalid token') },
  {
    id: 'hardening-fhir-expired-token',
    group: 'hardening',
    title: 'a FHIR read with an expired, unsigned JWT is 401',
    spec: 'rfc6750-www-authenticate',
    needs: ['fhir-base'],
    run: (ctx) => {
      const now = Math.floor(ctx.now().getTime() / 1000);
      const jwt = `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url({ iss: ctx.discovery?.endpoints.issuer ?? 'smartctl', aud: ctx.discovery?.fhirBaseUrl ?? '', sub: 'smartctl-check', scope: 'patient/*.rs user/*.rs system/*.rs', iat: now - 7200, exp: now - 3600 })}.`;
      return expect401(ctx, jwt, 'fhir-accepts-expired-token', 'with an expired token');
    },
  },
  {
    id: 'hardening-code-single-use',
    group: 'hardening',
    title: 'an authorization code works once; the second exchange is refused',
    spec: 'smart-token-request',
    needs: ['client'],
    run: async (ctx) => {
      const l = await launch(ctx);
      if (l.kind === 'stopped') return l.verdict;
      const auth = ctx.inputs.client?.auth;
      if (auth === undefined) return { outcome: 'skip', reason: 'no app client' };
      const again = (await exchangeCode(ctx, { tokenEndpoint: l.endpoints.token, auth, code: l.code, redirectUri: l.redirectUri, verifier: l.pkce.verifier, step: 'token.replay' })).response;
      return refused(again, 'authorization-code-reused', 'a code that was already exchanged', l.context);
    },
  },
  {
    id: 'hardening-code-bound-to-client',
    group: 'hardening',
    title: 'a code exchanged by another client_id is refused',
    spec: 'smart-token-request',
    needs: ['client'],
    run: async (ctx) => {
      const a = await authorizeForCode(ctx);
      if (a.kind === 'stopped') return a.verdict;
      // Another registered client tests the binding itself; an unregistered id may only test client authentication.
      const other = ctx.inputs.secondClient ?? { method: 'none' as const, clientId: `${a.context.clientId ?? ''}-smartctl-check-other` };
      const r = (await exchangeCode(ctx, { tokenEndpoint: a.endpoints.token, auth: other, code: a.code, redirectUri: a.redirectUri, verifier: a.pkce.verifier })).response;
      const v = refused(r, 'authorization-code-not-bound-to-client', `a code presented by ${ctx.inputs.secondClient === undefined ? 'an unregistered' : 'another registered'} client_id`, a.context);
      return v.outcome === 'pass' ? { ...v, reason: `${v.reason ?? ''}${ctx.inputs.secondClient === undefined ? '; by an unregistered client_id (give --second-client-id for a registered one)' : `; by registered client "${other.clientId}"`}` } : v;
    },
  },
  {
    id: 'hardening-code-bound-to-redirect-uri',
    group: 'hardening',
    title: 'a code exchanged with another redirect_uri is refused',
    spec: 'smart-token-request',
    needs: ['client'],
    run: async (ctx) => {
      const a = await authorizeForCode(ctx);
      if (a.kind === 'stopped') return a.verdict;
      const auth = ctx.inputs.client?.auth;
      if (auth === undefined) return { outcome: 'skip', reason: 'no app client' };
      const r = (await exchangeCode(ctx, { tokenEndpoint: a.endpoints.token, auth, code: a.code, redirectUri: `${a.redirectUri.replace(/\/+$/, '')}/other`, verifier: a.pkce.verifier })).response;
      return refused(r, 'authorization-code-not-bound-to-redirect-uri', 'a code with another redirect_uri', a.context);
    },
  },
  {
    id: 'hardening-pkce-required',
    group: 'hardening',
    title: 'an authorize request without PKCE gets no tokens',
    spec: 'smart-pkce',
    needs: ['client'],
    run: async (ctx) => {
      const b = baseRequest(ctx);
      if (!('request' in b)) return b;
      const outcome = await authorize(ctx, { ...b.request, pkce: undefined }, { negativeCase: true });
      const v = noCode(outcome, 'pkce-not-required', 'a request without code_challenge', b.context);
      if (v.outcome !== 'fail' || outcome.kind !== 'redirected') return v;
      // A code without PKCE: the server may still refuse the exchange without a verifier.
      const auth = ctx.inputs.client?.auth;
      const code = outcome.params.get('code') ?? '';
      if (auth === undefined || b.context.tokenEndpoint === undefined) return v;
      const r = (await exchangeCode(ctx, { tokenEndpoint: b.context.tokenEndpoint, auth, code, redirectUri: b.request.redirectUri })).response;
      if (issued(r)) return broken({ id: 'pkce-not-required', title: 'tokens were issued for a flow without PKCE', detail: 'authorize without code_challenge gave a code, and the exchange without code_verifier gave tokens', fix: 'Require PKCE S256 for every authorization code flow (SMART App Launch 2.x).', spec: 'smart-pkce', exchanges: [r.exchange.id] }, b.context);
      return { outcome: 'warn', findings: [makeFinding({ id: 'pkce-not-required-at-authorize', severity: 'warning', title: 'authorize without code_challenge gave a code (the exchange was refused)', detail: `the code exchange without code_verifier → ${r.status}`, fix: 'Refuse the authorize request itself when code_challenge is missing.', spec: 'smart-pkce', exchanges: [r.exchange.id] })] };
    },
  },
  {
    id: 'hardening-pkce-wrong-verifier',
    group: 'hardening',
    title: 'a code exchanged with the wrong code_verifier is refused',
    spec: 'rfc7636-pkce',
    needs: ['client'],
    run: async (ctx) => {
      const a = await authorizeForCode(ctx);
      if (a.kind === 'stopped') return a.verdict;
      const auth = ctx.inputs.client?.auth;
      if (auth === undefined) return { outcome: 'skip', reason: 'no app client' };
      const r = (await exchangeCode(ctx, { tokenEndpoint: a.endpoints.token, auth, code: a.code, redirectUri: a.redirectUri, verifier: createPkce().verifier })).response;
      return refused(r, 'pkce-verifier-not-checked', 'a code with the wrong code_verifier', a.context);
    },
  },
  {
    id: 'hardening-pkce-plain-refused',
    group: 'hardening',
    title: 'code_challenge_method=plain is refused',
    spec: 'smart-pkce',
    needs: ['client'],
    run: async (ctx) => {
      const b = baseRequest(ctx);
      if (!('request' in b)) return b;
      const verifier = createPkce().verifier;
      const outcome = await authorize(ctx, { ...b.request, pkce: undefined, override: { code_challenge: verifier, code_challenge_method: 'plain' } }, { negativeCase: true });
      const v = noCode(outcome, 'pkce-plain-accepted', 'code_challenge_method=plain', b.context);
      if (v.outcome !== 'fail' || outcome.kind !== 'redirected') return v;
      const auth = ctx.inputs.client?.auth;
      if (auth === undefined || b.context.tokenEndpoint === undefined) return v;
      const r = (await exchangeCode(ctx, { tokenEndpoint: b.context.tokenEndpoint, auth, code: outcome.params.get('code') ?? '', redirectUri: b.request.redirectUri, verifier })).response;
      if (issued(r)) return broken({ id: 'pkce-plain-accepted', title: 'tokens were issued for a plain PKCE challenge', detail: 'authorize with code_challenge_method=plain gave a code, and the plain verifier exchanged it', fix: 'Accept S256 only (SMART App Launch 2.x forbids plain).', spec: 'smart-pkce', exchanges: [r.exchange.id] }, b.context);
      return { outcome: 'warn', findings: [makeFinding({ id: 'pkce-plain-accepted-at-authorize', severity: 'warning', title: 'authorize with code_challenge_method=plain gave a code (the exchange was refused)', detail: `exchange → ${r.status}`, fix: 'Refuse plain at the authorize endpoint.', spec: 'smart-pkce', exchanges: [r.exchange.id] })] };
    },
  },
  {
    id: 'hardening-unknown-client-not-redirected',
    group: 'hardening',
    title: 'an unknown client_id gets an error page, never a redirect',
    spec: 'rfc6749-authorize-error',
    needs: ['client'],
    run: async (ctx) => {
      const b = baseRequest(ctx);
      if (!('request' in b)) return b;
      const outcome = await authorize(ctx, { ...b.request, clientId: `smartctl-check-unknown-${randomToken(6)}` }, { negativeCase: true });
      return notRedirected(outcome, 'unknown-client-redirected', 'an unknown client_id', b.context);
    },
  },
  {
    id: 'hardening-unregistered-redirect-not-redirected',
    group: 'hardening',
    title: 'an unregistered redirect_uri gets an error page, never a redirect',
    spec: 'rfc6749-authorize-error',
    needs: ['client'],
    run: async (ctx) => {
      const b = baseRequest(ctx);
      if (!('request' in b)) return b;
      const outcome = await authorize(ctx, { ...b.request, redirectUri: 'https://unregistered.smartctl.invalid/callback' }, { negativeCase: true });
      return notRedirected(outcome, 'unregistered-redirect-uri-redirected', 'an unregistered redirect_uri', b.context);
    },
  },
  {
    id: 'hardening-error-redirect-keeps-state',
    group: 'hardening',
    title: 'an error redirect carries the state of the request',
    spec: 'rfc6749-authorize-error',
    needs: ['client'],
    run: async (ctx) => {
      const b = baseRequest(ctx);
      if (!('request' in b)) return b;
      const outcome = await authorize(ctx, { ...b.request, override: { response_type: 'smartctl_check_unsupported' } }, { negativeCase: true });
      if (outcome.kind === 'needs-person') return skipNeedsPerson(outcome);
      if (outcome.kind === 'server-fault') return serverFault(outcome, b.context);
      if (outcome.kind === 'http-error') return { outcome: 'pass', reason: `an error page (HTTP ${outcome.response.status}) instead of an error redirect: state cannot be checked`, evidence: [outcome.response.exchange.id] };
      const state = outcome.params.get('state');
      if (outcome.params.get('error') === null) return broken({ id: 'unsupported-response-type-accepted', title: 'an unsupported response_type was not refused', detail: `redirect parameters: ${[...outcome.params.keys()].join(', ')}`, fix: 'Answer error=unsupported_response_type (RFC 6749 §4.1.2.1).', spec: 'rfc6749-authorize-error' }, b.context);
      if (state === b.request.state) return pass(`error=${outcome.params.get('error') ?? ''} with state`, outcome.exchangeId === undefined ? undefined : [outcome.exchangeId]);
      return broken({ id: 'error-redirect-drops-state', title: 'an error redirect does not carry the state that was sent', detail: `state: expected "${b.request.state ?? ''}", got ${state === null ? 'none' : `"${state}"`} (error=${outcome.params.get('error') ?? ''})`, fix: 'Send state back with every error redirect (RFC 6749 §4.1.2.1); apps drop callbacks without it.', spec: 'rfc6749-state', exchanges: outcome.exchangeId === undefined ? undefined : [outcome.exchangeId] }, b.context);
    },
  },
  {
    id: 'hardening-wrong-aud-no-code',
    group: 'hardening',
    title: 'an aud that is not this FHIR server yields no code',
    spec: 'smart-authorize-params',
    needs: ['client'],
    run: async (ctx) => {
      const b = baseRequest(ctx);
      if (!('request' in b)) return b;
      const outcome = await authorize(ctx, { ...b.request, aud: 'https://wrong-aud.smartctl.invalid/fhir' }, { negativeCase: true });
      return noCode(outcome, 'wrong-aud-accepted', 'aud = another FHIR server', b.context);
    },
  },
  {
    id: 'hardening-refresh-token-not-bearer',
    group: 'hardening',
    title: 'a refresh token is not accepted as a bearer token',
    spec: 'rfc6750-www-authenticate',
    needs: ['client'],
    run: async (ctx) => {
      const l = await launch(ctx);
      if (l.kind === 'stopped') return l.verdict;
      if (typeof l.token.refresh_token !== 'string') return { outcome: 'skip', reason: 'the launch returned no refresh token' };
      const r = await fhirGet(ctx, readableUrl(l.endpoints.fhirBase, l.token), l.token.refresh_token, 'fhir.hardening');
      if (r.status === 401) return pass(undefined, [r.exchange.id]);
      return broken({ id: 'refresh-token-accepted-as-bearer', title: `the FHIR server answered HTTP ${r.status} to a refresh token used as a bearer token`, detail: `GET ${r.exchange.request.url} with Authorization: Bearer <refresh_token> → ${r.status}; expected 401`, fix: 'Accept only access tokens at the resource server.', spec: 'rfc6750-www-authenticate', exchanges: [r.exchange.id] }, l.context);
    },
  },
  {
    id: 'hardening-patient-compartment',
    group: 'hardening',
    title: "a patient/ token cannot read another patient's record",
    spec: 'smart-scopes',
    needs: ['client'],
    run: async (ctx) => {
      const l = await launch(ctx);
      if (l.kind === 'stopped') return l.verdict;
      const patient = l.token.patient;
      if (typeof patient !== 'string' || typeof l.token.access_token !== 'string') return { outcome: 'skip', reason: 'the launch gave no patient context' };
      const other = ctx.inputs.otherPatient ?? (await findOtherPatient(ctx, patient));
      if (other === undefined) return { outcome: 'skip', reason: 'no other patient known: give --other-patient <id>, or a backend client to find one' };
      const base = l.endpoints.fhirBase.replace(/\/+$/, '');
      const r = await fhirGet(ctx, `${base}/Patient/${encodeURIComponent(other)}`, l.token.access_token, 'fhir.hardening');
      if (r.status === 403 || r.status === 404 || r.status === 401) return pass(`HTTP ${r.status} for Patient/${other}`, [r.exchange.id]);
      return broken({ id: 'patient-compartment-not-enforced', title: `a token for Patient/${patient} read Patient/${other} (HTTP ${r.status})`, detail: `GET ${base}/Patient/${other} with a patient/ token for "${patient}" → ${r.status}; expected 403 or 404`, fix: 'Limit patient/ scopes to the launch patient\'s compartment (SMART scopes and launch context).', spec: 'smart-scopes', exchanges: [r.exchange.id] }, l.context);
    },
  },
];

/** Another patient's id, searched with the backend client's system/ token. */
async function findOtherPatient(ctx: TestContext, patient: string): Promise<string | undefined> {
  const backend = ctx.inputs.backend;
  const token = ctx.discovery?.endpoints.token;
  const base = ctx.discovery?.fhirBaseUrl.replace(/\/+$/, '');
  if (backend === undefined || token === undefined || base === undefined) return undefined;
  const assertion = await assertionWith('none', { key: backend.key, clientId: backend.clientId, tokenEndpoint: token, fhirBase: base, now: ctx.now() });
  const scope = backend.scope ?? (ctx.discovery?.supportsPermissionV2 === true ? 'system/*.rs' : 'system/*.read');
  const t = await ctx.http.request({ step: 'client-credentials', url: token, method: 'POST', headers: { accept: 'application/json' }, body: new URLSearchParams({ grant_type: 'client_credentials', scope, client_assertion_type: CLIENT_ASSERTION_TYPE, client_assertion: assertion }) });
  const access = parseObject(t.body)?.['access_token'];
  if (typeof access !== 'string') return undefined;
  const r = await fhirGet(ctx, `${base}/Patient?_count=20`, access, 'fhir.search');
  const entries = parseObject(r.body)?.['entry'];
  if (!Array.isArray(entries)) return undefined;
  for (const e of entries) {
    const id = (e as { resource?: { id?: unknown } } | null)?.resource?.id;
    if (typeof id === 'string' && id !== patient) return id;
  }
  return undefined;
}
