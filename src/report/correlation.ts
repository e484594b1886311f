// The identifiers a vendor's support desk asks for: request and correlation ids from
// response headers, the trace id of a W3C traceparent, the instance id in an Oracle Health
// (Cerner) error_uri, and the Trace ID / Correlation ID / Timestamp lines Microsoft Entra
// puts in an AADSTS error_description. Each comes with the exchange and time it was seen.
// Pure: a trace (or one saved response) in, a list out. Values are server text: the
// renderer escapes them; here they are only cut to a sane length.
import { parseOAuthError, parseVendorErrorUri, parseWwwAuthenticate } from '../protocol/oauth-error.js';
import { jsonObjectIn } from './json-object.js';
import { headerValue, isExchange, type HeaderMap, type TraceEntry } from './trace.js';

export interface CorrelationId {
  /** What the vendor calls it: "X-Request-Id", "traceparent trace id", "Entra Correlation ID" ... */
  name: string;
  value: string;
  /** Where it was read: "response header x-request-id", "error_uri", "error_description" ... */
  source: string;
  /** The trace exchange it came from; undefined for saved evidence (explain). */
  exchange?: number | undefined;
  step?: string | undefined;
  /** Status of the answer it came with. */
  status?: number | undefined;
  /** ISO time of the exchange, by smartctl's clock (UTC); undefined when not recorded. */
  at?: string | undefined;
  /** The server's own time for it: Entra's Timestamp line, else the Date header. */
  serverTime?: string | undefined;
  /** More the vendor reads with it: the Oracle URN, client and tenant. */
  note?: string | undefined;
}

/**
 * Response headers that carry a request or correlation id, with where each was seen. An
 * Epic-specific response header is not listed: none was found documented; Epic answers
 * are covered by the generic names.
 */
export const ID_HEADERS: ReadonlyArray<{ header: string; name: string; seenAt: string }> = [
  { header: 'x-request-id', name: 'X-Request-Id', seenAt: 'https://docs.oracle.com/en/industries/health/millennium-platform-apis/mfrap/r4_overview.html (Oracle Health Millennium FHIR)' },
  { header: 'cerner-correlation-id', name: 'Cerner-Correlation-Id', seenAt: 'the failure catalog (Parsing Cerner / Oracle Health error_uri: keep the instance uuid and the Cerner-Correlation-Id response header), also quoted by the force-authn-rejected rule' },
  { header: 'x-correlation-id', name: 'X-Correlation-Id', seenAt: 'https://github.com/heremaps/here-aaa-java-sdk/issues/65' },
  { header: 'request-id', name: 'Request-Id', seenAt: 'https://github.com/microsoftgraph/msgraph-sdk-dotnet-auth/issues/54 (Microsoft Graph)' },
  { header: 'correlation-id', name: 'Correlation-Id', seenAt: 'https://docs.pingidentity.com/pingdirectory/9.3/pingdatametrics_server_administration_guide/pd_met_config_corr_id_resp_header.html' },
  { header: 'x-amzn-requestid', name: 'X-Amzn-RequestId', seenAt: 'https://developer-docs.amazon.com/sp-api/docs/response-format ("Provide this if you contact us for support")' },
  { header: 'x-amz-request-id', name: 'x-amz-request-id', seenAt: 'https://github.com/aws/aws-sdk-js-v3/pull/4015' },
  { header: 'x-ms-request-id', name: 'x-ms-request-id', seenAt: 'https://github.com/AzureAD/microsoft-authentication-library-for-js/pull/6658 (Entra token endpoint)' },
  { header: 'client-request-id', name: 'client-request-id', seenAt: 'https://github.com/microsoftgraph/msgraph-sdk-dotnet-auth/issues/54 (echo of the client\'s id)' },
];

/** Where Entra's lines are documented: the sample error response of the AADSTS reference. */
export const ENTRA_ERROR_REFERENCE = 'https://learn.microsoft.com/en-us/entra/identity-platform/reference-error-codes';

const MAX_VALUE = 200;
const MAX_IDS = 200;

