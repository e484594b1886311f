// Introspection (RFC 7662, SMART token-introspection.html) and revocation (RFC 7009):
// active and inactive tokens, fields matching the token response; after revocation the
// access token no longer reads FHIR and the refresh token no longer refreshes.
import { requestToken } from '../../flows/token-request.js';
import { parseObject } from '../../diagnose/evidence.js';
import { makeFinding, type Finding } from '../../report/finding.js';
import { fhirGet, launch, readableUrl, refreshToken, verdictOf, type Launch } from '../session.js';
import type { CheckTest, TestContext, Verdict } from '../types.js';

async function introspect(ctx: TestContext, url: string, token: string): Promise<{ status: number; json: Record<string, unknown> | undefined; id: number }> {
  const client = ctx.inputs.client;
  if (client === undefined) throw new Error('introspect without a client');
  const r = await requestToken(ctx.http, { step: 'introspect', tokenEndpoint: url, params: { token }, auth: client.auth, now: ctx.now() });
  return { status: r.response.status, json: parseObject(r.response.body), id: r.response.exchange.id };
}

function endpointOf(ctx: TestContext, which: 'introspect' | 'revoke'): string | Verdict {
  const url = ctx.discovery?.endpoints[which];
  if (url === undefined) return { outcome: 'skip', reason: `the server advertises no ${which === 'introspect' ? 'introspection_endpoint' : 'revocation_endpoint'}` };
  return url;
}

function sameScopes(a: string, b: string): boolean {
  const set = (s: string): string => [...new Set(s.split(' ').filter((x) => x !== ''))].sort().join(' ');
  return set(a) === set(b);
}

function introspectionFields(l: Launch, json: Record<string, unknown>, id: number, nowSeconds: number): Finding[] {
  const out: Finding[] = [];
  const mismatch = (field: string, expected: unknown, got: unknown): Finding => makeFinding({ id: 'introspection-field-mismatch', severity: 'error', title: `introspection ${field} does not match the token response`, detail: `${field}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(got ?? null)}`, fix: 'Introspection describes the token as issued (SMART token introspection).', spec: 'smart-token-introspection', exchanges: [id] });
  if (typeof l.token.scope === 'string' && (typeof json['scope'] !== 'string' || !sameScopes(json['scope'], l.token.scope))) out.push(mismatch('scope', l.token.scope, json['scope']));
  if (json['client_id'] !== undefined && json['client_id'] !== l.context.clientId) out.push(mismatch('client_id', l.context.clientId, json['client_id']));
  if (typeof l.token.patient === 'string' && json['patient'] !== undefined && json['patient'] !== l.token.patient) out.push(mismatch('patient', l.token.patient, json['patient']));
  if (typeof json['exp'] !== 'number') out.push(makeFinding({ id: 'introspection-field-missing', severity: 'error', title: 'an active introspection answer has no exp', detail: `exp: ${JSON.stringify(json['exp'] ?? null)}`, fix: 'SMART token introspection requires exp for active tokens.', spec: 'smart-token-introspection', exchanges: [id] }));
  else if (typeof l.token.expires_in === 'number' && Math.abs(json['exp'] - (nowSeconds + l.token.expires_in)) > 120) out.push(mismatch('exp', `about ${nowSeconds + l.token.expires_in} (now + expires_in)`, json['exp']));
  return out;
}

