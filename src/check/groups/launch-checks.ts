// The checks a standalone and an EHR launch share, as functions of a finished launch:
// token response shape, no-store headers, granted ⊆ requested, launch context,
// id_token, fhirUser, a FHIR read with the new token.
import { diagnose, evidenceFromTrace } from '../../diagnose/index.js';
import { isSmartctlError } from '../../errors.js';
import { validateIdToken } from '../../flows/id-token-validation.js';
import { compareScopes, scopeFindings } from '../../protocol/scopes/compare.js';
import { parseScopes } from '../../protocol/scopes/parse.js';
import { checkTokenResponse } from '../../protocol/token-response.js';
import { makeFinding, type Finding } from '../../report/finding.js';
import { fail, fhirGet, headerOf, pass, readableUrl, verdictOf, type Launch } from '../session.js';
import type { TestContext, Verdict } from '../types.js';

/** Findings of the diagnosis rules with these ids over the test's trace (they run on successes too here). */
export function ruleFindings(ctx: TestContext, launch: Launch, ids: readonly string[]): Finding[] {
  return diagnose(evidenceFromTrace(ctx.trace.entries, launch.context), { now: ctx.now() }).filter((f) => ids.includes(f.id));
}

export function tokenResponseShape(ctx: TestContext, launch: Launch): Verdict {
  const findings: Finding[] = checkTokenResponse(launch.token, { requestedScope: launch.requestedScope }).findings.map((f) => ({ ...f, exchanges: [launch.tokenExchange.response.exchange.id] }));
  // A slow token endpoint works here but times out apps with short HTTP timeouts.
  findings.push(...ruleFindings(ctx, launch, ['token-endpoint-slow']).map((f) => (f.severity === 'error' ? { ...f, severity: 'warning' as const } : f)));
  return verdictOf(findings, launch.context);
}

export function noStore(launch: Launch): Verdict {
  const r = launch.tokenExchange.response;
  const cache = headerOf(r, 'cache-control') ?? '';
  const pragma = headerOf(r, 'pragma') ?? '';
  const findings: Finding[] = [];
  if (!/\bno-store\b/i.test(cache)) findings.push(makeFinding({ id: 'token-response-cacheable', severity: 'error', title: 'the token response may be cached: Cache-Control lacks no-store', detail: `Cache-Control: expected "no-store", got ${cache === '' ? 'none' : `"${cache}"`}`, fix: 'Send Cache-Control: no-store with every response that carries tokens (RFC 6749 §5.1).', spec: 'rfc6749-token-response', exchanges: [r.exchange.id] }));
  if (!/\bno-cache\b/i.test(pragma)) findings.push(makeFinding({ id: 'token-response-pragma-missing', severity: 'warning', title: 'the token response has no Pragma: no-cache', detail: `Pragma: expected "no-cache", got ${pragma === '' ? 'none' : `"${pragma}"`}`, fix: 'Send Pragma: no-cache as well, for HTTP/1.0 caches (RFC 6749 §5.1).', spec: 'rfc6749-token-response', exchanges: [r.exchange.id] }));
  return verdictOf(findings, launch.context);
}

export function grantedWithinRequested(ctx: TestContext, launch: Launch): Verdict {
  const granted = typeof launch.token.scope === 'string' ? launch.token.scope : '';
  const comparison = compareScopes(parseScopes(launch.requestedScope), parseScopes(granted));
  const widened = comparison.entries.filter((e) => e.classification === 'added' || e.classification === 'widened');
  const findings: Finding[] = [];
  if (widened.length > 0) {
    findings.push(makeFinding({ id: 'scope-granted-beyond-request', severity: 'error', title: 'the server granted scopes that were not requested', detail: `requested: "${launch.requestedScope}"; granted: "${granted}"; beyond the request: ${widened.map((e) => `"${e.scope}"`).join(', ')}`, fix: 'Grant at most what the app asked for (SMART scopes and launch context).', spec: 'smart-scopes', exchanges: [launch.tokenExchange.response.exchange.id] }));
  }
  const syntax = ruleFindings(ctx, launch, ['scope-v1-v2-syntax-mismatch']);
  // Dropped scopes are the server's right; the finding says what they cost (a warning at most).
  const lints = scopeFindings(comparison, { userFacing: true }).map((f) => (f.severity === 'error' ? { ...f, severity: 'warning' as const } : f));
  return verdictOf([...findings, ...syntax.map((f) => ({ ...f, severity: 'error' as const })), ...lints.filter((f) => f.severity !== 'info')], launch.context);
}