function cut(value: string): string {
  const one = value.trim();
  return one.length > MAX_VALUE ? `${one.slice(0, MAX_VALUE)}…` : one;
}

/** W3C Trace Context §3.2: version-traceid-parentid-flags; the trace id is what a vendor's tracing looks up. */
export function traceIdOf(traceparent: string): string | undefined {
  const m = /^\s*([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})/.exec(traceparent.toLowerCase());
  if (m === null || m[1] === 'ff' || /^0+$/.test(m[2] ?? '') || /^0+$/.test(m[3] ?? '')) return undefined;
  return m[2];
}

interface Where {
  exchange?: number | undefined;
  step?: string | undefined;
  status?: number | undefined;
  at?: string | undefined;
  serverTime?: string | undefined;
}

/** Entra: "AADSTS70011: ...\r\nTrace ID: ...\r\nCorrelation ID: ...\r\nTimestamp: 2016-01-09 02:02:12Z". */
function entraLines(description: string, where: Where, source: string): CorrelationId[] {
  // Only blanks (not line ends) before the label: \s* there ran over every following line end
  // at each one, so a description of 20 000 newlines took seconds (quadratic). Same matches.
  const line = (label: string): string | undefined => new RegExp(`(?:^|[\\r\\n])[^\\S\\r\\n]*${label}:\\s*([^\\r\\n]+)`, 'i').exec(description)?.[1];
  const stamp = line('Timestamp');
  const out: CorrelationId[] = [];
  for (const [label, name] of [['Trace ID', 'Entra Trace ID'], ['Correlation ID', 'Entra Correlation ID']] as const) {
    const value = line(label);
    if (value !== undefined && value.trim() !== '') out.push({ name, value: cut(value), source, ...where, serverTime: stamp === undefined ? where.serverTime : cut(stamp), note: /AADSTS\d+/.exec(description)?.[0] });
  }
  return out;
}

/** An error_uri carrying an Oracle Health URN: its instance id, with the URN, client and tenant. */
function oracleInstance(errorUri: string, where: Where, source: string): CorrelationId[] {
  const parsed = parseVendorErrorUri(errorUri);
  if (parsed?.instance === undefined || parsed.instance === '') return [];
  let instance = parsed.instance;
  try {
    instance = decodeURIComponent(instance);
  } catch {
    // kept as sent
  }
  const note = [`URN ${parsed.urn}`, parsed.client !== undefined ? `client=${parsed.client}` : '', parsed.tenant !== undefined ? `tenant=${parsed.tenant}` : ''].filter((s) => s !== '').join(', ');
  return [{ name: 'Oracle Health error instance', value: cut(instance), source, ...where, note: cut(note) }];
}

/** Entra also sends the ids as JSON members next to error_description (trace_id, correlation_id, timestamp). */
function entraMembers(json: Record<string, unknown>, where: Where): CorrelationId[] {
  const out: CorrelationId[] = [];
  const stamp = typeof json['timestamp'] === 'string' ? cut(json['timestamp']) : where.serverTime;
  for (const [key, name] of [['trace_id', 'Entra Trace ID'], ['correlation_id', 'Entra Correlation ID']] as const) {
    const value = json[key];
    if (typeof value === 'string' && value.trim() !== '') out.push({ name, value: cut(value), source: `body member ${key}`, ...where, serverTime: stamp });
  }
  return out;
}

/** The error_uri and error_description of an OAuth error, wherever it sits: body, WWW-Authenticate or a redirect's query. */
function fromOAuthError(error: { error_description?: string | undefined; error_uri?: string | undefined }, where: Where, place: string): CorrelationId[] {
  return [
    ...(error.error_uri !== undefined ? oracleInstance(error.error_uri, where, `error_uri (${place})`) : []),
    ...(error.error_description !== undefined ? entraLines(error.error_description, where, `error_description (${place})`) : []),
  ];
}

