// How launch and token show the tokens of a token response to a person: the access
// token's line (its type, length, and whether it is a JWT, with its exp) and the claims of
// the JWTs with readable times. The token itself stands in the row, and the section lists
// it as a secret, so redaction masks it whatever its shape.
import type { ReportSection } from '../report/report.js';
import { decodeJwt, type DecodedToken } from './jwt/decode.js';
import { readableClaim, readableClaimRows } from './jwt/time-claims.js';

function tryDecode(token: string): DecodedToken | undefined {
  try {
    return decodeJwt(token);
  } catch {
    return undefined;
  }
}

/** "Bearer, 43 characters, opaque, not a JWT" or "Bearer, 812 characters, JWT, exp 1796177068  2026-12-02T02:04:28.000Z (expires in 60 min)". */
export function describeAccessToken(token: string, tokenType: unknown, now: Date): string {
  const type = typeof tokenType === 'string' && tokenType !== '' ? tokenType : 'no token_type';
  const decoded = tryDecode(token);
  const parts = [type, `${token.length} characters`];
  if (decoded?.kind === 'jwt') {
    const exp = decoded.payload['exp'];
    parts.push(exp === undefined ? 'JWT without exp' : `JWT, exp ${readableClaim('exp', exp, now)}`);
  } else if (decoded?.kind === 'jwe') parts.push('encrypted JWT (JWE)');
  else parts.push('opaque, not a JWT');
  return parts.join(', ');
}

/** The access_token row: the token (masked by redaction) and what it is. */
export function accessTokenRow(token: string, tokenType: unknown, now: Date): [string, string] {
  return ['access_token', `${token}  (${describeAccessToken(token, tokenType, now)})`];
}

/** "<name>: claims" of a token that is a JWT (iat, exp, auth_time as dates); nothing for an opaque one. */
export function jwtClaimSections(name: string, token: string, now: Date, title = `${name}: claims`): ReportSection[] {
  const decoded = tryDecode(token);
  if (decoded?.kind !== 'jwt') return [];
  return [{ title, rows: readableClaimRows(decoded.payload, now), memberRows: true }];
}
