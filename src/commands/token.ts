// smartctl token: one token request for scripts and CI — authorization_code,
// refresh_token or client_credentials — with the response decoded, scopes diffed and
// the diagnosis rules applied.
import { usageError } from '../errors.js';
import { HttpClient } from '../http/client.js';
import { requestToken } from '../flows/token-request.js';
import { diagnose, evidenceFromTrace } from '../diagnose/index.js';
import { compareScopes, scopeFindings } from '../protocol/scopes/compare.js';
import { parseScopes } from '../protocol/scopes/parse.js';
import { decodeJwt } from '../protocol/jwt/decode.js';
import { pruneDeepJson } from '../protocol/json-depth.js';
import { checkTokenResponse } from '../protocol/token-response.js';
import { pickOutput, withOutputFinding, type OutputField } from '../protocol/token-output.js';
import { accessTokenRow, jwtClaimSections } from '../protocol/token-view.js';
import { makeFinding, type Finding } from '../report/finding.js';
import { makeReport, type Report, type ReportSection } from '../report/report.js';
import { Trace } from '../report/trace.js';
import type { CommandContext } from './context.js';
import { resolveClientAuth, type ClientAuthOptions } from './client-auth-options.js';
import { applyProfile, type ProfiledOptions } from './profile-options.js';
import { checkOutputOptions } from './output-option.js';

interface TokenOptions extends ClientAuthOptions, Pick<ProfiledOptions, 'config' | 'profile'> {
  grant: 'authorization_code' | 'refresh_token' | 'client_credentials';
  iss?: string;
  tokenUrl?: string;
  scope?: string;
  code?: string;
  codeVerifier?: string;
  redirectUri?: string;
  refreshToken?: string;
  output?: OutputField;
}


function grantParams(o: TokenOptions): Record<string, string> {
  const p: Record<string, string> = { grant_type: o.grant };
  if (o.grant === 'authorization_code') {
    if (o.code === undefined || o.redirectUri === undefined) throw usageError('option-missing', '--grant authorization_code needs --code and --redirect-uri (and --code-verifier when PKCE was used)');
    p['code'] = o.code;
    p['redirect_uri'] = o.redirectUri;
    if (o.codeVerifier !== undefined) p['code_verifier'] = o.codeVerifier;
  } else if (o.grant === 'refresh_token') {
    if (o.refreshToken === undefined) throw usageError('option-missing', '--grant refresh_token needs --refresh-token');
    p['refresh_token'] = o.refreshToken;
  }
  if (o.scope !== undefined) p['scope'] = o.scope;
  return p;
}

function decodedTokens(json: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of ['access_token', 'id_token']) {
    const v = json[name];
    if (typeof v !== 'string') continue;
    try {
      const d = decodeJwt(v);
      out[name] = d.kind === 'jwt' ? { kind: 'jwt', header: d.header, claims: d.payload } : { kind: d.kind };
    } catch {
      out[name] = { kind: 'malformed' };
    }
  }
  return out;
}