function fromQuery(url: string, base: string | undefined, where: Where, place: string): CorrelationId[] {
  if (!URL.canParse(url, base)) return [];
  const q = new URL(url, base).searchParams;
  const uri = q.get('error_uri') ?? undefined;
  const description = q.get('error_description') ?? undefined;
  return uri === undefined && description === undefined ? [] : fromOAuthError({ error_uri: uri, error_description: description }, where, place);
}

/** The identifiers in a URL's query: an authorize error redirect (error_uri, error_description) a user pasted. */
export function correlationIdsOfUrl(url: string): CorrelationId[] {
  return fromQuery(url, undefined, {}, 'URL');
}

export interface SavedResponse {
  headers: HeaderMap;
  body?: string | undefined;
  /** The request URL, so a relative Location resolves. */
  url?: string | undefined;
}

/** The identifiers in one response: its headers, its body, its Location (an authorize error redirect). */
export function correlationIdsOfResponse(response: SavedResponse, where: Where = {}): CorrelationId[] {
  const date = headerValue(response.headers, 'date');
  const w: Where = { ...where, serverTime: where.serverTime ?? (date === undefined ? undefined : cut(date)) };
  const out: CorrelationId[] = [];
  for (const h of ID_HEADERS) {
    const value = headerValue(response.headers, h.header);
    if (value !== undefined && value.trim() !== '') out.push({ name: h.name, value: cut(value), source: `response header ${h.header}`, ...w });
  }
  const traceparent = headerValue(response.headers, 'traceparent');
  const traceId = traceparent === undefined ? undefined : traceIdOf(traceparent);
  if (traceId !== undefined) out.push({ name: 'traceparent trace id', value: traceId, source: 'response header traceparent', ...w });
  const challenge = parseWwwAuthenticate(headerValue(response.headers, 'www-authenticate'));
  if (challenge !== undefined) out.push(...fromOAuthError(challenge.params, w, 'WWW-Authenticate'));
  const location = headerValue(response.headers, 'location');
  if (location !== undefined) out.push(...fromQuery(location, response.url, w, 'Location'));
  const body = response.body ?? '';
  const json = jsonObjectIn(body);
  const error = parseOAuthError(body);
  if (error !== undefined) out.push(...fromOAuthError(error, w, 'response body'));
  if (json !== undefined) out.push(...entraMembers(json, w));
  return unique(out);
}

/** Each identifier once (the same value under the same name, as Entra sends in its text and its members). */
function unique(ids: CorrelationId[]): CorrelationId[] {
  const seen = new Set<string>();
  return ids.filter((id) => {
    const key = `${id.name}\u0000${id.value}\u0000${id.exchange ?? ''}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Every identifier of a run, in trace order; a callback that carried an error counts with the time it came. */
export function correlationIds(entries: readonly TraceEntry[]): CorrelationId[] {
  const out: CorrelationId[] = [];
  for (const entry of entries) {
    if (out.length >= MAX_IDS) break;
    if (isExchange(entry)) {
      if (entry.response === undefined) continue;
      out.push(...correlationIdsOfResponse({ headers: entry.response.headers, body: entry.response.body, url: entry.request.url }, { exchange: entry.id, step: entry.step, status: entry.response.status, at: entry.startedAt }));
    } else {
      const url = entry.data?.['url'];
      if (typeof url === 'string') out.push(...fromQuery(url, 'http://127.0.0.1/', { exchange: entry.id, step: entry.name, at: entry.at }, 'callback'));
    }
  }
  return unique(out).slice(0, MAX_IDS);
}

/** The identifiers a report carries: from its trace, and those a command found in saved evidence (data.identifiers). */
export function reportCorrelationIds(report: { trace?: readonly TraceEntry[] | undefined; data: Record<string, unknown> }): CorrelationId[] {
  const saved = report.data['identifiers'];
  const fromData = Array.isArray(saved) ? saved.filter((i): i is CorrelationId => i !== null && typeof i === 'object' && typeof (i as CorrelationId).name === 'string' && typeof (i as CorrelationId).value === 'string') : [];
  return unique([...correlationIds(report.trace ?? []), ...fromData]).slice(0, MAX_IDS);
}
