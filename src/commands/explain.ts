// smartctl explain: runs the diagnosis rules over what a user saved from their own
// app — an error response (with the request that got it), a pasted curl line, a token
// response, an authorize URL, the app's own error message.
import { inputError, usageError } from '../errors.js';
import { diagnose, evidenceFromSaved, type SavedInput } from '../diagnose/index.js';
import type { Endpoint, Evidence } from '../diagnose/evidence.js';
import { grantTypeOf, innerAuthorizeUrl } from '../diagnose/evidence.js';
import { parseCurl, type CurlRequest } from '../diagnose/curl.js';
import { makeFinding, type Finding } from '../report/finding.js';
import { makeReport, type Report, type ReportSection } from '../report/report.js';
import { correlationIds, correlationIdsOfResponse, correlationIdsOfUrl } from '../report/correlation.js';
import { pickExchanges } from '../report/exchange-pick.js';
import { REPORT_EXCHANGES_SHOWN } from '../report/view-limits.js';
import { headerValue, type HeaderMap } from '../report/trace.js';
import { redactString } from '../report/redact.js';
import { clip } from '../report/render/terminal-text.js';
import { setOwn } from '../protocol/own-property.js';
import { compareScopes, scopeFindings } from '../protocol/scopes/compare.js';
import { parseScopes } from '../protocol/scopes/parse.js';
import { checkTokenResponse } from '../protocol/token-response.js';
import type { CommandContext } from './context.js';
import { parseJsonObject, readArgument } from './input.js';

interface ExplainOptions {
  status?: number;
  body?: string;
  header?: string[];
  requestHeader?: string[];
  requestBody?: string;
  method?: string;
  endpoint?: Endpoint;
  tokenResponse?: string;
  requestedScope?: string;
  url?: string;
  clientId?: string;
  tokenUrl?: string;
  message?: string[];
  curl?: string;
  har?: string;
}

export function parseHeaders(lines: readonly string[] | undefined, flag: string): HeaderMap {
  const out: HeaderMap = {};
  for (const line of lines ?? []) {
    const m = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+)\s*:\s*(.*)$/.exec(line);
    if (m === null) throw usageError('header-malformed', `${flag} "${quoted(line)}" is not "Name: value"`, `Example: ${flag} 'WWW-Authenticate: Bearer error="invalid_token"'`);
    setOwn<string | string[]>(out, (m[1] ?? '').toLowerCase(), m[2] ?? '');
  }
  return out;
}

async function readMaybeFile(ctx: CommandContext, value: string | undefined, what: string): Promise<string | undefined> {
  if (value === undefined) return undefined;
  return readArgument(ctx, value, what);
}

/** An authorize request (or a vendor login page wrapping one), as opposed to the URL of some other answer. */
function isAuthorizeUrl(url: string): boolean {
  const inner = innerAuthorizeUrl(url);
  if (inner !== undefined && inner !== url) return true;
  const u = new URL(url);
  return u.searchParams.has('response_type') || /\/authori[sz]e\/?$/i.test(u.pathname) || /\/session-api\//i.test(u.pathname);
}

/** A launch URL an EHR opened (iss and/or launch, no response_type): EHR launch evidence. */
function isLaunchUrl(url: string): boolean {
  const q = new URL(url).searchParams;
  return !q.has('response_type') && (q.has('iss') || q.has('launch'));
}

const METHODS = /^(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)$/i;

/**
 * What a refusal quotes of the evidence given: the CLI prints error messages on stderr as
 * they are, so secrets are masked here, and a 300 000-character --url is not echoed whole.
 */
function quoted(text: string): string {
  return clip(redactString(text), 200);
}

function evidenceRows(o: ExplainOptions, evidence: Evidence, curl: CurlRequest | undefined, granted: string | undefined): Array<[string, string]> {
  const rows: Array<[string, string]> = [];
  const first = evidence.responses[0];
  if (curl !== undefined) rows.push(['request (curl)', `${curl.method} ${curl.url}`]);
  if (o.status !== undefined) rows.push(['status', String(o.status)]);
  if (first !== undefined) rows.push(['endpoint', first.endpoint]);
  const err = first?.oauthError;
  if (err !== undefined) rows.push(['error', `${err.error}${err.error_description !== undefined ? ` — ${err.error_description}` : ''}`]);
  if (err?.error_uri !== undefined) rows.push(['error_uri', err.error_uri]);
  if (granted !== undefined) rows.push(['granted scope', granted]);
  if (evidence.authorizeUrl !== undefined) rows.push(['authorize URL', `${evidence.authorizeUrl.length} characters`]);
  for (const m of evidence.messages) rows.push(['app message', m]);
  return rows;
}

