// Matches HAR entries to the steps of a SMART / OAuth flow and turns the ones that belong
// to it into trace exchanges (src/report/trace.ts), with the step names the diagnosis
// reads (endpointOfStep): discovery.*, jwks, authorize (authorize.page: a login page's error
// answer during the authorize chain), callback, token / refresh /
// client-credentials, fhir.*. Everything else (the app's own pages, images, analytics,
// the login pages between authorize and the callback) is counted and dropped with its
// body at once. Pure: entries in, trace entries out; the classifier remembers what the
// flow taught it (endpoints from discovery, the redirect_uri of the authorize request).
import type { AuthMethod, RunContext } from '../diagnose/evidence.js';
import type { HeaderMap, HttpExchange, TraceEntry, TraceEvent } from '../report/trace.js';
import { setOwn } from '../protocol/own-property.js';
import { restoreJwtMarkers, restoreJwtMarkersInBody } from './jwt-marker.js';
import { contentText, type HarEntry, type HarNameValue } from './read.js';

/** Bodies kept from flow entries are cut to this many characters (an event says so). */
export const BODY_CAP = 1024 * 1024;

export interface HarClassifierOptions {
  bodyCap?: number | undefined;
}

export interface HarCounts {
  /** Entries read. */
  total: number;
  /** Entries that became a step of the flow. */
  used: number;
  /** Entries that were not part of it. */
  skipped: number;
}

const STATIC_ASSET = /\.(?:ico|png|jpe?g|gif|svg|webp|css|js|mjs|map|woff2?|ttf|otf|eot)$/i;
const ASSET_TYPES = new Set(['image', 'stylesheet', 'script', 'font', 'media', 'manifest', 'texttrack', 'ping', 'websocket', 'eventsource']);
const RESOURCE_PATH = /\/([A-Z][A-Za-z]{2,63})(?:\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[^/]+)?)?(?:\/\$[a-z][\w-]*)?\/?$/;
const FHIR_MEDIA = /application\/(?:fhir\+json|json\+fhir|fhir\+xml|xml\+fhir)/i;

function header(list: readonly HarNameValue[], name: string): string | undefined {
  const wanted = name.toLowerCase();
  const found = list.filter((h) => h.name.toLowerCase() === wanted).map((h) => h.value);
  return found.length === 0 ? undefined : found.join(', ');
}

function headerMap(list: readonly HarNameValue[], cookies: readonly HarNameValue[] = []): HeaderMap {
  const out: HeaderMap = {};
  for (const { name, value } of list) {
    if (name.startsWith(':')) continue; // HTTP/2 pseudo-headers (Chrome writes them)
    const key = name.toLowerCase();
    const had = Object.hasOwn(out, key) ? out[key] : undefined;
    setOwn(out, key, had === undefined ? value : Array.isArray(had) ? [...had, value] : [had, value]);
  }
  // Proxies sometimes list cookies only in the cookies array.
  if (out['cookie'] === undefined && cookies.length > 0) out['cookie'] = cookies.map((c) => `${c.name}=${c.value}`).join('; ');
  return out;
}

/** The request body as sent: postData.text, or the form rebuilt from postData.params. */
function requestBody(entry: HarEntry): string | undefined {
  const post = entry.request.postData;
  if (post === undefined) return undefined;
  if (post.text !== undefined && post.text !== '') return post.text;
  if (post.params !== undefined && post.params.length > 0) return pairs(post.params).toString();
  return post.text;
}

/** The parameters of a form (or JSON object) body. */
function bodyParams(entry: HarEntry): URLSearchParams {
  const post = entry.request.postData;
  if (post === undefined) return new URLSearchParams();
  if (post.params !== undefined && post.params.length > 0) return pairs(post.params);
  const text = post.text?.trim() ?? '';
  if (text === '') return new URLSearchParams();
  if (text.startsWith('{')) {
    const parsed = parseObject(text);
    const out = new URLSearchParams();
    for (const [k, v] of Object.entries(parsed ?? {})) if (typeof v === 'string') out.set(k, v);
    return out;
  }
  if (text.length > 64 * 1024 || !/^[^\s=&]+=/.test(text)) return new URLSearchParams();
  return new URLSearchParams(text);
}

