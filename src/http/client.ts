// The one traced HTTP client: the only undici import in smartctl. Every request,
// failed ones included, lands in the trace. TLS is verified unless the user
// passed --insecure; redirects are never followed silently (callers decide).
import { Agent, request as undiciRequest } from 'undici';
import { networkError, inputError } from '../errors.js';
import type { HttpErrorCode, HeaderMap, HttpExchange, Trace } from '../report/trace.js';

export interface HttpClientOptions {
  trace: Trace;
  /** Per-request timeout in ms (connect + headers + body). */
  timeoutMs: number;
  /** Skip TLS certificate verification: only with the user's explicit flag. */
  insecure?: boolean | undefined;
  userAgent?: string | undefined;
}

export interface HttpRequest {
  /** What the request is for, recorded in the trace: "token", "discovery.smart-configuration" ... */
  step: string;
  url: string | URL;
  method?: string | undefined;
  headers?: Record<string, string> | undefined;
  /** A string is sent as is; URLSearchParams as a form; an object as JSON. */
  body?: string | URLSearchParams | Record<string, unknown> | undefined;
  timeoutMs?: number | undefined;
}

export interface HttpResponse {
  status: number;
  headers: HeaderMap;
  body: string;
  /** The body exceeded MAX_BODY_BYTES and was cut there: never read it as a whole document. */
  truncated: boolean;
  exchange: HttpExchange;
}

export const MAX_BODY_BYTES = 10 * 1024 * 1024;
export const TRUNCATED_BODY = `the body exceeded ${MAX_BODY_BYTES / 1024 / 1024} MB and was truncated`;
const TLS_CODES = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|SSL|EPROTO|UNABLE_TO_GET_ISSUER/;

interface ClassifiedError {
  code: HttpErrorCode;
  message: string;
  hint: string;
}

/** The most specific error code in the cause chain (a socket error's cause names the system error). */
function errorCodeOf(error: unknown): string {
  let found = '';
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current !== null && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') found = code;
    current = (current as { cause?: unknown }).cause;
  }
  return found;
}

/** Turns whatever undici or the socket threw into one of our network error codes. */
export function classifyNetworkError(error: unknown, url: URL, timeoutMs: number): ClassifiedError {
  const code = errorCodeOf(error);
  const name = error instanceof Error ? error.name : '';
  const host = url.host;
  if (name === 'TimeoutError' || name === 'AbortError' || /TIMEOUT/.test(code)) {
    return { code: 'timeout', message: `${host} did not answer within ${timeoutMs} ms`, hint: 'Check the URL and that the server is up, or raise --timeout <ms>.' };
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME') {
    return { code: 'dns-failure', message: `cannot resolve host "${url.hostname}" (${code})`, hint: 'Check the host name in the URL, and your DNS or VPN.' };
  }
  if (code === 'ECONNREFUSED') {
    return { code: 'connection-refused', message: `connection to ${host} refused`, hint: 'Nothing is listening there: check the port and that the server is running.' };
  }
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'UND_ERR_CLOSED' || code === 'UND_ERR_SOCKET') {
    return { code: 'connection-reset', message: `${host} closed the connection (${code})`, hint: 'The server or a proxy dropped the connection; try again, or check for a TLS/plain-HTTP mix-up.' };
  }
  if (TLS_CODES.test(code)) {
    return {
      code: 'tls-failure',
      message: `TLS verification of ${host} failed (${code})`,
      hint: 'The certificate is not trusted for this host. Fix the certificate, set NODE_EXTRA_CA_CERTS, or pass --insecure to skip verification (never in production).',
    };
  }
  if (code === 'ERR_ASSERTION') {
    // undici's own assert() (an unsolicited "101 Switching Protocols" trips it): its message is source code, not a cause.
    return { code: 'network-failure', message: `request to ${host} failed: the response broke the HTTP client's expectations (an HTTP 101 Switching Protocols to a request that asked for no upgrade does this)`, hint: 'Check what the server answers with curl -v; a proxy or a server speaking another protocol on this port can cause it.' };
  }
  const detail = error instanceof Error ? error.message : String(error);
  return { code: 'network-failure', message: `request to ${host} failed: ${detail}${code ? ` (${code})` : ''}`, hint: 'Check the URL and your network.' };
}

function toHeaderMap(headers: Record<string, string | string[] | undefined>): HeaderMap {
  const out: HeaderMap = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined) out[k] = v;
  return out;
}

export function parseHttpUrl(value: string | URL, what = 'URL'): URL {
  let url: URL;
  try {
    url = typeof value === 'string' ? new URL(value) : value;
  } catch {
    throw inputError('invalid-url', `${what} "${String(value)}" is not an absolute URL`, 'Give a full URL such as https://ehr.example.org/fhir');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw inputError('invalid-url', `${what} "${url.href}" must use http or https, not ${url.protocol.replace(':', '')}`, 'Give a full URL such as https://ehr.example.org/fhir');
  }
  return url;
}