export function launchContext(ctx: TestContext, launch: Launch): Verdict {
  const findings = ruleFindings(ctx, launch, ['token-response-missing-launch-context']);
  const fhirContext = launch.token['fhirContext'];
  if (fhirContext !== undefined) {
    const ok = Array.isArray(fhirContext) && fhirContext.every((c) => c !== null && typeof c === 'object' && !Array.isArray(c) && (typeof (c as Record<string, unknown>)['reference'] === 'string' || typeof (c as Record<string, unknown>)['canonical'] === 'string' || typeof (c as Record<string, unknown>)['identifier'] === 'object'));
    if (!ok) findings.push(makeFinding({ id: 'fhir-context-malformed', severity: 'error', title: 'fhirContext is not an array of objects with reference, canonical or identifier', detail: `fhirContext: ${JSON.stringify(fhirContext).slice(0, 200)}`, fix: 'Send fhirContext as [{"reference": "Encounter/123"}, …] (SMART App Launch 2.x).', spec: 'smart-launch-context', exchanges: [launch.tokenExchange.response.exchange.id] }));
  }
  for (const key of ['patient', 'encounter'] as const) {
    const v = launch.token[key];
    if (v !== undefined && (typeof v !== 'string' || v === '')) findings.push(makeFinding({ id: 'token-response-context-type', severity: 'error', title: `${key} in the token response is not a non-empty string`, detail: `${key}: ${JSON.stringify(v)}`, fix: `Send ${key} as the resource id string.`, spec: 'smart-launch-context' }));
  }
  if (typeof launch.token.patient === 'string' && launch.token['need_patient_banner'] !== undefined && typeof launch.token['need_patient_banner'] !== 'boolean') {
    findings.push(makeFinding({ id: 'token-response-context-type', severity: 'warning', title: 'need_patient_banner is not a boolean', detail: `need_patient_banner: ${JSON.stringify(launch.token['need_patient_banner'])}`, fix: 'Send need_patient_banner as true or false.', spec: 'smart-launch-context' }));
  }
  return verdictOf(findings, launch.context);
}

export async function idToken(ctx: TestContext, launch: Launch): Promise<Verdict> {
  const wantsOpenid = parseScopes(launch.requestedScope).some((s) => s.kind === 'openid');
  if (!wantsOpenid) return { outcome: 'skip', reason: 'openid was not requested (set the client scope to include openid fhirUser)' };
  if (typeof launch.token.id_token !== 'string') {
    const dropped = ruleFindings(ctx, launch, ['openid-scope-dropped']);
    return { outcome: 'fail', findings: [...dropped, makeFinding({ id: 'id-token-missing', severity: 'error', title: 'openid was requested but the token response has no id_token', detail: `requested: "${launch.requestedScope}"; granted: "${launch.token.scope ?? ''}"`, fix: 'Issue an id_token when openid is granted (OpenID Connect Core §3.1.3.3).', spec: 'smart-identity-scopes', exchanges: [launch.tokenExchange.response.exchange.id] })], context: launch.context };
  }
  const d = launch.endpoints.discovery;
  const check = await validateIdTokenOf(ctx, launch.token.id_token, { jwksUri: d.endpoints.jwksUri, issuer: d.endpoints.issuer, clientId: launch.context.clientId ?? '', nonce: launch.nonce, now: ctx.now() });
  if (!('signatureValid' in check)) return { ...check, context: launch.context };
  const findings = [...check.findings];
  if (!check.signatureValid && d.endpoints.jwksUri !== undefined && !findings.some((f) => f.severity === 'error')) findings.push(makeFinding({ id: 'id-token-signature-unverified', severity: 'error', title: 'the id_token signature could not be verified', detail: `jwks_uri: ${d.endpoints.jwksUri ?? 'none'}`, fix: 'Sign id_tokens with a key published at jwks_uri.', spec: 'oidc-id-token-validation' }));
  const fhirUser = check.claims?.['fhirUser'];
  const wantsFhirUser = parseScopes(launch.requestedScope).some((s) => s.kind === 'fhirUser');
  if (wantsFhirUser && check.claims !== undefined) {
    if (typeof fhirUser !== 'string') {
      findings.push(makeFinding({ id: 'id-token-fhiruser-missing', severity: 'error', title: 'fhirUser was requested but the id_token has no fhirUser claim', detail: `id_token claims: ${Object.keys(check.claims).join(', ')}`, fix: 'Add the fhirUser claim (a Patient, Practitioner, RelatedPerson or Person URL).', spec: 'smart-fhiruser' }));
    } else if (typeof launch.token.access_token === 'string') {
      findings.push(...(await resolveFhirUser(ctx, launch, fhirUser, launch.token.access_token)));
    }
  }
  return verdictOf(findings, launch.context);
}

