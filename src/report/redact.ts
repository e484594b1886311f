// Redaction: secrets are removed by field name and by token shape before any
// renderer sees a report. No part of a secret is kept, not even its ends.
import { setOwn } from '../protocol/own-property.js';
import type { Report, ReportSection } from './report.js';

export const REDACTED = '[REDACTED]';

/**
 * What a secret is replaced with. The default is REDACTED; the HAR writer passes one that
 * says the length (and a JWT's non-secret header and claims). A mask's output starts with
 * "[REDACTED" and holds no '"', '\\', '&', '#', '<' or '>', so it is safe in every place a
 * secret is found (JSON strings in text, URL parameters) and is never redacted twice.
 */
export type Mask = (secret: string) => string;
const PLAIN: Mask = () => REDACTED;

/** A marker already in place, as typed or percent-encoded in a URL (%5BREDACTED...). */
function isMasked(value: string): boolean {
  return /^(?:\[|%5B)REDACTED/i.test(value);
}

/** JSON keys whose string values are secrets wherever they appear. */
const SECRET_KEYS = new Set(
  [
    'access_token',
    'refresh_token',
    'id_token',
    'client_secret',
    'client_assertion',
    'code_verifier',
    'assertion',
    'password',
    'private_key',
    'accessToken',
    'refreshToken',
    'idToken',
    'clientSecret',
    'clientAssertion',
    'codeVerifier',
    'authorizationCode',
    'privateKey',
    'privateKeyPem',
    'rawToken',
  ].map((k) => k.toLowerCase()),
);

/**
 * JSON keys that hold a secret only sometimes: an authorization code or a token to revoke,
 * but also an OperationOutcome issue code ("invalid") or a FHIR Coding code ("8867-4").
 */
const AMBIGUOUS_KEYS = new Set(['code', 'token']);

/** An issued code or token: long, no spaces, and not a word. */
function looksLikeIssuedSecret(value: string): boolean {
  return value.length >= 16 && /^[A-Za-z0-9._~+/=-]+$/.test(value) && /[0-9]|[A-Z].*[a-z]|[a-z].*[A-Z]|[_~+/=]/.test(value);
}

/** Parameters in URLs and form bodies that carry secrets (adds the authorization code). */
const SECRET_PARAMS = new Set([...SECRET_KEYS, 'code', 'token']);

/** Headers whose credentials are secret; the scheme ("Bearer", "Basic") is kept because it matters for diagnosis. */
const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie']);

/** JWK members that make a key private (RFC 7518 §6.2.2, §6.3.2, §6.4). */
const PRIVATE_JWK_MEMBERS = new Set(['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k']);

// A JWT is looked for at each "eyJ" that starts a word (JWT_START), matched there (JWT_AT).
// Where a try fails, every later "eyJ" of the same run of base64url characters fails too
// (its first part can only end where the run does), so the rest of the run is skipped:
// a global replace tried each one, and each scanned to the run's end, so "eyJ-" x 12 500
// took a second and grew with the square of the length.
const JWT_START = /\beyJ/g;
const JWT_AT = /eyJ[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*)?/y;
const BASE64URL_RUN = /[A-Za-z0-9_-]*/y;
// Likewise a PEM block: once a label has no END line after a BEGIN, no later BEGIN of it has one.
const PEM_BEGIN = /-----BEGIN ((?:RSA |EC |ENCRYPTED )?PRIVATE KEY)-----/g;

/** Every match of find in text replaced, where find gives the match at an index (or undefined, and where to look next). */
function replaceFound(text: string, starts: RegExp, find: (at: number, start: RegExpExecArray) => { end: number; replacement: string } | { skipTo: number }): string {
  let out = '';
  let from = 0;
  let skipTo = -1;
  const start = new RegExp(starts);
  for (let m = start.exec(text); m !== null; m = start.exec(text)) {
    if (m.index < skipTo) continue;
    const found = find(m.index, m);
    if ('skipTo' in found) {
      skipTo = found.skipTo;
      continue;
    }
    out += text.slice(from, m.index) + found.replacement;
    from = found.end;
    start.lastIndex = from;
  }
  return from === 0 ? text : out + text.slice(from);
}

function maskJwts(text: string, mask: Mask): string {
  const at = new RegExp(JWT_AT);
  const run = new RegExp(BASE64URL_RUN);
  return replaceFound(text, JWT_START, (index) => {
    at.lastIndex = index;
    const jwt = at.exec(text);
    if (jwt !== null) return { end: index + jwt[0].length, replacement: mask(jwt[0]) };
    run.lastIndex = index;
    return { skipTo: index + (run.exec(text)?.[0].length ?? 0) };
  });
}

function maskPemKeys(text: string, mask: Mask): string {
  const unclosed = new Set<string>();
  return replaceFound(text, PEM_BEGIN, (index, begin) => {
    const label = begin[1] ?? '';
    const end = unclosed.has(label) ? -1 : text.indexOf(`-----END ${label}-----`, index + begin[0].length);
    if (end < 0) {
      unclosed.add(label);
      return { skipTo: index + 1 };
    }
    const stop = end + `-----END ${label}-----`.length;
    return { end: stop, replacement: `-----BEGIN ${label}-----\n${mask(text.slice(index, stop))}\n-----END ${label}-----` };
  });
}
/** A scheme and what follows it; whether that is a credential is decided by isCredential. */
// A word followed by "(" is prose ("Basic base64(id:secret)"); a sentence's final "." is kept.
const SCHEME_VALUE = /\b(Bearer|Basic|DPoP)(\s+)([A-Za-z0-9._~+/-]+=*\.*)(?![A-Za-z0-9._~+/=(-])/gi;
/** SCHEME_VALUE's scheme names, lowercased (it ignores case, and without the u flag only ASCII letters match them). */
const SCHEME_NAMES = ['bearer', 'basic', 'dpop'];

/**
 * Whether the word after "Bearer"/"Basic" is a credential (RFC 6750 b64token, RFC 7617
 * base64) rather than prose or an auth-param name: "Basic is required", "Bearer token",
 * 'Basic realm="x"' keep their words; "Basic dXNlcjpwYXNz", "Bearer abc-123" do not.
 */
function isCredential(word: string): boolean {
  const bare = word.replace(/=+$/, '');
  if (bare === '') return false;
  if (bare.length < 24 && /^[A-Z]?[a-z]+$/.test(bare)) return false;
  if (/^[A-Z]{2,5}s?$/.test(bare)) return false;
  return true;
}

/** Every name a secret can be sent under, for free text (errors, details, pasted bodies). */
const SECRET_NAME_ALTERNATION = [...SECRET_PARAMS].sort((a, b) => b.length - a.length).join('|');
// name=value as a URL or form parameter: at the start of the text, after ? & # ; or whitespace.
const SECRET_PARAM_IN_TEXT = new RegExp(`((?:^|[?&#;\\s("'<>,])(?:${SECRET_NAME_ALTERNATION})=)[^&#\\s"'<>]+`, 'gi');
// "name": "value" as JSON inside text (a truncated body is not parseable JSON).
const SECRET_JSON_IN_TEXT = new RegExp(`((?:^|[{,\\s])\\\\?"(?:${SECRET_NAME_ALTERNATION})\\\\?"\\s*:\\s*\\\\?")((?:[^"\\\\]|\\\\[^"])*)`, 'gi');
// What every match of the two patterns above holds: a secret name followed by a quote (or
// an escaped one), or by "=". Looked for in the lowercased text: the patterns ignore case,
// and without the u flag only ASCII letters match the names' letters.
const SECRET_NAMES = [...SECRET_PARAMS];
const SECRET_NAME_QUOTED = SECRET_NAMES.flatMap((name) => [`${name}"`, `${name}\\"`]);
const SECRET_NAME_EQUALS = SECRET_NAMES.map((name) => `${name}=`);
// A URL's password (https://client:secret@host/) in free text: a finding quoting the URL of a
// request. The scheme is tried only where a run of scheme characters starts (linear).
const URL_PASSWORD_IN_TEXT = /((?<![A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]*:\/\/[^\s/?#@:]*:)([^\s/?#@]+)@/g;
const V2_SCOPE_BEFORE = /(?:patient|user|system)\/[A-Za-z*]+\.[cruds]+\?[^\s]*$/;

export function redactString(text: string, mask: Mask = PLAIN): string {
  // Each pattern runs only on text holding what every match of it holds ("-----BEGIN ", "eyJ",
  // a scheme name, a quote, an "="): most report text has none of them, and a pattern V8 never
  // runs is never compiled. Skipping a pattern that cannot match changes nothing.
  let out = text;
  if (out.includes('-----BEGIN ')) out = maskPemKeys(out, mask);
  if (out.includes('eyJ')) out = maskJwts(out, mask);
  let lower = out.toLowerCase();
  if (SCHEME_NAMES.some((name) => lower.includes(name))) {
    const before = out;
    out = out.replace(SCHEME_VALUE, (match, scheme: string, space: string, word: string) => {
      const value = word.replace(/\.+$/, '');
      return isCredential(value) && !isMasked(value) ? `${scheme}${space}${mask(value)}${word.slice(value.length)}` : match;
    });
    if (out !== before) lower = out.toLowerCase();
  }
  if (out.includes('"') && SECRET_NAME_QUOTED.some((needle) => lower.includes(needle))) {
    const before = out;
    out = out.replace(SECRET_JSON_IN_TEXT, (match, prefix: string, value: string) => {
      if (value === '' || isMasked(value)) return match;
      // "code"/"token" in quoted JSON is often an OperationOutcome issue code ("forbidden"): as in redactValue, only an issued-looking value is secret.
      const name = /\\?"([^"\\]+)\\?"\s*:\s*\\?"$/.exec(prefix)?.[1]?.toLowerCase();
      if (name !== undefined && AMBIGUOUS_KEYS.has(name) && !looksLikeIssuedSecret(value)) return match;
      return `${prefix}${mask(value)}`;
    });
    if (out !== before) lower = out.toLowerCase();
  }
  if (out.includes('://') && out.includes('@')) {
    const before = out;
    out = out.replace(URL_PASSWORD_IN_TEXT, (match, prefix: string, password: string) => (isMasked(password) ? match : `${prefix}${mask(password)}@`));
    if (out !== before) lower = out.toLowerCase();
  }
  if (out.includes('=') && SECRET_NAME_EQUALS.some((needle) => lower.includes(needle))) {
    out = out.replace(SECRET_PARAM_IN_TEXT, (match, prefix: string, offset: number, whole: string) =>
      // A SMART v2 scope restriction (patient/Observation.rs?code=...) is not a secret.
      isMasked(match.slice(prefix.length)) || V2_SCOPE_BEFORE.test(whole.slice(Math.max(0, offset - 80), offset + 1)) ? match : `${prefix}${mask(match.slice(prefix.length))}`,
    );
  }
  return out;
}

function redactParams(params: URLSearchParams, mask: Mask = PLAIN): boolean {
  const all = [...params];
  if (!all.some(([key]) => SECRET_PARAMS.has(key.toLowerCase()))) return false;
  // Rebuilt in order: each secret value masked where it stood.
  for (const key of new Set(params.keys())) params.delete(key);
  for (const [key, value] of all) params.append(key, SECRET_PARAMS.has(key.toLowerCase()) && !isMasked(value) ? mask(value) : value);
  return true;
}

/** A URL with secret query and fragment parameters replaced. Unparseable input gets shape-based redaction. */
export function redactUrl(url: string, mask: Mask = PLAIN): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return redactString(url, mask);
  }
  if (parsed.password) parsed.password = mask === PLAIN ? REDACTED : encodeURIComponent(mask(decodeURIComponent(parsed.password)));
  redactParams(parsed.searchParams, mask);
  if (parsed.hash.length > 1) {
    const fragment = new URLSearchParams(parsed.hash.slice(1));
    if (redactParams(fragment, mask)) parsed.hash = fragment.toString();
  }
  // URLSearchParams encodes the brackets; show them as typed.
  return redactString(parsed.toString().replaceAll('%5BREDACTED%5D', REDACTED), mask);
}

/** A body (JSON, form or text) with secrets replaced, keeping its format. */
export function redactBody(body: string, mask: Mask = PLAIN): string {
  const trimmed = body.trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(trimmed);
      return JSON.stringify(redactValue(parsed, undefined, mask), null, body.includes('\n') ? 2 : undefined);
    } catch {
      // not JSON after all: fall through to shape-based redaction
    }
  }
  if (/^[\w.~%+-]+=[^\s]*(&[\w.~%+-]+=[^\s]*)*$/.test(trimmed)) {
    const params = new URLSearchParams(trimmed);
    if (redactParams(params, mask)) return redactString(params.toString().replaceAll('%5BREDACTED%5D', REDACTED), mask);
  }
  return redactString(body, mask);
}

