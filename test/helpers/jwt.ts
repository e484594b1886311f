// Builds test JWTs. Unsigned ones (for claim rules) need no key; signed ones use jose.
export function b64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

export function unsignedJwt(payload: Record<string, unknown>, header: Record<string, unknown> = { alg: 'RS256', kid: 'k1' }): string {
  return `${b64url(header)}.${b64url(payload)}.c2lnbmF0dXJl`;
}

export const NOW = new Date('2026-06-01T12:00:00Z');
export const NOW_S = Math.floor(NOW.getTime() / 1000);
