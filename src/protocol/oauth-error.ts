// OAuth error shapes: token/authorize error bodies (RFC 6749 §5.2, §4.1.2.1) and the
// Bearer WWW-Authenticate challenge (RFC 6750 §3). Parsers never throw.
import { setOwn } from './own-property.js';

export interface OAuthError {
  error: string;
  error_description?: string | undefined;
  error_uri?: string | undefined;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** The OAuth error in a JSON body, a form body, or a query string; undefined when there is none. */
export function parseOAuthError(body: string | undefined): OAuthError | undefined {
  if (body === undefined) return undefined;
  const text = body.trim();
  if (text.startsWith('{')) {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return undefined;
    }
    // Some servers wrap the error: {"code":403,"message":"... error=\"insufficient_scope\""}
    if (isObject(json) && typeof json['error'] === 'string') {
      return {
        error: json['error'],
        error_description: typeof json['error_description'] === 'string' ? json['error_description'] : undefined,
        error_uri: typeof json['error_uri'] === 'string' ? json['error_uri'] : undefined,
      };
    }
    if (isObject(json) && typeof json['message'] === 'string') return errorFromChallengeText(json['message']);
    return undefined;
  }
  if (/^[\w.~%+-]+=/.test(text) && !text.includes(' ')) {
    const params = new URLSearchParams(text.replace(/^\?/, ''));
    const error = params.get('error');
    if (error === null) return undefined;
    return { error, error_description: params.get('error_description') ?? undefined, error_uri: params.get('error_uri') ?? undefined };
  }
  return errorFromChallengeText(text);
}

function errorFromChallengeText(text: string): OAuthError | undefined {
  const params = parseAuthParams(text);
  const error = params['error'];
  if (error === undefined) return undefined;
  return { error, error_description: params['error_description'], error_uri: params['error_uri'] };
}

// A name is tried only where a run of word characters starts (after its leading digits or
// hyphens, as before): trying every position inside a long run, each scanning to the run's
// end, made a 60 000-letter body take 15 s (quadratic).
const AUTH_PARAM = /(?<![\w-])[\d-]*([A-Za-z_][\w-]*)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,"]+))/g;

/** name="value" or name=token pairs, as in a WWW-Authenticate challenge. */
export function parseAuthParams(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = new RegExp(AUTH_PARAM);
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const name = m[1];
    if (name === undefined || Object.hasOwn(out, name)) continue;
    setOwn(out, name, m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : (m[3] ?? ''));
  }
  return out;
}

export interface BearerChallenge {
  scheme: string;
  params: Record<string, string>;
}

export function parseWwwAuthenticate(header: string | undefined): BearerChallenge | undefined {
  if (header === undefined || header.trim() === '') return undefined;
  const m = /^\s*([A-Za-z][\w-]*)\s*(.*)$/s.exec(header);
  if (m === null) return undefined;
  return { scheme: m[1] ?? '', params: parseAuthParams(m[2] ?? '') };
}

export interface VendorErrorUri {
  /** The URN named in the error_uri path, decoded once (Oracle Health / Cerner: urn:cerner:error:...). */
  urn: string;
  /** The instance id, which the vendor asks for on its forum. */
  instance?: string | undefined;
  /** client=unknown means the server could not tell which client was calling. */
  client?: string | undefined;
  tenant?: string | undefined;
  persona?: string | undefined;
}

/** Reads an error_uri of the form https://host/errors/<URL-encoded URN>/instances/<id>?client=..&tenant=..; undefined otherwise. */
export function parseVendorErrorUri(errorUri: string | undefined): VendorErrorUri | undefined {
  if (errorUri === undefined || !URL.canParse(errorUri)) return undefined;
  const url = new URL(errorUri);
  const m = /\/errors\/([^/]+)(?:\/instances\/([^/]+))?\/?$/.exec(url.pathname);
  const raw = m?.[1];
  if (raw === undefined) return undefined;
  let urn: string;
  try {
    urn = decodeURIComponent(raw);
  } catch {
    return undefined;
  }
  if (!/^urn:/i.test(urn)) return undefined;
  const q = url.searchParams;
  return { urn, instance: m?.[2], client: q.get('client') ?? undefined, tenant: q.get('tenant') ?? undefined, persona: q.get('persona') ?? undefined };
}