export async function tokenCommand(ctx: CommandContext, opts: Record<string, unknown>): Promise<Report> {
  const given = opts as unknown as TokenOptions;
  // --token-url rules out an iss from SMARTCTL_ISS or the profile.
  const o = await applyProfile(ctx, given, given.tokenUrl === undefined ? ['iss', 'clientId', 'authMethod', 'key', 'kid', 'scope', 'redirectUri', 'clientSecret'] : ['clientId', 'authMethod', 'key', 'kid', 'scope', 'redirectUri', 'clientSecret']);
  if ((o.iss === undefined) === (o.tokenUrl === undefined)) throw usageError('option-missing', 'give exactly one of --iss <fhir-base> or --token-url <url>');
  if (o.clientId === undefined) throw usageError('option-missing', 'missing --client-id <id>');
  if (o.assertionInHeader === true && o.key === undefined) throw usageError('options-conflict', '--assertion-in-header needs --key (it reproduces a private_key_jwt mistake)');
  const output = checkOutputOptions(ctx, o.output);
  const params = grantParams(o);
  const auth = await resolveClientAuth(ctx, o, o.clientId);
  const trace = new Trace();
  ctx.traceStarted?.(trace);
  const client = new HttpClient({ trace, timeoutMs: ctx.globals.timeoutMs, insecure: ctx.globals.insecure });
  const findings: Finding[] = [];
  try {
    let tokenEndpoint = o.tokenUrl ?? '';
    if (o.iss !== undefined) {
      const { discover } = await import('../flows/discovery.js');
      ctx.narrate.step(`discovering the token endpoint of ${o.iss}`);
      const d = await discover(client, o.iss);
      findings.push(...d.findings.filter((f) => f.severity === 'error'));
      if (d.endpoints.token === undefined) return makeReport({ command: 'token', findings: withOutputFinding(findings, output), trace: trace.entries, summary: 'no token endpoint', output });
      tokenEndpoint = d.endpoints.token;
    }
    ctx.narrate.step(`POST ${tokenEndpoint} (${o.grant}, ${auth.method}${o.assertionInHeader === true ? ', assertion in the Authorization header' : ''})`);
    const exchange = await requestToken(client, { step: 'token', tokenEndpoint, params, auth, now: ctx.now() });
    const sections: ReportSection[] = [{ title: 'Token request', rows: [['endpoint', tokenEndpoint], ['grant', o.grant], ['client', `${o.clientId} (${auth.method})`], ['status', `HTTP ${exchange.response.status}`]] }];
    const data: Record<string, unknown> = { tokenEndpoint, grant: o.grant, clientId: o.clientId, authMethod: auth.method, status: exchange.response.status };
    if (o.scope !== undefined) data['requestedScope'] = o.scope;
    // "received" only for a token response that holds a token, never for garbage with HTTP 200.
    let received = false;
    if (exchange.response.status === 200) {
      const checked = checkTokenResponse(exchange.json);
      received = typeof checked.response?.access_token === 'string' && checked.response.access_token !== '';
      findings.push(...checked.findings);
      const r = checked.response ?? {};
      // A response that failed the shape check may nest without bound: the report keeps it cut.
      data['tokenResponse'] = checked.response === undefined ? pruneDeepJson(exchange.json) : exchange.json;
      data['decoded'] = decodedTokens(r);
      const rows: Array<[string, string]> = [];
      for (const k of ['token_type', 'expires_in', 'scope', 'patient', 'encounter'] as const) if (r[k] !== undefined) rows.push([k, String(r[k])]);
      const accessToken = typeof r.access_token === 'string' && r.access_token !== '' ? r.access_token : undefined;
      rows.push(accessToken !== undefined ? accessTokenRow(accessToken, r.token_type, ctx.now()) : ['access_token', 'absent']);
      for (const k of ['refresh_token', 'id_token'] as const) rows.push([k, r[k] !== undefined ? 'present' : 'absent']);
      sections.push({ title: 'Token response', rows, secrets: accessToken !== undefined ? [accessToken] : undefined });
      for (const k of ['access_token', 'id_token'] as const) {
        const v = r[k];
        if (typeof v === 'string') sections.push(...jwtClaimSections(k, v, ctx.now()));
      }
      if (output !== undefined && received) {
        const picked = pickOutput(o.output ?? 'access_token', { body: exchange.response.body, json: exchange.json, grant: o.grant });
        if ('value' in picked) output.value = picked.value;
        else findings.push(picked.finding);
      }
      if (o.scope !== undefined && typeof r.scope === 'string') {
        findings.push(...scopeFindings(compareScopes(parseScopes(o.scope), parseScopes(r.scope)), { userFacing: o.grant !== 'client_credentials' }));
      }
    } else {
      findings.push(
        makeFinding({
          id: 'token-request-failed',
          severity: 'error',
          title: `the token request failed with HTTP ${exchange.response.status}`,
          detail: `POST ${tokenEndpoint} → ${exchange.response.status}: ${exchange.response.body.slice(0, 300)}`,
          fix: 'See the diagnosis; error_description usually names the cause.',
          spec: 'rfc6749-token-error',
          exchanges: [exchange.response.exchange.id],
        }),
      );
    }
    const ranked = diagnose(evidenceFromTrace(trace.entries, { clientId: o.clientId, tokenEndpoint, requestedScope: o.scope, sentClientAssertion: exchange.assertion, authMethod: auth.method, launchType: o.grant === 'client_credentials' ? 'backend' : undefined }), { now: ctx.now() }, findings);
    return makeReport({
      command: 'token',
      findings: withOutputFinding(ranked, output),
      data,
      sections,
      summary: received ? `${o.grant} token received` : exchange.response.status === 200 ? `${o.grant}: HTTP 200 without a usable token response` : `${o.grant} token request failed`,
      trace: trace.entries,
      output,
    });
  } finally {
    await client.close();
  }
}
