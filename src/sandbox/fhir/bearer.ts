// Where the FHIR API finds the access token: the Authorization header only
// (RFC 6750 §2.1). The URI query form (§2.3) is refused with a reason, since real
// servers refuse it too and a developer should learn why.
import type { IncomingMessage } from 'node:http';

export type BearerCredential =
  /** No bearer credential at all: a bare challenge answers it (RFC 6750 §3.1). */
  | { kind: 'none' }
  | { kind: 'bearer'; token: string }
  /** Something was sent but cannot be a bearer token: 400 invalid_request. */
  | { kind: 'malformed'; reason: string };

// RFC 6750 §2.1: b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

export function readBearer(authorization: string | undefined, query: URLSearchParams): BearerCredential {
  const inQuery = query.has('access_token');
  if (authorization === undefined || authorization.trim() === '') {
    if (inQuery) return { kind: 'malformed', reason: 'The access token was sent as the access_token query parameter; send it as "Authorization: Bearer <token>" (RFC 6750 §2.1) instead.' };
    return { kind: 'none' };
  }
  const m = /^(\S+)(?:\s+(.*))?$/.exec(authorization.trim());
  const scheme = m?.[1] ?? '';
  if (scheme.toLowerCase() !== 'bearer') return { kind: 'none' };
  const token = (m?.[2] ?? '').trim();
  if (token === '') return { kind: 'malformed', reason: 'The Authorization header says "Bearer" but carries no token.' };
  if (!B64TOKEN.test(token)) return { kind: 'malformed', reason: 'The bearer token holds characters RFC 6750 §2.1 does not allow (spaces, quotes or commas: send the token alone).' };
  if (inQuery) return { kind: 'malformed', reason: 'The access token was sent both in the Authorization header and as the access_token query parameter (RFC 6750 §2: use one method).' };
  return { kind: 'bearer', token };
}

export function bearerOf(req: IncomingMessage, query: URLSearchParams): BearerCredential {
  return readBearer(req.headers['authorization'], query);
}
