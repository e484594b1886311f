// Federated OpenID provider readiness (check --oidc <issuer>): an identity provider
// placed behind a SMART server (federated OAuth2/OIDC login) must offer the
// authorization code flow, a client secret method, reachable authorization, token and
// userinfo endpoints, openid and profile, PKCE S256, and id_tokens signed with RS256,
// RS512, ES256 and ES512. With a client, a live login: the id_token verifies, userinfo's
// sub equals the id_token's, and the claims user mapping needs are there.
import { parseObject } from '../../diagnose/evidence.js';
import { isSmartctlError } from '../../errors.js';
import { requestToken } from '../../flows/token-request.js';
import { readOpenIdConfiguration, issuerMatches } from '../../protocol/discovery/openid-configuration.js';
import { createPkce, randomToken } from '../../protocol/pkce.js';
import { makeFinding, type Finding } from '../../report/finding.js';
import type { SpecKey } from '../../report/spec-links.js';
import { authorize, headerOf, serverFault, skipNeedsPerson, verdictOf } from '../session.js';
import type { CheckTest, TestContext, Verdict } from '../types.js';
import { validateIdTokenOf } from './launch-checks.js';

export const REQUIRED_ID_TOKEN_ALGS = ['RS256', 'RS512', 'ES256', 'ES512'] as const;

type Metadata = { doc: Record<string, unknown>; exchangeId: number } | { verdict: Verdict };