export class HttpClient {
  private readonly options: HttpClientOptions;
  private readonly agent: Agent;

  constructor(options: HttpClientOptions) {
    this.options = options;
    this.agent = new Agent({ connect: { rejectUnauthorized: options.insecure !== true } });
  }

  get trace(): Trace {
    return this.options.trace;
  }

  /** Sends one request and records it. Throws a network SmartctlError when no response could be read. */
  async request(req: HttpRequest): Promise<HttpResponse> {
    const url = parseHttpUrl(req.url);
    const method = req.method ?? (req.body === undefined ? 'GET' : 'POST');
    const headers: Record<string, string> = { 'user-agent': this.options.userAgent ?? 'smartctl', ...req.headers };
    let body: string | undefined;
    if (typeof req.body === 'string') body = req.body;
    else if (req.body instanceof URLSearchParams) {
      body = req.body.toString();
      headers['content-type'] ??= 'application/x-www-form-urlencoded';
    } else if (req.body !== undefined) {
      body = JSON.stringify(req.body);
      headers['content-type'] ??= 'application/json';
    }
    const timeoutMs = req.timeoutMs ?? this.options.timeoutMs;
    this.options.trace.exchangeStarting(req.step);
    const startedAt = new Date();
    const started = performance.now();
    const record = (partial: Pick<HttpExchange, 'response' | 'error'>): HttpExchange =>
      this.options.trace.addExchange({
        step: req.step,
        request: { method, url: url.href, headers, body },
        startedAt: startedAt.toISOString(),
        durationMs: performance.now() - started,
        ...partial,
      });
    try {
      const response = await undiciRequest(url, {
        method: method as 'GET',
        headers,
        body,
        dispatcher: this.agent,
        signal: AbortSignal.timeout(timeoutMs),
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      const chunks: Buffer[] = [];
      let size = 0;
      let truncated = false;
      for await (const chunk of response.body) {
        const buf = chunk as Buffer;
        if (size + buf.length > MAX_BODY_BYTES) {
          chunks.push(buf.subarray(0, MAX_BODY_BYTES - size));
          truncated = true;
          response.body.destroy();
          break;
        }
        size += buf.length;
        chunks.push(buf);
      }
      const text = Buffer.concat(chunks).toString('utf8');
      const exchange = record({
        response: { status: response.statusCode, headers: toHeaderMap(response.headers), body: text, ...(truncated ? { truncated: true as const } : {}) },
      });
      return { status: response.statusCode, headers: exchange.response?.headers ?? {}, body: text, truncated, exchange };
    } catch (error) {
      const classified = classifyNetworkError(error, url, timeoutMs);
      record({ error: { code: classified.code, message: classified.message } });
      throw networkError(classified.code, classified.message, classified.hint, error);
    }
  }

  /**
   * GET (or the given request) and parse JSON. A non-2xx status or a body that is
   * not JSON is a network error (exit 3): the server could not be read.
   */
  async requestJson(req: HttpRequest): Promise<{ json: unknown; response: HttpResponse }> {
    const response = await this.request({ ...req, headers: { accept: 'application/json', ...req.headers } });
    if (response.status < 200 || response.status > 299) {
      throw networkError('http-status', `${req.step}: ${response.exchange.request.method} ${response.exchange.request.url} answered HTTP ${response.status}`, 'Check the URL; run with --verbose to see the response.');
    }
    return { json: parseJsonBody(response), response };
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}

/** Parses a response body as JSON or throws the not-json network error. */
export function parseJsonBody(response: HttpResponse): unknown {
  if (response.truncated) {
    throw networkError('body-too-large', `${response.exchange.step}: ${response.exchange.request.url} answered HTTP ${response.status}, but ${TRUNCATED_BODY}; it was not read`, 'No SMART document is this large: check the URL, and run with --verbose to see the start of the response.');
  }
  try {
    return JSON.parse(response.body) as unknown;
  } catch {
    const type = headerValueOf(response.headers, 'content-type') ?? 'no content-type';
    const start = response.body.trim().slice(0, 60).replace(/\s+/g, ' ');
    throw networkError(
      'not-json',
      `${response.exchange.step}: ${response.exchange.request.url} did not return JSON (HTTP ${response.status}, ${type}, body starts "${start}")`,
      'The URL may point at a login or error page: check it, and run with --verbose to see the response.',
    );
  }
}

function headerValueOf(headers: HeaderMap, name: string): string | undefined {
  const v = headers[name.toLowerCase()];
  return Array.isArray(v) ? v.join(', ') : v;
}