/** validateIdToken, with an unreadable JWKS as the failure it is (jwks-unreachable) instead of a network error. */
export async function validateIdTokenOf(ctx: TestContext, idToken: string, o: Parameters<typeof validateIdToken>[2]): Promise<Awaited<ReturnType<typeof validateIdToken>> | Verdict> {
  try {
    return await validateIdToken(ctx.http, idToken, o);
  } catch (error) {
    if (!isSmartctlError(error) || error.kind !== 'network') throw error;
    const last = ctx.trace.exchanges().at(-1);
    return { outcome: 'fail', findings: [makeFinding({ id: 'jwks-unreachable', severity: 'error', title: 'the id_token cannot be verified: the server JWKS (jwks_uri) could not be read', detail: error.message, fix: 'Make jwks_uri answer with the JWK Set; without it no id_token can be verified.', spec: 'oidc-signing-keys', exchanges: last === undefined ? undefined : [last.id] })] };
  }
}

const USER_TYPES = ['Patient', 'Practitioner', 'PractitionerRole', 'RelatedPerson', 'Person'];

async function resolveFhirUser(ctx: TestContext, launch: Launch, fhirUser: string, token: string): Promise<Finding[]> {
  const base = launch.endpoints.fhirBase.replace(/\/+$/, '');
  const url = /^https?:\/\//.test(fhirUser) ? fhirUser : `${base}/${fhirUser}`;
  const type = /([A-Za-z]+)\/[^/]+\/?$/.exec(url)?.[1] ?? '';
  if (!USER_TYPES.includes(type)) return [makeFinding({ id: 'id-token-fhiruser-type', severity: 'error', title: 'fhirUser does not name a Patient, Practitioner, PractitionerRole, RelatedPerson or Person', detail: `fhirUser: "${fhirUser}"`, fix: 'Point fhirUser at the FHIR resource of the signed-in user.', spec: 'smart-fhiruser' })];
  const r = await fhirGet(ctx, url, token, 'fhir.fhiruser');
  if (r.status !== 200) return [makeFinding({ id: 'id-token-fhiruser-unresolvable', severity: 'error', title: `fhirUser does not resolve with the access token (HTTP ${r.status})`, detail: `GET ${url} → ${r.status}`, fix: 'fhirUser must be readable with the token the launch granted.', spec: 'smart-fhiruser', exchanges: [r.exchange.id] })];
  let resourceType: unknown;
  try {
    resourceType = (JSON.parse(r.body) as Record<string, unknown>)['resourceType'];
  } catch {
    resourceType = undefined;
  }
  if (resourceType !== type) return [makeFinding({ id: 'id-token-fhiruser-unresolvable', severity: 'error', title: 'fhirUser resolves to another resource type', detail: `GET ${url}: resourceType: expected "${type}", got ${JSON.stringify(resourceType ?? null)}`, fix: 'fhirUser must name the resource it points at.', spec: 'smart-fhiruser', exchanges: [r.exchange.id] })];
  return [];
}

export async function fhirRead(ctx: TestContext, launch: Launch): Promise<Verdict> {
  if (typeof launch.token.access_token !== 'string') return { outcome: 'fail', findings: checkTokenResponse(launch.token).findings, context: launch.context };
  const url = readableUrl(launch.endpoints.fhirBase, launch.token);
  const r = await fhirGet(ctx, url, launch.token.access_token, 'fhir.read');
  if (r.status === 200) return pass(undefined, [r.exchange.id]);
  return fail(makeFinding({ id: 'fhir-read-with-token-failed', severity: 'error', title: `the new access token cannot read ${url.includes('/Patient/') ? 'the launch patient' : 'Patient'} (HTTP ${r.status})`, detail: `GET ${url} with the access token → ${r.status}`, fix: 'A token granted patient/ or user/ read scopes must read the resources in them.', spec: 'fhir-http-read', exchanges: [r.exchange.id] }), launch.context);
}