export const INTROSPECTION_TESTS: readonly CheckTest[] = [
  {
    id: 'introspection-active',
    group: 'introspection',
    title: 'a fresh access token introspects active, with the scope, client and exp it was issued with',
    spec: 'smart-token-introspection',
    needs: ['client'],
    run: async (ctx) => {
      const url = endpointOf(ctx, 'introspect');
      if (typeof url !== 'string') return url;
      const l = await launch(ctx);
      if (l.kind === 'stopped') return l.verdict;
      const r = await introspect(ctx, url, l.token.access_token ?? '');
      if (r.status !== 200 || r.json?.['active'] !== true) return { outcome: 'fail', findings: [makeFinding({ id: 'introspection-active-token-inactive', severity: 'error', title: 'a fresh access token does not introspect as active', detail: `POST ${url} → ${r.status}, active: ${JSON.stringify(r.json?.['active'] ?? null)}`, fix: 'Answer active: true for a valid token.', spec: 'rfc7662-introspection', exchanges: [r.id] })], context: l.context };
      return verdictOf(introspectionFields(l, r.json, r.id, Math.floor(ctx.now().getTime() / 1000)), l.context);
    },
  },
  {
    id: 'introspection-inactive',
    group: 'introspection',
    title: 'an unknown token introspects as active: false',
    spec: 'rfc7662-introspection',
    needs: ['client'],
    run: async (ctx) => {
      const url = endpointOf(ctx, 'introspect');
      if (typeof url !== 'string') return url;
      const r = await introspect(ctx, url, `smartctl-check-unknown-${crypto.randomUUID()}`);
      if (r.status === 200 && r.json?.['active'] === false) return { outcome: 'pass', evidence: [r.id] };
      return { outcome: 'fail', findings: [makeFinding({ id: 'introspection-unknown-token-active', severity: 'error', title: 'an unknown token does not introspect as inactive', detail: `POST ${url} → ${r.status}, body ${JSON.stringify(r.json ?? null).slice(0, 200)}; expected 200 {"active": false}`, fix: 'Answer {"active": false} for tokens that are unknown, expired or revoked (RFC 7662 §2.2).', spec: 'rfc7662-introspection', exchanges: [r.id] })] };
    },
  },
  {
    id: 'revocation-access-token',
    group: 'introspection',
    title: 'a revoked access token no longer reads FHIR (and introspects inactive)',
    spec: 'rfc7009-revocation',
    needs: ['client'],
    run: async (ctx) => {
      const url = endpointOf(ctx, 'revoke');
      if (typeof url !== 'string') return url;
      const l = await launch(ctx);
      if (l.kind === 'stopped') return l.verdict;
      const token = l.token.access_token ?? '';
      const auth = ctx.inputs.client?.auth;
      if (auth === undefined) return { outcome: 'skip', reason: 'no app client' };
      const revoked = await requestToken(ctx.http, { step: 'revoke', tokenEndpoint: url, params: { token, token_type_hint: 'access_token' }, auth, now: ctx.now() });
      const findings: Finding[] = [];
      if (revoked.response.status !== 200) findings.push(makeFinding({ id: 'revocation-failed', severity: 'error', title: `revocation answered HTTP ${revoked.response.status}`, detail: revoked.response.body.slice(0, 200), fix: 'Answer 200 to a revocation request (RFC 7009 §2.2).', spec: 'rfc7009-revocation', exchanges: [revoked.response.exchange.id] }));
      const read = await fhirGet(ctx, readableUrl(l.endpoints.fhirBase, l.token), token, 'fhir.after-revoke');
      if (read.status !== 401) findings.push(makeFinding({ id: 'revoked-token-still-works', severity: 'error', title: `a revoked access token still gets HTTP ${read.status} from FHIR`, detail: `GET ${read.exchange.request.url} after revocation → ${read.status}; expected 401`, fix: 'Revocation must end the access token at once (RFC 7009 §2).', spec: 'rfc7009-revocation', exchanges: [read.exchange.id] }));
      const introspection = ctx.discovery?.endpoints.introspect;
      if (introspection !== undefined) {
        const r = await introspect(ctx, introspection, token);
        if (r.json?.['active'] !== false) findings.push(makeFinding({ id: 'revoked-token-still-active', severity: 'error', title: 'a revoked access token still introspects as active', detail: `active: ${JSON.stringify(r.json?.['active'] ?? null)}`, fix: 'Introspection answers active: false after revocation.', spec: 'rfc7662-introspection', exchanges: [r.id] }));
      }
      return verdictOf(findings, l.context);
    },
  },
  {
    id: 'revocation-refresh-token',
    group: 'introspection',
    title: 'a revoked refresh token no longer refreshes',
    spec: 'rfc7009-revocation',
    needs: ['client'],
    run: async (ctx) => {
      const url = endpointOf(ctx, 'revoke');
      if (typeof url !== 'string') return url;
      const l = await launch(ctx);
      if (l.kind === 'stopped') return l.verdict;
      const auth = ctx.inputs.client?.auth;
      if (typeof l.token.refresh_token !== 'string' || auth === undefined) return { outcome: 'skip', reason: 'the launch returned no refresh token' };
      const revoked = await requestToken(ctx.http, { step: 'revoke', tokenEndpoint: url, params: { token: l.token.refresh_token, token_type_hint: 'refresh_token' }, auth, now: ctx.now() });
      const r = await refreshToken(ctx, { tokenEndpoint: l.endpoints.token, auth, refreshToken: l.token.refresh_token });
      const findings: Finding[] = [];
      if (revoked.response.status !== 200) findings.push(makeFinding({ id: 'revocation-failed', severity: 'error', title: `revocation answered HTTP ${revoked.response.status}`, detail: revoked.response.body.slice(0, 200), fix: 'Answer 200 to a revocation request (RFC 7009 §2.2).', spec: 'rfc7009-revocation', exchanges: [revoked.response.exchange.id] }));
      if (r.response.status === 200) findings.push(makeFinding({ id: 'revoked-refresh-token-works', severity: 'error', title: 'a revoked refresh token still refreshes', detail: `POST ${l.endpoints.token} grant_type=refresh_token after revocation → 200`, fix: 'Revoking a refresh token ends it (RFC 7009 §2.1).', spec: 'rfc7009-revocation', exchanges: [r.response.exchange.id] }));
      return verdictOf(findings, l.context);
    },
  },
];
