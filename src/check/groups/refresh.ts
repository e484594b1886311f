// Refresh: without and with scope; the new scope within the old; the new access token
// works; rotation handled (the newest refresh token is the one used); a refreshed
// id_token, when one comes, validated like the first, with the same sub.
import type { TokenExchange } from '../../flows/token-request.js';
import { asRefreshedIdToken, refreshedIdTokenSubChanged, refreshedTokenUnusable, refreshRotationBroken, refreshScopeWidened } from '../../protocol/refresh-checks.js';
import { parseScopes } from '../../protocol/scopes/parse.js';
import { checkTokenResponse, type TokenResponse } from '../../protocol/token-response.js';
import { makeFinding, type Finding } from '../../report/finding.js';
import { fhirGet, launch, readableUrl, refreshToken, verdictOf, type Launch } from '../session.js';
import type { CheckTest, TestContext, Verdict } from '../types.js';
import { ruleFindings, validateIdTokenOf } from './launch-checks.js';

type Refreshed = { kind: 'refreshed'; launch: Launch; exchange: TokenExchange; token: TokenResponse; findings: Finding[] } | { kind: 'stopped'; verdict: Verdict };

function refreshable(ctx: TestContext, l: Launch): string | Verdict {
  if (typeof l.token.refresh_token === 'string' && l.token.refresh_token !== '') return l.token.refresh_token;
  const rules = ruleFindings(ctx, l, ['no-refresh-token-despite-offline-access', 'no-refresh-token-without-offline-scope', 'granted-scope-lacks-refresh-scope']);
  const asked = parseScopes(l.requestedScope).some((s) => s.raw === 'offline_access' || s.raw === 'online_access');
  if (!asked) return { outcome: 'skip', reason: `no refresh token: the requested scope "${l.requestedScope}" has no offline_access or online_access` };
  return { outcome: 'fail', findings: [...rules, makeFinding({ id: 'refresh-token-missing', severity: 'error', title: 'offline_access was requested but no refresh_token came back', detail: `requested: "${l.requestedScope}"; granted: "${l.token.scope ?? ''}"`, fix: 'Issue a refresh token when offline_access or online_access is granted.', spec: 'smart-refresh-scopes', exchanges: [l.tokenExchange.response.exchange.id] })], context: l.context };
}

async function refreshOnce(ctx: TestContext, scope?: (l: Launch) => string | undefined): Promise<Refreshed> {
  const l = await launch(ctx);
  if (l.kind === 'stopped') return l;
  const rt = refreshable(ctx, l);
  if (typeof rt !== 'string') return { kind: 'stopped', verdict: rt };
  const client = ctx.inputs.client;
  if (client === undefined) return { kind: 'stopped', verdict: { outcome: 'skip', reason: 'no app client' } };
  const exchange = await refreshToken(ctx, { tokenEndpoint: l.endpoints.token, auth: client.auth, refreshToken: rt, scope: scope?.(l) });
  if (exchange.response.status !== 200) {
    return { kind: 'stopped', verdict: { outcome: 'fail', findings: [makeFinding({ id: 'refresh-failed', severity: 'error', title: `the refresh failed with HTTP ${exchange.response.status}`, detail: `POST ${l.endpoints.token} grant_type=refresh_token → ${exchange.response.status}: ${exchange.response.body.slice(0, 300)}`, fix: 'A refresh token from offline_access must refresh while it is valid.', spec: 'smart-refresh', exchanges: [exchange.response.exchange.id] })], context: l.context } };
  }
  const checked = checkTokenResponse(exchange.json);
  const findings = checked.findings.map((f) => ({ ...f, title: `refresh: ${f.title}`, exchanges: [exchange.response.exchange.id] }));
  return { kind: 'refreshed', launch: l, exchange, token: checked.response ?? {}, findings };
}

function withinOld(old: string, neu: string, exchangeId: number): Finding[] {
  return refreshScopeWidened(old, neu, exchangeId);
}

