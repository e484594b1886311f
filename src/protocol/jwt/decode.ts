// Our own JWT decoder (no jose): splits, base64url-decodes and JSON-parses, and tells
// a signed JWT (three parts) from an encrypted JWE (five parts) from an opaque token.
import { inputError } from '../../errors.js';
import { jsonTooDeep, pruneDeepJson } from '../json-depth.js';

export interface DecodedJwt {
  kind: 'jwt';
  raw: string;
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  /** The base64url signature part, as sent. */
  signature: string;
  /** Set when the header or claims nested deeper than we walk: those parts are replaced by a note (finding jwt-claims-too-deep). */
  tooDeep?: true | undefined;
}

export interface DecodedJwe {
  kind: 'jwe';
  raw: string;
  header: Record<string, unknown>;
  tooDeep?: true | undefined;
}

export interface OpaqueToken {
  kind: 'opaque';
  raw: string;
}

export type DecodedToken = DecodedJwt | DecodedJwe | OpaqueToken;

const BASE64URL = /^[A-Za-z0-9_-]*$/;
/** RFC 6750 §2.1: b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=". */
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

interface Part {
  value: Record<string, unknown>;
  tooDeep: boolean;
}

function decodePart(part: string, name: string, raw: string): Part {
  if (!BASE64URL.test(part) || part.length % 4 === 1) {
    throw inputError('malformed-jwt', `the JWT ${name} is not base64url (${part.length} characters)`, 'Copy the whole token: three dot-separated base64url parts, with no spaces or quotes.');
  }
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    throw inputError('malformed-jwt', `the JWT ${name} is not JSON after base64url decoding`, raw.length < 40 ? 'Is this really a JWT?' : 'The token may be truncated or altered; copy it again.');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw inputError('malformed-jwt', `the JWT ${name} is JSON but not an object`, 'A JWT header and payload are JSON objects.');
  }
  // Walkers after us (JSON.stringify, redaction, renderers) recurse: bound the depth here, once.
  if (jsonTooDeep(value)) return { value: pruneDeepJson(value) as Record<string, unknown>, tooDeep: true };
  return { value: value as Record<string, unknown>, tooDeep: false };
}

/** Strips "Bearer " and surrounding whitespace/quotes a user may paste along. */
export function cleanTokenText(text: string): string {
  return text
    .trim()
    .replace(/^["']|["']$/g, '')
    .replace(/^Bearer\s+/i, '')
    .trim();
}

/**
 * Decodes a token. Text that looks like a JWT (starts with a base64url JSON header,
 * "eyJ") but does not decode is an input error; anything else without dots is opaque.
 */
export function decodeJwt(text: string): DecodedToken {
  const raw = cleanTokenText(text);
  if (raw === '') throw inputError('token-empty', 'no token given', 'Pass the token as an argument or on stdin.');
  const parts = raw.split('.');
  if (parts.length === 1 || (!raw.startsWith('eyJ') && !/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(raw))) {
    if (/\s/.test(raw)) throw inputError('malformed-token', 'the token contains white space', 'Pass a single token: a JWT, "Bearer <jwt>", or a token-response JSON.');
    if (!B64TOKEN.test(raw)) {
      const bad = [...new Set(raw.replace(/[A-Za-z0-9\-._~+/=]/g, ''))].slice(0, 5).map((ch) => JSON.stringify(ch)).join(', ');
      throw inputError('malformed-token', `the token contains characters a bearer token cannot hold (${bad}); RFC 6750 §2.1 allows letters, digits and - . _ ~ + / with trailing =`, 'Copy the token again, without quotes or surrounding text; or pass the token response JSON.');
    }
    return { kind: 'opaque', raw };
  }
  if (parts.length === 5) {
    const header = decodePart(parts[0] ?? '', 'header', raw);
    return header.tooDeep ? { kind: 'jwe', raw, header: header.value, tooDeep: true } : { kind: 'jwe', raw, header: header.value };
  }
  if (parts.length !== 3) {
    throw inputError('malformed-jwt', `a JWT has 3 dot-separated parts (5 for an encrypted JWE), this has ${parts.length}`, 'The token may be truncated; copy it again.');
  }
  const [h = '', p = '', s = ''] = parts;
  const header = decodePart(h, 'header', raw);
  const payload = decodePart(p, 'payload', raw);
  if (!BASE64URL.test(s)) throw inputError('malformed-jwt', 'the JWT signature is not base64url', 'The token may have been altered; copy it again.');
  const token: DecodedJwt = { kind: 'jwt', raw, header: header.value, payload: payload.value, signature: s };
  if (header.tooDeep || payload.tooDeep) token.tooDeep = true;
  return token;
}

export function claimString(payload: Record<string, unknown>, name: string): string | undefined {
  const v = payload[name];
  return typeof v === 'string' ? v : undefined;
}

export function claimNumber(payload: Record<string, unknown>, name: string): number | undefined {
  const v = payload[name];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** aud as a list, whether it was a string or an array. */
export function audiences(payload: Record<string, unknown>): string[] {
  const aud = payload['aud'];
  if (typeof aud === 'string') return [aud];
  if (Array.isArray(aud)) return aud.filter((a): a is string => typeof a === 'string');
  return [];
}
