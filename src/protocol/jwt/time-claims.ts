// exp / nbf / iat against a given now (RFC 7519 §4.1.4-4.1.6), with the skew in seconds.
import { makeFinding, type Finding } from '../../report/finding.js';
import { claimNumber } from './decode.js';

export const DEFAULT_SKEW_SECONDS = 60;

export function describeSeconds(seconds: number): string {
  const s = Math.abs(Math.round(seconds));
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  if (s < 172_800) return `${Math.round(s / 3600)} h`;
  return `${Math.round(s / 86_400)} days`;
}

/** The largest NumericDate a Date can hold (ECMAScript: ±8.64e15 ms, about the year 275 760). */
const MAX_DATE_SECONDS = 8.64e12;

/** The ISO time of a NumericDate, or undefined when it is outside the range of dates. */
export function isoTime(epochSeconds: number): string | undefined {
  return Number.isFinite(epochSeconds) && Math.abs(epochSeconds) <= MAX_DATE_SECONDS ? new Date(epochSeconds * 1000).toISOString() : undefined;
}

/** "expired 3 h ago", "in 5 min". */
export function relativeTime(epochSeconds: number, now: Date): string {
  const delta = epochSeconds - now.getTime() / 1000;
  return delta >= 0 ? `in ${describeSeconds(delta)}` : `${describeSeconds(delta)} ago`;
}

/** The NumericDate claims shown as dates (RFC 7519 §4.1, OpenID Connect Core §2). */
export const TIME_CLAIMS: readonly string[] = ['iat', 'nbf', 'exp', 'auth_time'];

/**
 * A claim as a person reads it: time claims as seconds, the ISO time and how long ago or
 * until ("1796177068  2026-12-02T02:04:28.000Z (expires in 60 min)"); strings as they are;
 * anything else as JSON. decode, launch and token show claims with it.
 */
export function readableClaim(name: string, value: unknown, now: Date): string {
  if (TIME_CLAIMS.includes(name) && typeof value === 'number') {
    const when = isoTime(value);
    if (when === undefined) return `${value}  (outside the range of dates)`;
    const rel = relativeTime(value, now);
    return name === 'exp' ? `${value}  ${when} (${value * 1000 <= now.getTime() ? `expired ${rel}` : `expires ${rel}`})` : `${value}  ${when} (${rel})`;
  }
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Label/value rows of a JWT header or claim set, with readable times. */
export function readableClaimRows(claims: Record<string, unknown>, now: Date): Array<[string, string]> {
  return Object.entries(claims).map(([k, v]): [string, string] => [k, readableClaim(k, v, now)]);
}

export function lintTimeClaims(payload: Record<string, unknown>, now: Date, what: string, maxSkewSeconds = DEFAULT_SKEW_SECONDS): Finding[] {
  const nowS = now.getTime() / 1000;
  const out: Finding[] = [];
  // A time outside the range of dates gets its own finding, not a comparison with now.
  const inRange = (v: number | undefined): number | undefined => (v !== undefined && isoTime(v) !== undefined ? v : undefined);
  const exp = inRange(claimNumber(payload, 'exp'));
  const nbf = inRange(claimNumber(payload, 'nbf'));
  const iat = inRange(claimNumber(payload, 'iat'));
  out.push(...timesOutOfRange(payload, what));
  if (payload['exp'] !== undefined && claimNumber(payload, 'exp') === undefined) {
    out.push(makeFinding({ id: 'jwt-claim-type', severity: 'error', title: `${what} exp is not a number`, detail: `exp: expected seconds since the epoch, got ${JSON.stringify(payload['exp'])}`, fix: 'Issue exp as a NumericDate (seconds).', spec: 'rfc7519-exp' }));
  }
  if (exp !== undefined && exp <= nowS) {
    out.push(
      makeFinding({
        id: 'jwt-expired',
        severity: 'error',
        title: `${what} has expired`,
        detail: `exp ${isoTime(exp) ?? exp} was ${describeSeconds(nowS - exp)} ago`,
        fix: 'Get a new token (refresh or re-authorize); if it expired at once, compare the server and client clocks.',
        spec: 'rfc7519-exp',
      }),
    );
  }
  if (nbf !== undefined && nbf > nowS + maxSkewSeconds) {
    out.push(
      makeFinding({
        id: 'jwt-not-yet-valid',
        severity: 'error',
        title: `${what} is not valid yet`,
        detail: `nbf is ${describeSeconds(nbf - nowS)} in the future (${isoTime(nbf) ?? nbf}); allowed skew ${maxSkewSeconds} s`,
        fix: 'Synchronise the clocks of the issuer and this machine (NTP).',
        spec: 'rfc7519-nbf',
      }),
    );
  }
  if (iat !== undefined && iat > nowS + maxSkewSeconds) {
    out.push(
      makeFinding({
        id: 'jwt-iat-in-future',
        severity: 'error',
        title: `${what} was issued in the future (clock skew)`,
        detail: `iat is ${Math.round(iat - nowS)} s in the future (${isoTime(iat) ?? iat}); allowed skew ${maxSkewSeconds} s`,
        fix: "Synchronise the issuer's clock (NTP); strict validators reject such tokens.",
        spec: 'rfc7519-iat',
      }),
    );
  }
  return out;
}

/** exp: 1e13 is a number, but no date: a server that sends it has a unit bug (ms, µs) or garbage. */
function timesOutOfRange(payload: Record<string, unknown>, what: string): Finding[] {
  const out: Finding[] = [];
  const specs = { exp: 'rfc7519-exp', nbf: 'rfc7519-nbf', iat: 'rfc7519-iat', auth_time: undefined } as const;
  for (const claim of ['exp', 'nbf', 'iat', 'auth_time'] as const) {
    const value = claimNumber(payload, claim);
    if (value === undefined || isoTime(value) !== undefined) continue;
    out.push(
      makeFinding({
        id: 'jwt-time-out-of-range',
        severity: 'error',
        title: `${what} ${claim} is outside the range of dates`,
        detail: `${claim}: expected seconds since the epoch, got ${value}, beyond ±${MAX_DATE_SECONDS} s (the year 275 760)${Math.abs(value) > 1e11 ? '; milliseconds or microseconds sent as seconds?' : ''}`,
        fix: `Issue ${claim} as a NumericDate: whole seconds since 1970-01-01 UTC (RFC 7519 §2).`,
        spec: specs[claim],
      }),
    );
  }
  return out;
}
