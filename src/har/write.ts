// Trace -> HAR 1.2 (http://www.softwareishard.com/blog/har-12-spec/): every HTTP exchange of
// the run as an entry, with headers, cookies, query string, post data, bodies and timings,
// and the browser's redirect to the loopback listener as an entry of its own, so the file
// opens in Chrome's and Firefox's network panels and in `smartctl explain --har`.
// Redacted unless showSecrets: each secret becomes a marker with its length (and, for a
// JWT, its header and non-secret claims). Pure: trace in, HAR object out.
import { decodeJwt } from '../protocol/jwt/decode.js';
import { markerMembers as members } from './jwt-marker.js';
import { redactBody, redactHeaderValue, redactUrl, type Mask } from '../report/redact.js';
import type { ExchangeGroup } from '../report/report.js';
import { headerValue, isExchange, type HeaderMap, type HttpExchange, type TraceEntry, type TraceEvent } from '../report/trace.js';

export interface HarNameValuePair {
  name: string;
  value: string;
}

export interface HarCookie {
  name: string;
  value: string;
}

export interface HarOutEntry {
  pageref: string;
  startedDateTime: string;
  time: number;
  request: {
    method: string;
    url: string;
    httpVersion: string;
    cookies: HarCookie[];
    headers: HarNameValuePair[];
    queryString: HarNameValuePair[];
    postData?: { mimeType: string; text: string; params?: HarNameValuePair[] } | undefined;
    headersSize: number;
    bodySize: number;
  };
  response: {
    status: number;
    statusText: string;
    httpVersion: string;
    cookies: HarCookie[];
    headers: HarNameValuePair[];
    content: { size: number; mimeType: string; text?: string | undefined; comment?: string | undefined };
    redirectURL: string;
    headersSize: number;
    bodySize: number;
    /** Why no response came (Chrome writes _error too). */
    _error?: string | undefined;
  };
  cache: Record<string, never>;
  timings: { blocked: number; dns: number; connect: number; send: number; wait: number; receive: number; ssl: number };
  /** The step of smartctl's flow this exchange was (discovery.smart-configuration, authorize, token ...). */
  _step: string;
  /** In a check run's HAR: the id of the test that made it ("discovery": the shared discovery). */
  _check?: string | undefined;
  comment?: string | undefined;
}

export interface HarDocument {
  log: {
    version: '1.2';
    creator: { name: string; version: string };
    pages: Array<{ startedDateTime: string; id: string; title: string; pageTimings: Record<string, number>; comment?: string | undefined }>;
    entries: HarOutEntry[];
    comment?: string | undefined;
  };
}

export interface HarWriteOptions {
  /** smartctl's version, for log.creator. */
  version: string;
  /** The command that ran ("launch"), for the page title. */
  command: string;
  /** Keep secrets as they were sent (--show-secrets). */
  showSecrets: boolean;
}

const PAGE_ID = 'page_1';
/**
 * Claims shown in a redacted JWT's marker: who issued it, for whom, when, for what. nonce and
 * fhirUser are in the same HAR already (the authorize URL, the FHIR reads), and explain needs
 * them to judge the id_token. Never sub, jti or anything else.
 */
const SHOWN_CLAIMS = ['iss', 'aud', 'azp', 'exp', 'iat', 'nbf', 'auth_time', 'scope', 'nonce', 'fhirUser', 'profile'];
const SHOWN_HEADER = ['alg', 'typ', 'kid', 'cty', 'enc', 'jku'];

/**
 * The HAR's marker for a secret: "[REDACTED 43 chars]", or for a JWT
 * "[REDACTED jwt, 812 chars; header {alg: RS256, kid: k1}; claims {iss: ..., aud: ..., exp: ...}]".
 */
export const lengthMask: Mask = (secret) => {
  if (/^eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*$/.test(secret) || /^eyJ[A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]*){4}$/.test(secret)) {
    try {
      const token = decodeJwt(secret);
      if (token.kind === 'jwt') return `[REDACTED jwt, ${secret.length} chars; header {${members(token.header, SHOWN_HEADER)}}; claims {${members(token.payload, SHOWN_CLAIMS)}}]`;
      if (token.kind === 'jwe') return `[REDACTED jwe, ${secret.length} chars; header {${members(token.header, SHOWN_HEADER)}}]`;
    } catch {
      // not a JWT after all: the plain marker
    }
  }
  return `[REDACTED ${secret.length} chars]`;
};

const STATUS_TEXT: Record<number, string> = {
  200: 'OK', 201: 'Created', 204: 'No Content', 301: 'Moved Permanently', 302: 'Found', 303: 'See Other', 307: 'Temporary Redirect', 308: 'Permanent Redirect',
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 409: 'Conflict', 429: 'Too Many Requests',
  500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout',
};