async function metadata(ctx: TestContext): Promise<Metadata> {
  const issuer = ctx.inputs.oidc?.issuer;
  if (issuer === undefined) return { verdict: { outcome: 'skip', reason: 'no --oidc issuer' } };
  const url = `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
  const r = await ctx.http.request({ step: 'discovery.openid-configuration', url, headers: { accept: 'application/json' } });
  const doc = parseObject(r.body);
  if (r.status !== 200 || doc === undefined) {
    return { verdict: { outcome: 'fail', findings: [makeFinding({ id: 'openid-configuration-unreadable', severity: 'error', title: "the provider's openid-configuration could not be read", detail: `GET ${url} → ${r.status}${doc === undefined ? ', not a JSON object' : ''}`, fix: 'Serve OpenID provider metadata at <issuer>/.well-known/openid-configuration.', spec: 'oidc-discovery', exchanges: [r.exchange.id] })] } };
  }
  return { doc, exchangeId: r.exchange.id };
}

function strings(doc: Record<string, unknown>, key: string): string[] | undefined {
  const v = doc[key];
  return Array.isArray(v) && v.every((x): x is string => typeof x === 'string') ? v : undefined;
}

/** A metadata test: the document, then one check over it. */
function metadataTest(id: string, title: string, spec: SpecKey, check: (doc: Record<string, unknown>, exchangeId: number, ctx: TestContext) => Finding[] | Promise<Finding[]>): CheckTest {
  return {
    id,
    group: 'oidc',
    title,
    spec,
    needs: ['oidc-issuer'],
    run: async (ctx) => {
      const m = await metadata(ctx);
      if ('verdict' in m) return m.verdict;
      return verdictOf(await check(m.doc, m.exchangeId, ctx));
    },
  };
}

function missing(id: string, title: string, detail: string, fix: string, spec: SpecKey, exchangeId: number): Finding {
  return makeFinding({ id, severity: 'error', title, detail, fix, spec, exchanges: [exchangeId] });
}

async function reachable(ctx: TestContext, what: string, url: string | undefined, send: () => Promise<{ status: number; id: number }>, ok: (status: number) => boolean): Promise<Finding[]> {
  if (url === undefined) return [makeFinding({ id: 'oidc-endpoint-missing', severity: 'error', title: `the provider names no ${what}`, detail: `${what}: missing from openid-configuration`, fix: `Publish ${what} (OpenID Connect Discovery 1.0 §3).`, spec: 'oidc-discovery' })];
  try {
    const r = await send();
    if (ok(r.status)) return [];
    return [makeFinding({ id: 'oidc-endpoint-unreachable', severity: 'error', title: `the ${what} answered HTTP ${r.status}`, detail: `${url} → ${r.status}`, fix: `Make the ${what} reachable from where the SMART server runs.`, spec: 'oidc-discovery', exchanges: [r.id] })];
  } catch (error) {
    if (!isSmartctlError(error) || error.kind !== 'network') throw error;
    return [makeFinding({ id: 'oidc-endpoint-unreachable', severity: 'error', title: `the ${what} cannot be reached`, detail: `${url}: ${error.message}`, fix: `Make the ${what} reachable from where the SMART server runs.`, spec: 'oidc-discovery', exchanges: ctx.trace.exchanges().slice(-1).map((e) => e.id) })];
  }
}

export const OIDC_TESTS: readonly CheckTest[] = [
  metadataTest('oidc-discovery', 'openid-configuration answers for the issuer, with the required fields', 'oidc-discovery', (doc, exchangeId, ctx) => {
    const read = readOpenIdConfiguration(doc);
    const findings = [...read.findings, ...(read.config !== undefined ? issuerMatches(ctx.inputs.oidc?.issuer ?? '', read.config) : [])];
    return findings.map((f) => ({ ...f, severity: f.id === 'issuer-mismatch' || f.id === 'openid-configuration-field-missing' ? ('error' as const) : f.severity, exchanges: [exchangeId] }));
  }),
  metadataTest('oidc-code-flow', 'the authorization code flow is offered (response_types_supported, grant_types_supported)', 'oidc-discovery', (doc, exchangeId) => {
    const out: Finding[] = [];
    const responseTypes = strings(doc, 'response_types_supported') ?? [];
    if (!responseTypes.includes('code')) out.push(missing('oidc-code-flow-missing', 'response_types_supported lacks "code"', `response_types_supported: ${JSON.stringify(responseTypes)}`, 'Offer the authorization code flow (response_type=code).', 'oidc-discovery', exchangeId));
    const grants = strings(doc, 'grant_types_supported') ?? ['authorization_code', 'implicit'];
    if (!grants.includes('authorization_code')) out.push(missing('oidc-code-flow-missing', 'grant_types_supported lacks "authorization_code"', `grant_types_supported: ${JSON.stringify(grants)}`, 'Offer the authorization_code grant.', 'oidc-discovery', exchangeId));
    return out;
  }),
  metadataTest('oidc-client-secret-method', 'a client secret method is offered at the token endpoint (client_secret_basic or client_secret_post)', 'oidc-discovery', (doc, exchangeId) => {
    const methods = strings(doc, 'token_endpoint_auth_methods_supported') ?? ['client_secret_basic'];
    if (methods.includes('client_secret_basic') || methods.includes('client_secret_post')) return [];
    return [missing('oidc-client-secret-method-missing', 'no client secret method at the token endpoint', `token_endpoint_auth_methods_supported: ${JSON.stringify(methods)}`, 'Offer client_secret_basic or client_secret_post for the SMART server as a client.', 'oidc-discovery', exchangeId)];
  }),
  metadataTest('oidc-endpoints-reachable', 'the authorization, token and userinfo endpoints are named and answer', 'oidc-discovery', async (doc, _exchangeId, ctx) => {
    const str = (k: string): string | undefined => (typeof doc[k] === 'string' ? (doc[k] as string) : undefined);
    const authz = str('authorization_endpoint');
    const token = str('token_endpoint');
    const userinfo = str('userinfo_endpoint');
    return [
      ...(await reachable(ctx, 'authorization_endpoint', authz, async () => { const r = await ctx.http.request({ step: 'authorize.probe', url: authz ?? '', headers: { accept: 'text/html' } }); return { status: r.status, id: r.exchange.id }; }, (s) => s < 500 && s !== 404)),
      ...(await reachable(ctx, 'token_endpoint', token, async () => { const r = await ctx.http.request({ step: 'token.probe', url: token ?? '', method: 'POST', body: new URLSearchParams({ grant_type: 'authorization_code' }), headers: { accept: 'application/json' } }); return { status: r.status, id: r.exchange.id }; }, (s) => s === 400 || s === 401)),
      ...(await reachable(ctx, 'userinfo_endpoint', userinfo, async () => { const r = await ctx.http.request({ step: 'userinfo.probe', url: userinfo ?? '', headers: { accept: 'application/json' } }); return { status: r.status, id: r.exchange.id }; }, (s) => s === 401 || s === 400)),
    ];
  }),
  metadataTest('oidc-scopes', 'scopes_supported includes openid and profile', 'oidc-discovery', (doc, exchangeId) => {
    const scopes = strings(doc, 'scopes_supported');
    if (scopes === undefined) return [makeFinding({ id: 'oidc-scopes-unlisted', severity: 'warning', title: 'scopes_supported is not published', detail: 'scopes_supported: missing (RECOMMENDED)', fix: 'List the scopes, including openid and profile.', spec: 'oidc-discovery', exchanges: [exchangeId] })];
    const absent = ['openid', 'profile'].filter((s) => !scopes.includes(s));
    return absent.length === 0 ? [] : [missing('oidc-scope-missing', `scopes_supported lacks ${absent.map((s) => `"${s}"`).join(' and ')}`, `scopes_supported: ${JSON.stringify(scopes)}`, 'Offer openid and profile: the SMART server maps users from them.', 'oidc-discovery', exchangeId)];
  }),
  metadataTest('oidc-pkce', 'code_challenge_methods_supported includes S256', 'rfc7636-pkce', (doc, exchangeId) => {
    const methods = strings(doc, 'code_challenge_methods_supported') ?? [];
    return methods.includes('S256') ? [] : [missing('oidc-pkce-s256-missing', 'the provider does not advertise PKCE S256', `code_challenge_methods_supported: ${JSON.stringify(methods)}`, 'Support and advertise S256 (RFC 7636).', 'rfc7636-pkce', exchangeId)];
  }),
  metadataTest('oidc-signing-algs', `id_token_signing_alg_values_supported includes ${REQUIRED_ID_TOKEN_ALGS.join(', ')}`, 'oidc-signing-keys', (doc, exchangeId) => {
    const algs = strings(doc, 'id_token_signing_alg_values_supported') ?? [];
    const absent = REQUIRED_ID_TOKEN_ALGS.filter((a) => !algs.includes(a));
    return absent.length === 0 ? [] : [missing('oidc-signing-alg-missing', `id_tokens cannot be signed with ${absent.join(', ')}`, `id_token_signing_alg_values_supported: ${JSON.stringify(algs)}; missing: ${absent.join(', ')}`, `Enable ${absent.join(', ')} for id_token signing (and publish a key for each in jwks_uri).`, 'oidc-signing-keys', exchangeId)];
  }),
  {
    id: 'oidc-live-login',
    group: 'oidc',
    title: "a live login: the id_token verifies, userinfo's sub equals it, and the mapping claims are there",
    spec: 'oidc-id-token-validation',
    needs: ['oidc-issuer', 'oidc-client'],
    run: liveLogin,
  },
];

async function liveLogin(ctx: TestContext): Promise<Verdict> {
  const oidc = ctx.inputs.oidc;
  const client = oidc?.client;
  const m = await metadata(ctx);
  if ('verdict' in m) return m.verdict;
  if (oidc === undefined || client === undefined) return { outcome: 'skip', reason: 'no OIDC client' };
  const authz = m.doc['authorization_endpoint'];
  const token = m.doc['token_endpoint'];
  const userinfo = m.doc['userinfo_endpoint'];
  const jwksUri = m.doc['jwks_uri'];
  if (typeof authz !== 'string' || typeof token !== 'string' || !URL.canParse(authz) || !URL.canParse(token)) return { outcome: 'fail', findings: [makeFinding({ id: 'oidc-endpoint-missing', severity: 'error', title: 'the provider names no usable authorization or token endpoint', detail: 'see oidc-endpoints-reachable', spec: 'oidc-discovery' })] };
  const state = randomToken();
  const nonce = randomToken();
  const pkce = createPkce();
  const scope = client.scope ?? 'openid profile';
  const outcome = await authorize(ctx, { authorizationEndpoint: authz, clientId: client.clientId, redirectUri: client.redirectUri, scope, aud: '', state, nonce, pkce, override: { aud: null } });
  if (outcome.kind === 'needs-person') return skipNeedsPerson(outcome);
  if (outcome.kind === 'server-fault') return serverFault(outcome);
  if (outcome.kind === 'http-error') return { outcome: 'fail', findings: [makeFinding({ id: 'authorize-request-rejected', severity: 'error', title: `the provider answered the authorize request with HTTP ${outcome.response.status}`, detail: outcome.response.body.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 200), fix: 'Check the client registration (redirect URI, scopes).', spec: 'oidc-prompt', exchanges: [outcome.response.exchange.id] })] };
  const code = outcome.params.get('code');
  if (code === null) return { outcome: 'fail', findings: [makeFinding({ id: 'authorization-error-returned', severity: 'error', title: `the provider returned error "${outcome.params.get('error') ?? 'no code'}"`, detail: outcome.params.get('error_description') ?? '', spec: 'rfc6749-authorize-error' })], context: { callbackError: { error: outcome.params.get('error') ?? 'unknown' } } };
  const auth = { method: client.clientSecret !== undefined ? ('client_secret_basic' as const) : ('none' as const), clientId: client.clientId, clientSecret: client.clientSecret };
  const exchange = await requestToken(ctx.http, { step: 'token', tokenEndpoint: token, params: { grant_type: 'authorization_code', code, redirect_uri: client.redirectUri, code_verifier: pkce.verifier }, auth, now: ctx.now() });
  const body = parseObject(exchange.response.body);
  if (exchange.response.status !== 200 || typeof body?.['id_token'] !== 'string') return { outcome: 'fail', findings: [makeFinding({ id: 'token-request-failed', severity: 'error', title: `the code exchange gave no id_token (HTTP ${exchange.response.status})`, detail: exchange.response.body.slice(0, 300), fix: 'See the diagnosis.', spec: 'oidc-id-token', exchanges: [exchange.response.exchange.id] })], context: { tokenEndpoint: token, clientId: client.clientId, requestedScope: scope } };
  const check = await validateIdTokenOf(ctx, body['id_token'], { jwksUri: typeof jwksUri === 'string' ? jwksUri : undefined, issuer: oidc.issuer, clientId: client.clientId, nonce, now: ctx.now() });
  if (!('signatureValid' in check)) return check;
  const findings = [...check.findings];
  const sub = check.claims?.['sub'];
  let info: Record<string, unknown> | undefined;
  if (typeof userinfo === 'string' && typeof body['access_token'] === 'string') {
    const r = await ctx.http.request({ step: 'userinfo', url: userinfo, headers: { accept: 'application/json', authorization: `Bearer ${body['access_token']}` } });
    info = parseObject(r.body);
    if (r.status !== 200 || info === undefined) findings.push(makeFinding({ id: 'oidc-userinfo-failed', severity: 'error', title: `userinfo answered HTTP ${r.status}`, detail: `${userinfo} → ${r.status} ${headerOf(r, 'www-authenticate') ?? ''}`.trim(), fix: 'userinfo must answer the access token of the login.', spec: 'oidc-id-token', exchanges: [r.exchange.id] }));
    else if (info['sub'] !== sub) findings.push(makeFinding({ id: 'oidc-userinfo-sub-mismatch', severity: 'error', title: "userinfo's sub differs from the id_token's", detail: `sub: expected ${JSON.stringify(sub)}, got ${JSON.stringify(info['sub'] ?? null)}`, fix: 'userinfo must describe the same subject (OpenID Connect Core §5.3.2); a SMART server maps users by it.', spec: 'oidc-id-token', exchanges: [r.exchange.id] }));
  }
  for (const claim of ['preferred_username', ...oidc.claims]) {
    if (check.claims?.[claim] === undefined && info?.[claim] === undefined) findings.push(makeFinding({ id: 'oidc-mapping-claim-missing', severity: 'error', title: `neither the id_token nor userinfo carries "${claim}"`, detail: `id_token claims: ${Object.keys(check.claims ?? {}).join(', ')}; userinfo claims: ${Object.keys(info ?? {}).join(', ') || '(none)'}`, fix: `Release "${claim}" to the SMART server's client (user mapping needs it).`, spec: 'oidc-id-token' }));
  }
  return verdictOf(findings);
}
