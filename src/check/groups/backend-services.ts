// Backend services (SMART backend-services.html, client-confidential-asymmetric): a
// client_credentials grant with private_key_jwt succeeds, and every broken request a
// server must refuse is refused: unknown grant_type, wrong client_assertion_type, a
// malformed JWT, a bad signature, alg none, expired, exp far ahead, aud ≠ token URL,
// iss ≠ sub, a replayed jti, an unregistered kid.
import type { HttpResponse } from '../../http/client.js';
import { CLIENT_ASSERTION_TYPE } from '../../protocol/client-auth/private-key-jwt.js';
import { checkTokenResponse } from '../../protocol/token-response.js';
import { parseObject } from '../../diagnose/evidence.js';
import type { RunContext } from '../../diagnose/index.js';
import { makeFinding } from '../../report/finding.js';
import { assertionWith, type AssertionFlaw } from '../assertions.js';
import { fhirGet, verdictOf } from '../session.js';
import type { BackendClient, CheckTest, TestContext, Verdict } from '../types.js';

interface Backend {
  client: BackendClient;
  tokenEndpoint: string;
  fhirBase: string;
  scope: string;
  context: RunContext;
}

function backendOf(ctx: TestContext): Backend | Verdict {
  const client = ctx.inputs.backend;
  const token = ctx.discovery?.endpoints.token;
  if (client === undefined) return { outcome: 'skip', reason: 'no backend client' };
  if (token === undefined || ctx.discovery === undefined) return { outcome: 'skip', reason: 'discovery named no token endpoint' };
  const scope = client.scope ?? (ctx.discovery.supportsPermissionV2 ? 'system/*.rs' : 'system/*.read');
  return { client, tokenEndpoint: token, fhirBase: ctx.discovery.fhirBaseUrl, scope, context: { clientId: client.clientId, tokenEndpoint: token, launchType: 'backend', authMethod: 'private_key_jwt', requestedScope: scope } };
}

async function post(ctx: TestContext, b: Backend, form: Record<string, string>, step = 'client-credentials'): Promise<HttpResponse> {
  return ctx.http.request({ step, url: b.tokenEndpoint, method: 'POST', headers: { accept: 'application/json' }, body: new URLSearchParams(form) });
}

async function form(ctx: TestContext, b: Backend, flaw: AssertionFlaw, extra: Record<string, string> = {}): Promise<Record<string, string>> {
  const assertion = await assertionWith(flaw, { key: b.client.key, clientId: b.client.clientId, tokenEndpoint: b.tokenEndpoint, fhirBase: b.fhirBase, now: ctx.now() });
  b.context.sentClientAssertion = assertion;
  return { grant_type: 'client_credentials', scope: b.scope, client_assertion_type: CLIENT_ASSERTION_TYPE, client_assertion: assertion, ...extra };
}

function issuedToken(r: HttpResponse): boolean {
  return r.status >= 200 && r.status < 300 && typeof parseObject(r.body)?.['access_token'] === 'string';
}

/** A refusal: 400 or 401 with no token. Which OAuth error the server names is a detail. */
function refusedVerdict(r: HttpResponse, b: Backend, findingId: string, what: string): Verdict {
  if (issuedToken(r)) {
    return { outcome: 'fail', findings: [makeFinding({ id: findingId, severity: 'error', title: `the token endpoint issued a token for ${what}`, detail: `POST ${b.tokenEndpoint} (client_credentials, ${what}) → ${r.status} with an access_token; expected 400/401 invalid_client`, fix: 'Validate every client assertion as SMART client-confidential-asymmetric requires, and refuse it otherwise.', spec: 'smart-client-assertion-claims', exchanges: [r.exchange.id], role: 'root-cause', basis: 'server-words' })], context: b.context };
  }
  if (r.status === 400 || r.status === 401) {
    const error = parseObject(r.body)?.['error'];
    return { outcome: 'pass', reason: `refused: HTTP ${r.status}${typeof error === 'string' ? ` ${error}` : ''}`, evidence: [r.exchange.id] };
  }
  return { outcome: 'warn', findings: [makeFinding({ id: 'token-refusal-status', severity: 'warning', title: `${what} was refused with HTTP ${r.status}, not 400/401`, detail: `POST ${b.tokenEndpoint} → ${r.status}: ${r.body.slice(0, 200)}`, fix: 'Refuse bad client authentication with 400 or 401 and an RFC 6749 §5.2 error (invalid_client).', spec: 'rfc6749-token-error', exchanges: [r.exchange.id] })] };
}

function negative(flaw: Exclude<AssertionFlaw, 'none'>, title: string, what: string): CheckTest {
  return {
    id: `backend-services-refuses-${flaw}`,
    group: 'backend-services',
    title,
    spec: 'smart-client-assertion-claims',
    needs: ['backend-client'],
    run: async (ctx) => {
      const b = backendOf(ctx);
      if (!('client' in b)) return b;
      return refusedVerdict(await post(ctx, b, await form(ctx, b, flaw)), b, `assertion-${flaw}-accepted`, what);
    },
  };
}