/** The rules, plus the token response's shape checks and the requested-vs-granted scope diff. */
function diagnoseSaved(evidence: Evidence, now: Date): Finding[] {
  const extra: Finding[] = [];
  const tokenResponse = evidence.tokenResponse;
  if (tokenResponse !== undefined) extra.push(...checkTokenResponse(tokenResponse, { requestedScope: evidence.requestedScope }).findings);
  const granted = typeof tokenResponse?.['scope'] === 'string' ? tokenResponse['scope'] : undefined;
  // A backend services token (client_credentials) is asked for no user: system/ scopes are right there.
  const backend = evidence.launchType === 'backend' || evidence.responses.some((r) => r.endpoint === 'token' && grantTypeOf(r) === 'client_credentials');
  if (evidence.requestedScope !== undefined && granted !== undefined) extra.push(...scopeFindings(compareScopes(parseScopes(evidence.requestedScope), parseScopes(granted)), { userFacing: !backend }));
  return diagnose(evidence, { now }, extra);
}

export async function explainCommand(ctx: CommandContext, opts: Record<string, unknown>): Promise<Report> {
  const o = opts as ExplainOptions;
  const messages = o.message ?? [];
  if (o.har !== undefined) return explainHar(ctx, o, o.har, messages);
  if (o.status === undefined && o.body === undefined && o.tokenResponse === undefined && o.url === undefined && o.curl === undefined && messages.length === 0) {
    throw usageError('evidence-missing', 'nothing to explain: give --status/--body, --curl, --token-response, --url or --message', 'Example: smartctl explain --status 401 --body @response.json --endpoint token');
  }
  if (o.url !== undefined && !URL.canParse(o.url)) throw inputError('invalid-url', `--url "${quoted(o.url)}" is not an absolute URL`, 'Paste the whole URL, starting with https://');
  if (o.method !== undefined && !METHODS.test(o.method)) throw usageError('method-invalid', `--method "${quoted(o.method)}" is not an HTTP method`, 'Use GET, POST, PUT, PATCH, DELETE, HEAD or OPTIONS.');
  const curlText = await readMaybeFile(ctx, o.curl, 'curl command');
  const curl = curlText === undefined ? undefined : parseCurl(curlText);
  const body = await readMaybeFile(ctx, o.body, 'response body');
  const requestBody = (await readMaybeFile(ctx, o.requestBody, 'request body')) ?? curl?.body;
  const tokenResponseText = await readMaybeFile(ctx, o.tokenResponse, 'token response');
  const tokenResponse = tokenResponseText === undefined ? undefined : parseJsonObject(tokenResponseText, '--token-response', 'Pass the token response exactly as received, or @file.');
  const requestUrl = o.url ?? curl?.url;
  const authorizeUrl = requestUrl !== undefined && isAuthorizeUrl(requestUrl) ? requestUrl : undefined;
  const responseHeaders = parseHeaders(o.header, '--header');
  const saved: SavedInput = {
    status: o.status,
    body,
    responseHeaders,
    requestHeaders: { ...(curl?.headers ?? {}), ...parseHeaders(o.requestHeader, '--request-header') },
    requestBody,
    method: o.method?.toUpperCase() ?? curl?.method,
    url: requestUrl,
    endpoint: o.endpoint,
    tokenResponse,
    requestedScope: o.requestedScope,
    authorizeUrl,
    clientId: o.clientId,
    tokenEndpoint: o.tokenUrl,
    messages,
    // A curl line is the whole request: a header it lacks was not sent.
    requestSeen: curl !== undefined ? true : undefined,
  };
  const evidence = evidenceFromSaved(saved);
  if (requestUrl !== undefined && isLaunchUrl(requestUrl)) evidence.launchUrl = requestUrl;
  const now = ctx.now();
  const granted = typeof tokenResponse?.['scope'] === 'string' ? tokenResponse['scope'] : undefined;
  const findings = diagnoseSaved(evidence, now);
  if (findings.length === 0) {
    findings.push(
      makeFinding({
        id: 'nothing-recognised',
        severity: 'info',
        role: 'also-noticed',
        title: 'nothing failed in this evidence and no known problem matched',
        detail: 'the evidence given shows no error answer, and matches none of the diagnosis rules',
        fix: 'Add the error answer (--status/--body), what the app sent (--request-header, --request-body or --curl), the response headers (--header), or a HAR of the flow; run the same flow with smartctl launch to see every step.',
      }),
    );
  }
  const rows = evidenceRows(o, evidence, curl, granted);
  const sections: ReportSection[] = rows.length > 0 ? [{ title: 'Evidence', rows }] : [];
  const first = evidence.responses[0];
  const top = findings[0];
  return makeReport({
    command: 'explain',
    findings,
    data: {
      evidence: {
        endpoint: first?.endpoint ?? null,
        status: o.status ?? null,
        method: first?.method ?? null,
        url: first?.url ?? null,
        oauthError: first?.oauthError ?? null,
        requestedScope: evidence.requestedScope ?? null,
        grantedScope: granted ?? null,
        requestAuthorization: first === undefined ? null : (headerValue(first.requestHeaders, 'authorization')?.split(/\s+/)[0] ?? null),
        messages,
      },
      failures: evidence.failures.map((f) => ({ kind: f.kind, endpoint: f.endpoint ?? null, status: f.status ?? null, error: f.error ?? null, seen: f.seen })),
      diagnosis: top === undefined ? null : { id: top.id, role: top.role ?? null, basis: top.basis ?? null },
      // What the vendor asks for: request ids in the headers given, the Oracle Health instance id, Entra's trace lines.
      identifiers: [...correlationIdsOfResponse({ headers: responseHeaders, body, url: requestUrl }, { status: o.status }), ...(requestUrl === undefined ? [] : correlationIdsOfUrl(requestUrl))],
    },
    sections,
    summary: top?.role === 'root-cause' ? `explained: ${top.id}` : top?.id === 'unknown-failure' ? 'cannot tell why this failed' : 'explained',
  });
}