function pairs(list: readonly HarNameValue[]): URLSearchParams {
  return new URLSearchParams(list.map((p): [string, string] => [p.name, p.value]));
}

function parseObject(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The URL without query and fragment, for comparing endpoints (custom schemes of native apps included). */
function withoutQuery(u: URL): string {
  const head = u.origin === 'null' ? `${u.protocol}//${u.host}` : u.origin;
  return `${head}${u.pathname}`.replace(/\/+$/, '');
}

function urlOf(text: string, base?: string): URL | undefined {
  try {
    return base === undefined ? new URL(text) : new URL(text, base);
  } catch {
    return undefined;
  }
}

/** The authorize request inside a vendor login wrapper (…/session-api/realm/<tenant>?to=<authorize URL>). */
function wrappedAuthorize(u: URL): URL | undefined {
  const to = u.searchParams.get('to');
  if (to === null) return undefined;
  const inner = urlOf(to, u.origin);
  return inner?.searchParams.has('response_type') === true ? inner : undefined;
}

function resourceStep(method: string, path: string): string {
  if (method !== 'GET' && method !== 'HEAD') return 'fhir.write';
  const m = RESOURCE_PATH.exec(path);
  if (m === null) return 'fhir.request';
  return m[2] !== undefined ? 'fhir.read' : 'fhir.search';
}

/** How a token request authenticated the client, from what it sent. */
export function authMethodOf(headers: HeaderMap, form: URLSearchParams): AuthMethod | undefined {
  const authorization = typeof headers['authorization'] === 'string' ? headers['authorization'] : undefined;
  if (form.has('client_assertion')) return 'private_key_jwt';
  if (authorization !== undefined && /^Basic\s/i.test(authorization)) return 'client_secret_basic';
  if (form.has('client_secret')) return 'client_secret_post';
  if (form.has('client_id')) return 'none';
  return undefined;
}

export class HarClassifier {
  readonly counts: HarCounts = { total: 0, used: 0, skipped: 0 };
  private readonly bodyCap: number;
  private nextId = 1;
  private readonly fhirBases = new Set<string>();
  private readonly tokenEndpoints = new Set<string>();
  private readonly authorizeEndpoints = new Set<string>();
  private readonly jwksUris = new Set<string>();
  private readonly authHosts = new Set<string>();
  private readonly redirectUris = new Set<string>();
  private readonly callbacks = new Set<string>();
  /** Callbacks rebuilt from a redirect, until the request itself shows up. */
  private readonly rebuiltCallbacks = new Map<string, HttpExchange>();
  private chainOpen = false;

  constructor(options: HarClassifierOptions = {}) {
    this.bodyCap = options.bodyCap ?? BODY_CAP;
  }

  /** The trace entries one HAR entry gives: none (skipped), its exchange, maybe a callback seen in its redirect. */
  add(entry: HarEntry): TraceEntry[] {
    this.counts.total++;
    const out: TraceEntry[] = [];
    const step = this.stepOf(entry);
    if (step === undefined) this.counts.skipped++;
    else {
      this.counts.used++;
      const rebuilt = step === 'callback' ? this.rebuiltCallbacks.get(entry.request.url) : undefined;
      if (rebuilt !== undefined) {
        // The request itself arrived after the redirect it was rebuilt from: it replaces it (same id, same place).
        const [real, ...events] = this.exchange(entry, step);
        if (real !== undefined && real.type === 'exchange') Object.assign(rebuilt, { ...real, id: rebuilt.id });
        this.rebuiltCallbacks.delete(entry.request.url);
        out.push(...events);
      } else out.push(...this.exchange(entry, step));
      if (step === 'callback') this.callbacks.add(entry.request.url);
    }
    const redirected = this.redirectedCallback(entry);
    if (redirected !== undefined && !this.callbacks.has(redirected)) {
      this.callbacks.add(redirected);
      this.chainOpen = false;
      const rebuilt: HttpExchange = { type: 'exchange', id: this.nextId++, step: 'callback', request: { method: 'GET', url: redirected, headers: {} }, startedAt: entry.startedDateTime ?? '', durationMs: 0 };
      this.rebuiltCallbacks.set(redirected, rebuilt);
      out.push(rebuilt);
    }
    return out;
  }

  /** Which step of the flow an entry is, or undefined when it is not part of one. */
  stepOf(entry: HarEntry): string | undefined {
    const { method } = entry.request;
    if (method === 'OPTIONS') return undefined; // CORS preflights
    const u = urlOf(this.fullUrl(entry));
    if (u === undefined) return undefined;
    const path = u.pathname;
    const status = entry.response?.status ?? 0;
    const form = method === 'GET' ? new URLSearchParams() : bodyParams(entry);
    const grant = form.get('grant_type');
    if (method === 'POST' && grant !== null) return grant === 'refresh_token' ? 'refresh' : grant === 'client_credentials' ? 'client-credentials' : 'token';
    if (method === 'POST' && this.tokenEndpoints.has(withoutQuery(u))) return 'token';

    if (/\/\.well-known\/smart-configuration\/?$/.test(path)) {
      this.fhirBases.add(withoutQuery(u).replace(/\/\.well-known\/smart-configuration$/, ''));
      this.learn(entry);
      return 'discovery.smart-configuration';
    }
    if (/\/\.well-known\/openid-configuration\/?$/.test(path)) {
      this.learn(entry);
      return 'discovery.openid-configuration';
    }
    if (/\/\.well-known\/oauth-authorization-server(?:\/|$)/.test(path)) {
      this.learn(entry);
      return 'discovery.oauth-authorization-server';
    }
    if (this.jwksUris.has(withoutQuery(u)) || (method === 'GET' && this.looksLikeJwks(entry, path))) return 'jwks';

    const inner = wrappedAuthorize(u);
    const params = method === 'GET' ? u.searchParams : form;
    const isAuthorize =
      inner !== undefined ||
      (params.has('response_type') && (params.has('client_id') || params.has('redirect_uri') || params.has('scope'))) ||
      (this.authorizeEndpoints.has(withoutQuery(u)) && (params.has('client_id') || params.has('request_uri') || params.has('request')));
    if (isAuthorize) {
      this.openChain(u, inner ?? (method === 'GET' ? u : undefined), params);
      return 'authorize';
    }
    if (this.isCallback(u, method)) {
      this.chainOpen = false;
      return 'callback';
    }
    if (method === 'GET' && /\/metadata\/?$/.test(path) && (this.underFhirBase(u) || this.fhirMedia(entry) || /"resourceType"\s*:\s*"(?:CapabilityStatement|Conformance)"/.test(entry.response?.content.text?.slice(0, 4096) ?? ''))) {
      this.fhirBases.add(withoutQuery(u).replace(/\/metadata$/, ''));
      this.learn(entry);
      return 'discovery.metadata';
    }
    if (this.underFhirBase(u) || this.fhirMedia(entry) || (/^Bearer\s/i.test(header(entry.request.headers, 'authorization') ?? '') && RESOURCE_PATH.test(path))) return resourceStep(method, path);
    // A login page's error answer during the authorize chain: the authorize step's failure (its form, a password, is not kept).
    if (this.chainOpen && this.authHosts.has(u.origin) && status >= 400 && !this.isAsset(entry, path)) return 'authorize.page';
    return undefined;
  }

  private fullUrl(entry: HarEntry): string {
    const { url, queryString } = entry.request;
    // Some exports keep the query only in queryString.
    if (url.includes('?') || queryString.length === 0) return url;
    return `${url}?${pairs(queryString).toString()}`;
  }

  private isAsset(entry: HarEntry, path: string): boolean {
    return STATIC_ASSET.test(path) || (entry.resourceType !== undefined && ASSET_TYPES.has(entry.resourceType));
  }

  private fhirMedia(entry: HarEntry): boolean {
    const types = [header(entry.request.headers, 'accept'), header(entry.request.headers, 'content-type'), header(entry.response?.headers ?? [], 'content-type'), entry.response?.content.mimeType];
    return types.some((t) => t !== undefined && FHIR_MEDIA.test(t));
  }

  private underFhirBase(u: URL): boolean {
    const here = withoutQuery(u);
    for (const base of this.fhirBases) if (here === base || here.startsWith(`${base}/`)) return true;
    return false;
  }

  private looksLikeJwks(entry: HarEntry, path: string): boolean {
    if (/\/(?:jwks(?:\.json)?|certs)\/?$/i.test(path)) return true;
    if (!/\/keys\/?$/i.test(path)) return false;
    return Array.isArray(parseObject(entry.response?.content.text)?.['keys']);
  }

  private openChain(outer: URL, authorize: URL | undefined, params: URLSearchParams): void {
    this.chainOpen = true;
    this.authHosts.add(outer.origin);
    if (authorize !== undefined) this.authHosts.add(authorize.origin);
    const redirect = authorize?.searchParams.get('redirect_uri') ?? params.get('redirect_uri');
    const r = redirect === null ? undefined : urlOf(redirect);
    if (r !== undefined) this.redirectUris.add(withoutQuery(r));
  }

  private isCallback(u: URL, method: string): boolean {
    const q = u.searchParams;
    const answers = q.has('code') || q.has('error') || (q.has('state') && q.size <= 3);
    if (!answers) return false;
    if (this.redirectUris.size > 0) return this.redirectUris.has(withoutQuery(u));
    if (method !== 'GET' || this.authHosts.has(u.origin)) return false;
    return (q.has('code') && q.has('state')) || (q.has('error') && (q.has('state') || q.has('error_description')));
  }

  /** A redirect (30x + redirectURL or Location) that lands on the redirect URI: the callback, even when the HAR lacks that request. */
  private redirectedCallback(entry: HarEntry): string | undefined {
    const r = entry.response;
    if (r === undefined || r.status < 300 || r.status >= 400 || this.redirectUris.size === 0) return undefined;
    const target = r.redirectURL ?? header(r.headers, 'location');
    if (target === undefined) return undefined;
    const u = urlOf(target, entry.request.url);
    if (u === undefined || !this.redirectUris.has(withoutQuery(u))) return undefined;
    return this.isCallback(u, 'GET') ? u.href : undefined;
  }

  /** Endpoints named by a discovery document or CapabilityStatement in the HAR. */
  private learn(entry: HarEntry): void {
    const text = entry.response === undefined ? undefined : safeContentText(entry);
    if (text === undefined || text.length > 2 * 1024 * 1024) return;
    const doc = parseObject(text);
    if (doc === undefined) return;
    const add = (set: Set<string>, value: unknown): void => {
      const u = typeof value === 'string' ? urlOf(value) : undefined;
      if (u !== undefined) set.add(withoutQuery(u));
    };
    add(this.authorizeEndpoints, doc['authorization_endpoint']);
    add(this.tokenEndpoints, doc['token_endpoint']);
    add(this.jwksUris, doc['jwks_uri']);
    const rest = Array.isArray(doc['rest']) ? doc['rest'] : [];
    for (const r of rest) {
      const security = (r as { security?: { extension?: unknown } } | null)?.security;
      const extensions = Array.isArray(security?.extension) ? security.extension : [];
      for (const ext of extensions as Array<{ extension?: unknown }>) {
        const inner = Array.isArray(ext?.extension) ? ext.extension : [];
        for (const e of inner as Array<{ url?: unknown; valueUri?: unknown }>) {
          if (e?.url === 'authorize') add(this.authorizeEndpoints, e.valueUri);
          if (e?.url === 'token') add(this.tokenEndpoints, e.valueUri);
        }
      }
    }
  }

  private cut(entry: HarEntry, step: string, what: 'request' | 'response', body: string | undefined, events: TraceEvent[]): string | undefined {
    if (body === undefined || body.length <= this.bodyCap) return body;
    events.push({
      type: 'event',
      id: 0,
      at: entry.startedDateTime ?? '',
      name: 'har-body-cut',
      message: `entry ${entry.index + 1} (${step}): ${what} body cut to ${this.bodyCap} of ${body.length} characters`,
      data: { entry: entry.index + 1, step, what, kept: this.bodyCap, length: body.length },
    });
    return body.slice(0, this.bodyCap);
  }

  private exchange(entry: HarEntry, step: string): TraceEntry[] {
    const events: TraceEvent[] = [];
    const r = entry.response;
    const failed = r === undefined || r.status <= 0;
    const exchange: HttpExchange = {
      type: 'exchange',
      id: this.nextId++,
      step,
      request: { method: entry.request.method, url: this.fullUrl(entry), headers: restoreHeaderMarkers(headerMap(entry.request.headers, entry.request.cookies)), body: step === 'authorize.page' ? undefined : restoreBodyMarkers(this.cut(entry, step, 'request', requestBody(entry), events)) },
      response: failed ? undefined : { status: r.status, headers: headerMap(r.headers), body: restoreJwtMarkers(this.cut(entry, step, 'response', safeContentText(entry), events) ?? '') },
      startedAt: entry.startedDateTime ?? '',
      durationMs: entry.time !== undefined && entry.time >= 0 ? entry.time : 0,
      error: failed ? { code: 'network-failure', message: entry.error ?? `no response recorded in the HAR (status ${r?.status ?? 'missing'})` } : undefined,
    };
    return [exchange, ...events.map((e) => ({ ...e, id: this.nextId++ }))];
  }
}

/** A HAR smartctl wrote keeps a redacted JWT's header and claims in its marker: the request's (a Bearer assertion, a client_assertion) are read back as the response's are. */
function restoreHeaderMarkers(headers: HeaderMap): HeaderMap {
  const out: HeaderMap = {};
  for (const [name, value] of Object.entries(headers)) setOwn(out, name, Array.isArray(value) ? value.map(restoreJwtMarkers) : restoreJwtMarkers(value));
  return out;
}

function restoreBodyMarkers(body: string | undefined): string | undefined {
  return body === undefined ? undefined : restoreJwtMarkersInBody(body);
}

function safeContentText(entry: HarEntry): string | undefined {
  return entry.response === undefined ? undefined : contentText(entry.response.content);
}

/** What a HAR's trace implies beyond its exchanges: the authorize URL that matters, the launch type, the client auth. */
export function harRunContext(entries: readonly TraceEntry[]): RunContext {
  const exchanges = entries.filter((e): e is HttpExchange => e.type === 'exchange');
  const authorize = exchanges.filter((e) => e.step === 'authorize' && authorizeParams(e.request.url) !== undefined);
  const failed = authorize.find((e) => (e.response?.status ?? 0) >= 400);
  const chosen = failed ?? authorize[authorize.length - 1];
  const params = chosen === undefined ? undefined : authorizeParams(chosen.request.url);
  const token = exchanges.find((e) => e.step === 'token' || e.step === 'client-credentials');
  const form = token?.request.body !== undefined && !token.request.body.trimStart().startsWith('{') ? safeForm(token.request.body) : new URLSearchParams();
  return {
    authorizeUrl: chosen?.request.url,
    launchType: token?.step === 'client-credentials' ? 'backend' : params === undefined ? undefined : params.has('launch') ? 'ehr' : 'standalone',
    authMethod: token === undefined ? undefined : authMethodOf(token.request.headers, form),
  };
}

function safeForm(text: string): URLSearchParams {
  try {
    return new URLSearchParams(text);
  } catch {
    return new URLSearchParams();
  }
}

function authorizeParams(url: string): URLSearchParams | undefined {
  const u = urlOf(url);
  if (u === undefined) return undefined;
  const inner = wrappedAuthorize(u);
  if (inner !== undefined) return inner.searchParams;
  return u.searchParams.has('response_type') ? u.searchParams : undefined;
}