function byteLength(text: string): number {
  return new TextEncoder().encode(text).length;
}

interface Redactor {
  url(url: string): string;
  header(name: string, value: string): string;
  body(body: string): string;
}

function redactor(showSecrets: boolean): Redactor {
  if (showSecrets) return { url: (u) => u, header: (_n, v) => v, body: (b) => b };
  return { url: (u) => redactUrl(u, lengthMask), header: (n, v) => redactHeaderValue(n, v, lengthMask), body: (b) => redactBody(b, lengthMask) };
}

function headerList(headers: HeaderMap, r: Redactor): HarNameValuePair[] {
  const out: HarNameValuePair[] = [];
  for (const [name, value] of Object.entries(headers)) for (const v of Array.isArray(value) ? value : [value]) out.push({ name, value: r.header(name, v) });
  return out;
}

/** Cookies from the (already redacted) Cookie or Set-Cookie headers. */
function requestCookies(headers: readonly HarNameValuePair[]): HarCookie[] {
  return headers
    .filter((h) => h.name.toLowerCase() === 'cookie')
    .flatMap((h) => h.value.split(/;\s*/))
    .filter((part) => part.includes('='))
    .map((part) => ({ name: part.slice(0, part.indexOf('=')), value: part.slice(part.indexOf('=') + 1) }));
}

function responseCookies(headers: readonly HarNameValuePair[]): HarCookie[] {
  return headers
    .filter((h) => h.name.toLowerCase() === 'set-cookie')
    .map((h) => h.value.split(/;\s*/)[0] ?? '')
    .filter((pair) => pair.includes('='))
    .map((pair) => ({ name: pair.slice(0, pair.indexOf('=')), value: pair.slice(pair.indexOf('=') + 1) }));
}

function queryString(url: string): HarNameValuePair[] {
  if (!URL.canParse(url)) return [];
  return [...new URL(url).searchParams].map(([name, value]) => ({ name, value }));
}

function isForm(mimeType: string): boolean {
  return /^application\/x-www-form-urlencoded/i.test(mimeType);
}

function exchangeEntry(exchange: HttpExchange, r: Redactor): HarOutEntry {
  const url = r.url(exchange.request.url);
  const requestHeaders = headerList(exchange.request.headers, r);
  const body = exchange.request.body;
  const requestMime = headerValue(exchange.request.headers, 'content-type') ?? '';
  let postData: HarOutEntry['request']['postData'];
  if (body !== undefined) {
    const text = r.body(body);
    postData = { mimeType: requestMime, text };
    if (isForm(requestMime)) postData.params = [...new URLSearchParams(text)].map(([name, value]) => ({ name, value }));
  }
  const response = exchange.response;
  const responseHeaders = response === undefined ? [] : headerList(response.headers, r);
  const location = response === undefined ? undefined : headerValue(response.headers, 'location');
  const responseText = response === undefined ? undefined : r.body(response.body);
  const size = responseText === undefined ? 0 : byteLength(responseText);
  const wait = Math.max(0, Math.round(exchange.durationMs * 1000) / 1000);
  const entry: HarOutEntry = {
    pageref: PAGE_ID,
    startedDateTime: exchange.startedAt,
    time: wait,
    request: {
      method: exchange.request.method,
      url,
      httpVersion: 'HTTP/1.1',
      cookies: requestCookies(requestHeaders),
      headers: requestHeaders,
      queryString: queryString(url),
      ...(postData !== undefined ? { postData } : {}),
      headersSize: -1,
      bodySize: postData === undefined ? 0 : byteLength(postData.text),
    },
    response: {
      status: response?.status ?? 0,
      statusText: response === undefined ? '' : (STATUS_TEXT[response.status] ?? ''),
      httpVersion: response === undefined ? '' : 'HTTP/1.1',
      cookies: responseCookies(responseHeaders),
      headers: responseHeaders,
      content: {
        size,
        mimeType: (response === undefined ? undefined : headerValue(response.headers, 'content-type')) ?? 'x-unknown',
        ...(responseText !== undefined ? { text: responseText } : {}),
        ...(response?.truncated === true ? { comment: 'smartctl kept only the start of this body (it exceeded its size cap)' } : {}),
      },
      redirectURL: location === undefined ? '' : r.url(location),
      headersSize: -1,
      bodySize: response === undefined ? -1 : size,
      ...(exchange.error !== undefined ? { _error: `${exchange.error.code}: ${exchange.error.message}` } : {}),
    },
    cache: {},
    // The client measures start to body read: all of it is "wait" (no per-phase breakdown).
    timings: { blocked: -1, dns: -1, connect: -1, send: 0, wait, receive: 0, ssl: -1 },
    _step: exchange.step,
  };
  if (exchange.error !== undefined) entry.comment = `no response: ${exchange.error.message}`;
  return entry;
}