// ---- explain --har ------------------------------------------------------------------

const NOT_WITH_HAR = ['status', 'body', 'header', 'requestHeader', 'requestBody', 'method', 'endpoint', 'tokenResponse', 'url', 'curl', 'tokenUrl'] as const;

/** A HAR of the flow: its OAuth / SMART entries become a trace, fed to the same rules as a launch. */
async function explainHar(ctx: CommandContext, o: ExplainOptions, file: string, messages: string[]): Promise<Report> {
  const other = NOT_WITH_HAR.filter((k) => o[k] !== undefined);
  if (other.length > 0) throw usageError('har-with-other-evidence', `--har cannot be combined with ${other.map((k) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`).join(', ')}`, 'The HAR holds the requests and answers; add only --message, --requested-scope or --client-id.');
  const { readHarFile } = await import('../flows/har-file.js');
  const { harRunContext } = await import('../har/classify.js');
  const { evidenceFromTrace } = await import('../diagnose/evidence.js');
  const har = await readHarFile(file);
  const evidence = evidenceFromTrace(har.entries, { ...harRunContext(har.entries), messages, requestedScope: o.requestedScope, clientId: o.clientId });
  const tokenResponse = evidence.tokenResponse;
  const granted = typeof tokenResponse?.['scope'] === 'string' ? tokenResponse['scope'] : undefined;
  const findings = diagnoseSaved(evidence, ctx.now());
  const steps = har.entries.flatMap((e) => (e.type === 'exchange' ? [`${e.step} ${e.response?.status ?? e.error?.code ?? '-'}`] : []));
  if (findings.length === 0) {
    findings.push(
      makeFinding({
        id: 'nothing-recognised',
        severity: 'info',
        role: 'also-noticed',
        title: steps.length === 0 ? 'the HAR holds no OAuth or SMART request' : 'nothing failed in this HAR and no known problem matched',
        detail: `${har.total} entries read, ${har.total - har.skipped} part of an OAuth / SMART flow`,
        fix: 'Record the HAR from the start of the launch (DevTools: Network, "Preserve log"), through the login to the first FHIR call, and save it with content.',
      }),
    );
  }
  const used = har.total - har.skipped;
  const rows: Array<[string, string]> = [
    ['file', file],
    ...(har.info.creator !== undefined ? [['written by', har.info.creator] as [string, string]] : []),
    ['entries', `${har.total} read, ${used} used, ${har.skipped} skipped (not part of the flow)`],
    ['steps', steps.length === 0 ? '(none)' : steps.join(', ')],
  ];
  if (granted !== undefined) rows.push(['granted scope', granted]);
  const top = findings[0];
  return makeReport({
    command: 'explain',
    findings,
    data: {
      har: { file, creator: har.info.creator ?? null, browser: har.info.browser ?? null, entries: har.total, used, skipped: har.skipped, steps },
      failures: evidence.failures.map((f) => ({ kind: f.kind, endpoint: f.endpoint ?? null, status: f.status ?? null, error: f.error ?? null, seen: f.seen })),
      diagnosis: top === undefined ? null : { id: top.id, role: top.role ?? null, basis: top.basis ?? null },
      identifiers: correlationIds(har.entries),
    },
    sections: [{ title: 'HAR', rows }],
    // The exchanges the diagnosis read, for --report (not part of --json: the HAR is the user's own file).
    exchangeGroups: [{ id: 'har', title: `HAR ${file}`, exchanges: pickExchanges(har.entries, findings, REPORT_EXCHANGES_SHOWN) }],
    summary: top?.role === 'root-cause' ? `explained: ${top.id}` : top?.id === 'unknown-failure' ? 'cannot tell why this failed' : 'explained',
  });
}