export const BACKEND_SERVICES_TESTS: readonly CheckTest[] = [
  {
    id: 'backend-services-token',
    group: 'backend-services',
    title: 'client_credentials with private_key_jwt answers a token that reads FHIR',
    spec: 'smart-backend-services',
    needs: ['backend-client'],
    run: async (ctx) => {
      const b = backendOf(ctx);
      if (!('client' in b)) return b;
      const r = await post(ctx, b, await form(ctx, b, 'none'));
      if (!issuedToken(r)) return { outcome: 'fail', findings: [makeFinding({ id: 'backend-token-failed', severity: 'error', title: `client_credentials failed with HTTP ${r.status}`, detail: `POST ${b.tokenEndpoint} → ${r.status}: ${r.body.slice(0, 300)}`, fix: 'See the diagnosis; error_description usually names the cause.', spec: 'smart-backend-services', exchanges: [r.exchange.id] })], context: b.context };
      const json = parseObject(r.body) ?? {};
      const findings = checkTokenResponse(json, { requestedScope: b.scope }).findings;
      if (json['refresh_token'] !== undefined) findings.push(makeFinding({ id: 'backend-refresh-token-issued', severity: 'warning', title: 'a backend services token response carries a refresh_token', detail: 'refresh_token: present', fix: 'Backend services get no refresh token; the client signs a new assertion instead (SMART backend services).', spec: 'smart-backend-services', exchanges: [r.exchange.id] }));
      const read = await fhirGet(ctx, `${b.fhirBase.replace(/\/+$/, '')}/Patient?_count=1`, String(json['access_token']), 'fhir.read');
      if (read.status !== 200) findings.push(makeFinding({ id: 'backend-token-unusable', severity: 'error', title: `the backend access token cannot search Patient (HTTP ${read.status})`, detail: `GET Patient?_count=1 with scope "${String(json['scope'] ?? b.scope)}" → ${read.status}`, fix: 'A system/ read scope must allow the search.', spec: 'smart-backend-services', exchanges: [read.exchange.id] }));
      return verdictOf(findings, b.context);
    },
  },
  {
    id: 'backend-services-refuses-unknown-grant-type',
    group: 'backend-services',
    title: 'an unknown grant_type is refused with 400',
    spec: 'rfc6749-token-error',
    needs: ['backend-client'],
    run: async (ctx) => {
      const b = backendOf(ctx);
      if (!('client' in b)) return b;
      const r = await post(ctx, b, await form(ctx, b, 'none', { grant_type: 'urn:smartctl:check:unknown-grant' }));
      const v = refusedVerdict(r, b, 'unknown-grant-type-accepted', 'an unknown grant_type');
      if (v.outcome === 'pass' && r.status !== 400) return { outcome: 'warn', findings: [makeFinding({ id: 'token-refusal-status', severity: 'warning', title: `an unknown grant_type was refused with HTTP ${r.status}, not 400`, detail: r.body.slice(0, 200), fix: 'Answer 400 unsupported_grant_type (RFC 6749 §5.2).', spec: 'rfc6749-token-error', exchanges: [r.exchange.id] })] };
      return v;
    },
  },
  {
    id: 'backend-services-refuses-wrong-assertion-type',
    group: 'backend-services',
    title: 'a client_assertion_type other than jwt-bearer is refused',
    spec: 'smart-client-assertion-request',
    needs: ['backend-client'],
    run: async (ctx) => {
      const b = backendOf(ctx);
      if (!('client' in b)) return b;
      const r = await post(ctx, b, await form(ctx, b, 'none', { client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:saml2-bearer' }));
      return refusedVerdict(r, b, 'assertion-type-not-checked', 'a saml2-bearer client_assertion_type');
    },
  },
  negative('malformed', 'a client_assertion that is not a JWT is refused', 'a malformed client assertion'),
  negative('bad-signature', 'an assertion signed by another key (same kid) is refused', 'an assertion with a bad signature'),
  negative('alg-none', 'an unsigned assertion (alg none) is refused', 'an alg "none" assertion'),
  negative('expired', 'an expired assertion is refused', 'an expired assertion'),
  negative('exp-far-future', 'an assertion with exp an hour ahead (over 5 minutes) is refused', 'an assertion expiring in an hour'),
  negative('wrong-aud', 'an assertion whose aud is not the token URL is refused', 'an assertion with aud = the FHIR base'),
  negative('iss-not-sub', 'an assertion whose iss differs from sub is refused', 'an assertion with iss ≠ sub'),
  negative('unregistered-kid', 'an assertion with an unregistered kid is refused', 'an assertion with an unregistered kid'),
  {
    id: 'backend-services-refuses-replayed-jti',
    group: 'backend-services',
    title: 'an assertion sent twice (same jti) is refused the second time',
    spec: 'smart-client-assertion-claims',
    needs: ['backend-client'],
    run: async (ctx) => {
      const b = backendOf(ctx);
      if (!('client' in b)) return b;
      const body = await form(ctx, b, 'none');
      const first = await post(ctx, b, body);
      if (!issuedToken(first)) return { outcome: 'fail', findings: [makeFinding({ id: 'backend-token-failed', severity: 'error', title: `the first use of a valid assertion failed with HTTP ${first.status}`, detail: `POST ${b.tokenEndpoint} → ${first.status}: ${first.body.slice(0, 300)}`, fix: 'See backend-services-token.', spec: 'smart-backend-services', exchanges: [first.exchange.id] })], context: b.context };
      return refusedVerdict(await post(ctx, b, body, 'client-credentials.replay'), b, 'assertion-jti-replay-accepted', 'a replayed assertion (same jti)');
    },
  },
];