/** The listener's events about a callback it served, with the status it answered. */
const CALLBACK_EVENTS: Record<string, number> = {
  callback: 200,
  'callback-error': 200,
  'callback-state-mismatch': 400,
  'callback-before-authorize': 400,
  'callback-without-code': 400,
};

/** The browser's request to the loopback listener (a run with a real browser): an entry, as a browser's HAR has it. */
function callbackEntry(event: TraceEvent, r: Redactor): HarOutEntry | undefined {
  const status = CALLBACK_EVENTS[event.name];
  const raw = event.data?.['url'];
  if (status === undefined || typeof raw !== 'string') return undefined;
  const url = r.url(raw);
  return {
    pageref: PAGE_ID,
    startedDateTime: event.at,
    time: 0,
    request: { method: 'GET', url, httpVersion: 'HTTP/1.1', cookies: [], headers: [], queryString: queryString(url), headersSize: -1, bodySize: 0 },
    response: { status, statusText: STATUS_TEXT[status] ?? '', httpVersion: 'HTTP/1.1', cookies: [], headers: [{ name: 'content-type', value: 'text/html; charset=utf-8' }], content: { size: 0, mimeType: 'text/html; charset=utf-8' }, redirectURL: '', headersSize: -1, bodySize: -1 },
    cache: {},
    timings: { blocked: -1, dns: -1, connect: -1, send: 0, wait: 0, receive: 0, ssl: -1 },
    _step: 'callback',
    comment: `the browser's redirect to smartctl's loopback listener (${event.message})`,
  };
}

/** The run's trace as a HAR 1.2 document. */
export function traceToHar(entries: readonly TraceEntry[], o: HarWriteOptions): HarDocument {
  const r = redactor(o.showSecrets);
  // A headless run delivers the callback with its own client: that exchange is the entry.
  const callbackExchanged = entries.some((e) => isExchange(e) && e.step === 'callback');
  const out: HarOutEntry[] = [];
  const events: string[] = [];
  for (const entry of entries) {
    if (isExchange(entry)) out.push(exchangeEntry(entry, r));
    else {
      const callback = callbackExchanged ? undefined : callbackEntry(entry, r);
      if (callback !== undefined) out.push(callback);
      events.push(`${entry.at} ${entry.name}: ${entry.message}`);
    }
  }
  const first = entries[0];
  const startedDateTime = first === undefined ? '1970-01-01T00:00:00.000Z' : isExchange(first) ? first.startedAt : first.at;
  return {
    log: {
      version: '1.2',
      creator: { name: 'smartctl', version: o.version },
      pages: [{ startedDateTime, id: PAGE_ID, title: `smartctl ${o.command}`, pageTimings: {}, ...(events.length > 0 ? { comment: r.body(events.join('\n')) } : {}) }],
      entries: out,
      comment: logComment(o.showSecrets),
    },
  };
}

function logComment(showSecrets: boolean): string {
  return showSecrets ? 'written with --show-secrets: this file holds live secrets' : 'secrets (tokens, codes, verifiers, client secrets, assertions, cookies, Authorization values) are replaced by [REDACTED n chars] markers';
}

const byStart = (a: { startedDateTime: string }, b: { startedDateTime: string }): number => Date.parse(a.startedDateTime) - Date.parse(b.startedDateTime);

/**
 * A run made of parts with their own exchanges (check's tests, run concurrently) as one HAR
 * 1.2 document: every exchange in time order, each on its part's page and tagged _check with
 * the part's id. An exchange in several parts (the shared discovery) is listed once, in the first.
 */
export function groupsToHar(groups: readonly ExchangeGroup[], o: HarWriteOptions): HarDocument {
  const r = redactor(o.showSecrets);
  const listed = new Set<HttpExchange>();
  const pages: HarDocument['log']['pages'] = [];
  const out: HarOutEntry[] = [];
  for (const group of groups) {
    const own = group.exchanges.filter((e) => !listed.has(e));
    if (own.length === 0) continue;
    for (const e of own) {
      listed.add(e);
      out.push({ ...exchangeEntry(e, r), pageref: group.id, _check: group.id });
    }
    const first = [...own].sort((a, b) => Date.parse(a.startedAt) - Date.parse(b.startedAt))[0] as HttpExchange;
    pages.push({ startedDateTime: first.startedAt, id: group.id, title: `smartctl ${o.command}: ${r.body(group.title)}`, pageTimings: {} });
  }
  // Array.prototype.sort is stable: exchanges that started in the same millisecond keep their order.
  return { log: { version: '1.2', creator: { name: 'smartctl', version: o.version }, pages: pages.sort(byStart), entries: out.sort(byStart), comment: logComment(o.showSecrets) } };
}