export function redactHeaderValue(name: string, value: string, mask: Mask = PLAIN): string {
  const lower = name.toLowerCase();
  if (!SECRET_HEADERS.has(lower)) return redactString(value, mask);
  if (lower === 'authorization' || lower === 'proxy-authorization') {
    const scheme = /^(\S+)\s+(.*)$/s.exec(value);
    return scheme === null ? mask(value) : `${scheme[1] ?? ''} ${mask(scheme[2] ?? '')}`;
  }
  // Cookies: keep names (they help explain stale sessions), drop values.
  return value
    .split(/;\s*/)
    .map((part) => (part.includes('=') && !/^(path|domain|expires|max-age|samesite)=/i.test(part) ? `${part.split('=')[0]}=${mask(part.slice(part.indexOf('=') + 1))}` : part))
    .join('; ');
}

function redactHeaders(headers: Record<string, unknown>, mask: Mask): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (typeof value === 'string') setOwn(out, name, redactHeaderValue(name, value, mask));
    else if (Array.isArray(value)) setOwn(out, name, value.map((v: unknown) => (typeof v === 'string' ? redactHeaderValue(name, v, mask) : v)));
    else setOwn(out, name, value);
  }
  return out;
}

function looksLikeJwk(value: Record<string, unknown>): boolean {
  return typeof value['kty'] === 'string';
}

