// A redacted JWT in a HAR smartctl wrote: "[REDACTED jwt, 736 chars; header {alg: RS256,
// kid: k1}; claims {iss: https://..., aud: app, exp: 1796173402}]". Written by write.ts;
// read back by classify.ts (response bodies, request headers, form bodies) so `explain --har`
// can still judge the token's header and non-secret claims (kid, aud, iss, time claims). The
// token rebuilt here has no signature (the client-assertion preflight reads that as "sub and
// jti withheld") and never leaves the diagnosis. Pure.
import { setOwn } from '../protocol/own-property.js';

/** Characters a marker value never holds: they would end a JSON string, a parameter, a header or the marker. */
const UNSAFE = /[\u0000-\u001f\u007f"\\&#<>{}]/g;

export function markerValue(value: unknown): string {
  const text = Array.isArray(value) ? `[${value.map(markerValue).join(', ')}]` : typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : (JSON.stringify(value) ?? '');
  const clean = text.replace(UNSAFE, '?');
  return clean.length > 200 ? `${clean.slice(0, 197)}...` : clean;
}

export function markerMembers(object: Record<string, unknown>, names: readonly string[]): string {
  return names
    .filter((n) => object[n] !== undefined)
    .map((n) => `${n}: ${markerValue(object[n])}`)
    .join(', ');
}

const TIME_CLAIMS = new Set(['exp', 'iat', 'nbf', 'auth_time']);
const MARKER = /\[REDACTED jwt, \d+ chars; header \{([^{}]*)\}; claims \{([^{}]*)\}\]/g;

function parseMembers(text: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (text.trim() === '') return out;
  for (const member of text.split(/, (?=[A-Za-z_][\w-]*: )/)) {
    const colon = member.indexOf(': ');
    if (colon < 0) continue;
    const name = member.slice(0, colon);
    const raw = member.slice(colon + 2);
    // Only the time claims are numbers: a kid or an aud of "0" stays a string.
    if (TIME_CLAIMS.has(name) && /^-?\d+(?:\.\d+)?$/.test(raw)) out[name] = Number(raw);
    else setOwn(out, name, raw.startsWith('[') && raw.endsWith(']') ? (raw.slice(1, -1) === '' ? [] : raw.slice(1, -1).split(', ')) : raw);
  }
  return out;
}

const b64url = (value: Record<string, unknown>): string => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

/** Text with every JWT marker replaced by an unsigned JWT carrying the marker's header and claims. */
export function restoreJwtMarkers(text: string): string {
  if (!text.includes('[REDACTED jwt')) return text;
  return text.replace(MARKER, (_m, header: string, claims: string) => `${b64url(parseMembers(header))}.${b64url(parseMembers(claims))}.`);
}

/** A form body's JWT markers restored: the writer's marker is percent-encoded there (client_assertion=%5BREDACTED+jwt...). */
export function restoreJwtMarkersInBody(body: string): string {
  if (body.includes('[REDACTED jwt')) return restoreJwtMarkers(body);
  if (!/%5BREDACTED(?:\+|%20)jwt/i.test(body) || !/^[^\s=&]+=/.test(body.trim())) return body;
  const form = new URLSearchParams(body.trim());
  for (const [name, value] of [...form]) if (value.startsWith('[REDACTED jwt')) form.set(name, restoreJwtMarkers(value));
  return form.toString();
}
