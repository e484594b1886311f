// smartctl explain: runs the diagnosis rules over what a user saved from their own
// app — an error response, a token response, an authorize URL.
import { inputError, usageError } from '../errors.js';
import { diagnose, evidenceFromSaved, type SavedInput } from '../diagnose/index.js';
import type { Endpoint } from '../diagnose/evidence.js';
import { unwrapAuthorizeUrl } from '../diagnose/rules/authorize/authorize-url.js';
import { makeFinding } from '../report/finding.js';
import { makeReport, type Report, type ReportSection } from '../report/report.js';
import type { HeaderMap } from '../report/trace.js';
import { compareScopes, scopeFindings } from '../protocol/scopes/compare.js';
import { parseScopes } from '../protocol/scopes/parse.js';
import { checkTokenResponse } from '../protocol/token-response.js';
import { mergeFindings } from '../diagnose/index.js';
import type { CommandContext } from './context.js';
import { parseJsonObject, readArgument } from './input.js';

interface ExplainOptions {
  status?: number;
  body?: string;
  header?: string[];
  requestHeader?: string[];
  endpoint?: Endpoint;
  tokenResponse?: string;
  requestedScope?: string;
  url?: string;
  clientId?: string;
  tokenUrl?: string;
}

export function parseHeaders(lines: readonly string[] | undefined, flag: string): HeaderMap {
  const out: HeaderMap = {};
  for (const line of lines ?? []) {
    const m = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+)\s*:\s*(.*)$/.exec(line);
    if (m === null) throw usageError('header-malformed', `${flag} "${line}" is not "Name: value"`, `Example: ${flag} 'WWW-Authenticate: Bearer error="invalid_token"'`);
    out[(m[1] ?? '').toLowerCase()] = m[2] ?? '';
  }
  return out;
}

async function readMaybeFile(ctx: CommandContext, value: string | undefined, what: string): Promise<string | undefined> {
  if (value === undefined) return undefined;
  return readArgument(ctx, value, what);
}


export async function explainCommand(ctx: CommandContext, opts: Record<string, unknown>): Promise<Report> {
  const o = opts as ExplainOptions;
  if (o.status === undefined && o.body === undefined && o.tokenResponse === undefined && o.url === undefined) {
    throw usageError('evidence-missing', 'nothing to explain: give --status/--body, --token-response or --url', 'Example: smartctl explain --status 401 --body @response.json --endpoint token');
  }
  if (o.url !== undefined && !URL.canParse(o.url)) throw inputError('invalid-url', `--url "${o.url}" is not an absolute URL`, 'Paste the whole authorize URL, starting with https://');
  const body = await readMaybeFile(ctx, o.body, 'response body');
  const tokenResponseText = await readMaybeFile(ctx, o.tokenResponse, 'token response');
  const tokenResponse = tokenResponseText === undefined ? undefined : parseJsonObject(tokenResponseText, '--token-response', 'Pass the token response exactly as received, or @file.');
  const saved: SavedInput = {
    status: o.status,
    body,
    responseHeaders: parseHeaders(o.header, '--header'),
    requestHeaders: parseHeaders(o.requestHeader, '--request-header'),
    endpoint: o.endpoint,
    tokenResponse,
    requestedScope: o.requestedScope ?? (o.url !== undefined ? (new URL(unwrapAuthorizeUrl(o.url).url).searchParams.get('scope') ?? undefined) : undefined),
    authorizeUrl: o.url,
    clientId: o.clientId,
    tokenEndpoint: o.tokenUrl,
  };
  const evidence = evidenceFromSaved(saved);
  const now = ctx.now();
  const findings = diagnose(evidence, { now });
  if (tokenResponse !== undefined) findings.push(...checkTokenResponse(tokenResponse, { requestedScope: saved.requestedScope }).findings);
  const granted = typeof tokenResponse?.['scope'] === 'string' ? tokenResponse['scope'] : undefined;
  if (saved.requestedScope !== undefined && granted !== undefined) {
    findings.push(...scopeFindings(compareScopes(parseScopes(saved.requestedScope), parseScopes(granted)), { userFacing: true }));
  }
  const merged = mergeFindings(findings);
  if (merged.length === 0) {
    merged.push(
      makeFinding({
        id: 'nothing-recognised',
        severity: 'info',
        title: 'no known failure pattern matched',
        detail: 'the evidence given matches none of the diagnosis rules',
        fix: 'Add what the app sent (--request-header), the response headers (--header), or the endpoint (--endpoint); run the same flow with smartctl launch to see every step.',
      }),
    );
  }
  const rows: Array<[string, string]> = [];
  if (o.status !== undefined) rows.push(['status', String(o.status)]);
  if (evidence.responses[0] !== undefined) rows.push(['endpoint', evidence.responses[0].endpoint]);
  const err = evidence.responses[0]?.oauthError;
  if (err !== undefined) rows.push(['error', `${err.error}${err.error_description !== undefined ? ` — ${err.error_description}` : ''}`]);
  if (err?.error_uri !== undefined) rows.push(['error_uri', err.error_uri]);
  if (granted !== undefined) rows.push(['granted scope', granted]);
  if (o.url !== undefined) rows.push(['authorize URL', `${o.url.length} characters`]);
  const sections: ReportSection[] = rows.length > 0 ? [{ title: 'Evidence', rows }] : [];
  return makeReport({
    command: 'explain',
    findings: merged,
    data: { evidence: { endpoint: evidence.responses[0]?.endpoint ?? null, status: o.status ?? null, oauthError: err ?? null, requestedScope: saved.requestedScope ?? null, grantedScope: granted ?? null } },
    sections,
    summary: 'explained',
  });
}
