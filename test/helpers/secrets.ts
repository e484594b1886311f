// A run's secrets and where they must not be: every code, verifier, token, client secret,
// assertion and cookie value of a run's HTTP exchanges (a trace, or what a wiretap saw on
// the wire), and private keys from their files; then every 16-character slice of each,
// looked for in an output.
import { readFileSync } from 'node:fs';
import { headerValue, isExchange, type TraceEntry } from '../../src/report/trace.js';

const SECRET_PARAMS = ['code', 'code_verifier', 'client_secret', 'client_assertion', 'refresh_token', 'assertion', 'token', 'access_token', 'id_token'];
const SECRET_FIELDS = ['access_token', 'refresh_token', 'id_token'];

/** Shorter values are not looked for (a 16-character slice is the unit). */
export const SLICE = 16;

function isForm(body: string): boolean {
  return /^[\w.~%+-]+=/.test(body);
}

/** Every secret the run sent or received, from its unredacted exchanges. */
export function secretsOf(entries: readonly TraceEntry[]): Set<string> {
  const found = new Set<string>();
  const add = (value: string | null | undefined): void => {
    if (typeof value === 'string' && value.length >= SLICE) found.add(value);
  };
  const addParams = (params: URLSearchParams): void => {
    for (const p of SECRET_PARAMS) for (const v of params.getAll(p)) add(v);
  };
  for (const e of entries.filter(isExchange)) {
    const url = new URL(e.request.url);
    addParams(url.searchParams);
    const body = e.request.body;
    if (body !== undefined && isForm(body.trim())) addParams(new URLSearchParams(body.trim()));
    const auth = headerValue(e.request.headers, 'authorization');
    if (auth !== undefined) add(auth.replace(/^\S+\s+/, ''));
    const cookie = headerValue(e.request.headers, 'cookie');
    if (cookie !== undefined) for (const part of cookie.split(/;\s*/)) add(part.slice(part.indexOf('=') + 1));
    if (e.response === undefined) continue;
    const setCookie = e.response.headers['set-cookie'] ?? headerValue(e.response.headers, 'set-cookie');
    for (const line of Array.isArray(setCookie) ? setCookie : setCookie === undefined ? [] : [setCookie]) {
      const pair = line.split(';')[0] ?? '';
      add(pair.slice(pair.indexOf('=') + 1));
    }
    const location = headerValue(e.response.headers, 'location');
    if (location !== undefined && URL.canParse(location, e.request.url)) {
      const target = new URL(location, e.request.url);
      addParams(target.searchParams);
      if (target.hash.length > 1) addParams(new URLSearchParams(target.hash.slice(1)));
    }
    if (e.response.body.trim().startsWith('{')) {
      try {
        const json = JSON.parse(e.response.body) as Record<string, unknown>;
        for (const f of SECRET_FIELDS) add(typeof json[f] === 'string' ? json[f] : undefined);
      } catch {
        // not JSON
      }
    }
  }
  return found;
}

/** The client secrets inside Basic credentials (base64 of id:secret, RFC 6749 §2.3.1): secrets too, though never on the wire as such. */
export function basicPasswordsOf(entries: readonly TraceEntry[]): Set<string> {
  const found = new Set<string>();
  for (const e of entries.filter(isExchange)) {
    const auth = headerValue(e.request.headers, 'authorization');
    const credential = auth === undefined ? undefined : /^basic\s+(\S+)/i.exec(auth)?.[1];
    if (credential === undefined) continue;
    const decoded = Buffer.from(credential, 'base64').toString('utf8');
    const password = decoded.slice(decoded.indexOf(':') + 1);
    if (decoded.includes(':') && password.length >= SLICE) found.add(decodeURIComponent(password.replace(/\+/g, ' ')));
  }
  return found;
}

/** The secret parts of a private key file: a PEM's base64 body (one line, so any slice of a wrapped line is in it), a JWK's private members. */
export function keyFileSecrets(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/-----BEGIN [A-Z ]*PRIVATE KEY-----([\s\S]*?)-----END/g)) out.push((m[1] ?? '').replace(/\s+/g, ''));
  if (text.trim().startsWith('{')) {
    const json = JSON.parse(text) as { keys?: unknown[] } & Record<string, unknown>;
    for (const jwk of Array.isArray(json.keys) ? json.keys : [json]) {
      for (const member of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k']) {
        const v = (jwk as Record<string, unknown>)[member];
        if (typeof v === 'string') out.push(v);
      }
    }
  }
  return out.filter((s) => s.length >= SLICE);
}

/**
 * The secrets of which some 16-character slice is in the text: "<n>-char secret, slice at <i>"
 * (i the first such offset in the secret; never the secret itself). One pass over the text
 * with every secret's slices in a map: outputs of a check run are megabytes.
 */
export function leakedSlices(text: string, secrets: Iterable<string>): string[] {
  const list = [...secrets];
  const slices = new Map<string, Array<{ secret: number; at: number }>>();
  list.forEach((s, secret) => {
    for (let at = 0; at + SLICE <= s.length; at++) {
      const key = s.slice(at, at + SLICE);
      const hits = slices.get(key) ?? [];
      if (!hits.some((h) => h.secret === secret)) slices.set(key, [...hits, { secret, at }]);
    }
  });
  const first = new Map<number, number>();
  if (slices.size > 0) {
    for (let i = 0; i + SLICE <= text.length; i++) {
      for (const h of slices.get(text.slice(i, i + SLICE)) ?? []) first.set(h.secret, Math.min(first.get(h.secret) ?? h.at, h.at));
    }
  }
  return list.flatMap((s, secret) => {
    const at = first.get(secret);
    return at === undefined ? [] : [`${s.length}-char secret, slice at ${at}`];
  });
}