async function newTokenWorks(ctx: TestContext, r: Extract<Refreshed, { kind: 'refreshed' }>): Promise<Finding[]> {
  if (typeof r.token.access_token !== 'string') return [];
  const url = readableUrl(r.launch.endpoints.fhirBase, { ...r.token, patient: r.token.patient ?? r.launch.token.patient });
  const read = await fhirGet(ctx, url, r.token.access_token, 'fhir.read');
  return refreshedTokenUnusable(url, read.status, read.exchange.id);
}

/** A narrower scope to ask for on refresh: the grant without fhirUser/profile (kept whole when nothing can go). */
function narrower(l: Launch): string {
  const granted = (l.token.scope ?? l.requestedScope).split(' ').filter((s) => s !== '');
  const kept = granted.filter((s) => s !== 'fhirUser' && s !== 'profile');
  return (kept.length > 0 ? kept : granted).join(' ');
}

export const REFRESH_TESTS: readonly CheckTest[] = [
  {
    id: 'refresh-without-scope',
    group: 'refresh',
    title: 'refresh without scope: 200, a scope within the old one, and the new access token works',
    spec: 'smart-refresh',
    needs: ['client'],
    run: async (ctx) => {
      const r = await refreshOnce(ctx);
      if (r.kind === 'stopped') return r.verdict;
      const findings = [...r.findings, ...withinOld(r.launch.token.scope ?? '', r.token.scope ?? r.launch.token.scope ?? '', r.exchange.response.exchange.id), ...(await newTokenWorks(ctx, r))];
      return verdictOf(findings, r.launch.context);
    },
  },
  {
    id: 'refresh-with-scope',
    group: 'refresh',
    title: 'refresh with a narrower scope: 200 and no more than was asked',
    spec: 'smart-refresh',
    needs: ['client'],
    run: async (ctx) => {
      let asked = '';
      const r = await refreshOnce(ctx, (l) => (asked = narrower(l)));
      if (r.kind === 'stopped') return r.verdict;
      return verdictOf([...r.findings, ...withinOld(asked, r.token.scope ?? asked, r.exchange.response.exchange.id)], r.launch.context);
    },
  },
  {
    id: 'refresh-rotation',
    group: 'refresh',
    title: 'a second refresh works with the newest refresh token (rotation handled)',
    spec: 'smart-refresh',
    needs: ['client'],
    run: async (ctx) => {
      const r = await refreshOnce(ctx);
      if (r.kind === 'stopped') return r.verdict;
      const client = ctx.inputs.client;
      const newest = typeof r.token.refresh_token === 'string' ? r.token.refresh_token : r.launch.token.refresh_token;
      if (client === undefined || newest === undefined) return { outcome: 'skip', reason: 'no refresh token to use twice' };
      const second = await refreshToken(ctx, { tokenEndpoint: r.launch.endpoints.token, auth: client.auth, refreshToken: newest });
      if (second.response.status === 200) return { outcome: 'pass', reason: typeof r.token.refresh_token === 'string' ? 'the server rotates refresh tokens' : 'the server keeps the refresh token' };
      return { outcome: 'fail', findings: refreshRotationBroken(typeof r.token.refresh_token === 'string', second.response.status, second.response.body, second.response.exchange.id), context: r.launch.context };
    },
  },
  {
    id: 'refresh-id-token',
    group: 'refresh',
    title: "a refreshed id_token verifies like the first, with the first one's sub",
    spec: 'oidc-id-token-validation',
    needs: ['client'],
    run: async (ctx) => {
      const r = await refreshOnce(ctx);
      if (r.kind === 'stopped') return r.verdict;
      if (typeof r.token.id_token !== 'string') return { outcome: 'pass', reason: 'no id_token on refresh (allowed)' };
      const d = r.launch.endpoints.discovery;
      const check = await validateIdTokenOf(ctx, r.token.id_token, { jwksUri: d.endpoints.jwksUri, issuer: d.endpoints.issuer, clientId: r.launch.context.clientId ?? '', now: ctx.now() });
      if (!('signatureValid' in check)) return { ...check, context: r.launch.context };
      const findings = [...asRefreshedIdToken(check.findings), ...refreshedIdTokenSubChanged(r.launch.token.id_token, check.claims?.['sub'], r.exchange.response.exchange.id)];
      return verdictOf(findings, r.launch.context);
    },
  },
];