/** Deep copy of any JSON-like value with secrets replaced. */
export function redactValue(value: unknown, key?: string, mask: Mask = PLAIN): unknown {
  if (typeof value === 'string') {
    if (key !== undefined && SECRET_KEYS.has(key.toLowerCase())) return value === '' || (mask !== PLAIN && isMasked(value)) ? value : mask(value);
    if (key !== undefined && AMBIGUOUS_KEYS.has(key.toLowerCase()) && looksLikeIssuedSecret(value)) return mask(value);
    if (key === 'url' || key === 'authorizeUrl' || key === 'callbackUrl') return redactUrl(value, mask);
    if (key === 'body') return redactBody(value, mask);
    return redactString(value, mask);
  }
  if (Array.isArray(value)) return value.map((item) => redactValue(item, undefined, mask));
  if (value !== null && typeof value === 'object') {
    const source = value as Record<string, unknown>;
    const jwk = looksLikeJwk(source);
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(source)) {
      if (jwk && PRIVATE_JWK_MEMBERS.has(k) && typeof v === 'string') setOwn(out, k, mask(v));
      else if (k === 'headers' && v !== null && typeof v === 'object' && !Array.isArray(v)) setOwn(out, k, redactHeaders(v as Record<string, unknown>, mask));
      else setOwn(out, k, redactValue(v, k, mask));
    }
    return out;
  }
  return value;
}

