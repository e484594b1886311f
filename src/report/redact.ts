// Redaction: secrets are removed by field name and by token shape before any
// renderer sees a report. No part of a secret is kept, not even its ends.
import type { Report } from './report.js';

export const REDACTED = '[REDACTED]';

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

const JWT_SHAPE = /\beyJ[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*)?/g;
const PEM_PRIVATE = /-----BEGIN ((?:RSA |EC |ENCRYPTED )?PRIVATE KEY)-----[\s\S]*?-----END \1-----/g;
/** A scheme and what follows it; whether that is a credential is decided by isCredential. */
// A word followed by "(" is prose ("Basic base64(id:secret)"); a sentence's final "." is kept.
const SCHEME_VALUE = /\b(Bearer|Basic|DPoP)(\s+)([A-Za-z0-9._~+/-]+=*\.*)(?![A-Za-z0-9._~+/=(-])/gi;

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
const V2_SCOPE_BEFORE = /(?:patient|user|system)\/[A-Za-z*]+\.[cruds]+\?[^\s]*$/;

export function redactString(text: string): string {
  return text
    .replace(PEM_PRIVATE, (_m, label: string) => `-----BEGIN ${label}-----\n${REDACTED}\n-----END ${label}-----`)
    .replace(JWT_SHAPE, REDACTED)
    .replace(SCHEME_VALUE, (match, scheme: string, space: string, word: string) => {
      const value = word.replace(/\.+$/, '');
      return isCredential(value) ? `${scheme}${space}${REDACTED}${word.slice(value.length)}` : match;
    })
    .replace(SECRET_JSON_IN_TEXT, (match, prefix: string, value: string) => {
      if (value === '' || value === REDACTED) return match;
      // "code"/"token" in quoted JSON is often an OperationOutcome issue code ("forbidden"): as in redactValue, only an issued-looking value is secret.
      const name = /\\?"([^"\\]+)\\?"\s*:\s*\\?"$/.exec(prefix)?.[1]?.toLowerCase();
      if (name !== undefined && AMBIGUOUS_KEYS.has(name) && !looksLikeIssuedSecret(value)) return match;
      return `${prefix}${REDACTED}`;
    })
    .replace(SECRET_PARAM_IN_TEXT, (match, prefix: string, offset: number, whole: string) =>
      // A SMART v2 scope restriction (patient/Observation.rs?code=...) is not a secret.
      match.slice(prefix.length) === REDACTED || V2_SCOPE_BEFORE.test(whole.slice(Math.max(0, offset - 80), offset + 1)) ? match : `${prefix}${REDACTED}`,
    );
}

function redactParams(params: URLSearchParams): boolean {
  let changed = false;
  for (const key of [...new Set(params.keys())]) {
    if (SECRET_PARAMS.has(key.toLowerCase())) {
      params.set(key, REDACTED);
      changed = true;
    }
  }
  return changed;
}

/** A URL with secret query and fragment parameters replaced. Unparseable input gets shape-based redaction. */
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return redactString(url);
  }
  if (parsed.password) parsed.password = REDACTED;
  redactParams(parsed.searchParams);
  if (parsed.hash.length > 1) {
    const fragment = new URLSearchParams(parsed.hash.slice(1));
    if (redactParams(fragment)) parsed.hash = fragment.toString();
  }
  // URLSearchParams encodes the brackets; show them as typed.
  return redactString(parsed.toString().replaceAll('%5BREDACTED%5D', REDACTED));
}

/** A body (JSON, form or text) with secrets replaced, keeping its format. */
export function redactBody(body: string): string {
  const trimmed = body.trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(trimmed);
      return JSON.stringify(redactValue(parsed), null, body.includes('\n') ? 2 : undefined);
    } catch {
      // not JSON after all: fall through to shape-based redaction
    }
  }
  if (/^[\w.~%+-]+=[^\s]*(&[\w.~%+-]+=[^\s]*)*$/.test(trimmed)) {
    const params = new URLSearchParams(trimmed);
    if (redactParams(params)) return redactString(params.toString().replaceAll('%5BREDACTED%5D', REDACTED));
  }
  return redactString(body);
}

function redactHeaderValue(name: string, value: string): string {
  const lower = name.toLowerCase();
  if (!SECRET_HEADERS.has(lower)) return redactString(value);
  if (lower === 'authorization' || lower === 'proxy-authorization') {
    const scheme = /^(\S+)\s/.exec(value)?.[1];
    return scheme === undefined ? REDACTED : `${scheme} ${REDACTED}`;
  }
  // Cookies: keep names (they help explain stale sessions), drop values.
  return value
    .split(/;\s*/)
    .map((part) => (part.includes('=') && !/^(path|domain|expires|max-age|samesite)=/i.test(part) ? `${part.split('=')[0]}=${REDACTED}` : part))
    .join('; ');
}

function redactHeaders(headers: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (typeof value === 'string') out[name] = redactHeaderValue(name, value);
    else if (Array.isArray(value)) out[name] = value.map((v) => (typeof v === 'string' ? redactHeaderValue(name, v) : v));
    else out[name] = value;
  }
  return out;
}

function looksLikeJwk(value: Record<string, unknown>): boolean {
  return typeof value['kty'] === 'string';
}

/** Deep copy of any JSON-like value with secrets replaced. */
export function redactValue(value: unknown, key?: string): unknown {
  if (typeof value === 'string') {
    if (key !== undefined && SECRET_KEYS.has(key.toLowerCase())) return value === '' ? value : REDACTED;
    if (key !== undefined && AMBIGUOUS_KEYS.has(key.toLowerCase()) && looksLikeIssuedSecret(value)) return REDACTED;
    if (key === 'url' || key === 'authorizeUrl' || key === 'callbackUrl') return redactUrl(value);
    if (key === 'body') return redactBody(value);
    return redactString(value);
  }
  if (Array.isArray(value)) return value.map((item) => redactValue(item));
  if (value !== null && typeof value === 'object') {
    const source = value as Record<string, unknown>;
    const jwk = looksLikeJwk(source);
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(source)) {
      if (jwk && PRIVATE_JWK_MEMBERS.has(k) && typeof v === 'string') out[k] = REDACTED;
      else if (k === 'headers' && v !== null && typeof v === 'object' && !Array.isArray(v)) out[k] = redactHeaders(v as Record<string, unknown>);
      else out[k] = redactValue(v, k);
    }
    return out;
  }
  return value;
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
    sections: report.sections.map((section) => (section.reveal === true ? section : (redactValue(section) as typeof section))),
    summary: report.summary === undefined ? undefined : redactString(report.summary),
    trace: report.trace === undefined ? undefined : (redactValue(report.trace) as Report['trace']),
  };
}