/** A section with its listed secrets masked first (by value), then redacted like any value; the list itself is dropped. */
function redactSection(section: ReportSection): ReportSection {
  const { secrets, ...rest } = section;
  const known = (secrets ?? []).filter((v) => v !== '').sort((a, b) => b.length - a.length);
  const mask = (text: string): string => known.reduce((t, secret) => t.split(secret).join(REDACTED), text);
  const masked: ReportSection =
    known.length === 0
      ? rest
      : {
          ...rest,
          title: mask(rest.title),
          rows: rest.rows?.map(([label, value]): [string, string] => [mask(label), mask(value)]),
          lines: rest.lines?.map(mask),
          code: rest.code === undefined ? undefined : mask(rest.code),
        };
  const out = redactValue(masked) as ReportSection;
  if (section.memberRows === true) out.rows = masked.rows?.map(([label, value]): [string, string] => [redactString(label), String(redactValue(value, label))]);
  return out;
}

/** The report as every renderer receives it. With showSecrets it is returned unchanged. */
export function redactReport(report: Report, showSecrets: boolean): Report {
  if (showSecrets) return report;
  const keep = new Set(report.unredacted ?? []);
  const data: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(report.data)) data[key] = keep.has(key) ? value : redactValue(value, key);
  return {
    ...report,
    data,
    findings: redactValue(report.findings) as Report['findings'],
    sections: report.sections.map((section) => (section.reveal === true ? section : redactSection(section))),
    summary: report.summary === undefined ? undefined : redactString(report.summary),
    trace: report.trace === undefined ? undefined : (redactValue(report.trace) as Report['trace']),
    exchangeGroups: report.exchangeGroups?.map((g) => ({ ...g, exchanges: redactValue(g.exchanges) as typeof g.exchanges })),
  };
}
