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

/** ISO time of a NumericDate, or the number itself when it is outside what a Date can hold (a token may carry any number). */
export function isoTime(epochSeconds: number): string {
  const d = new Date(epochSeconds * 1000);
  return Number.isNaN(d.getTime()) ? `${epochSeconds} s since the epoch, outside the date range` : d.toISOString();
}

/** "expired 3 h ago", "in 5 min". */
export function relativeTime(epochSeconds: number, now: Date): string {
  const delta = epochSeconds - now.getTime() / 1000;
  return delta >= 0 ? `in ${describeSeconds(delta)}` : `${describeSeconds(delta)} ago`;
}

export function lintTimeClaims(payload: Record<string, unknown>, now: Date, what: string, maxSkewSeconds = DEFAULT_SKEW_SECONDS): Finding[] {
  const nowS = now.getTime() / 1000;
  const out: Finding[] = [];
  const exp = claimNumber(payload, 'exp');
  const nbf = claimNumber(payload, 'nbf');
  const iat = claimNumber(payload, 'iat');
  if (payload['exp'] !== undefined && exp === undefined) {
    out.push(makeFinding({ id: 'jwt-claim-type', severity: 'error', title: `${what} exp is not a number`, detail: `exp: expected seconds since the epoch, got ${JSON.stringify(payload['exp'])}`, fix: 'Issue exp as a NumericDate (seconds).', spec: 'rfc7519-exp' }));
  }
  if (exp !== undefined && exp <= nowS) {
    out.push(
      makeFinding({
        id: 'jwt-expired',
        severity: 'error',
        title: `${what} has expired`,
        detail: `exp ${isoTime(exp)} was ${describeSeconds(nowS - exp)} ago`,
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
        detail: `nbf is ${describeSeconds(nbf - nowS)} in the future (${isoTime(nbf)}); allowed skew ${maxSkewSeconds} s`,
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
        detail: `iat is ${Math.round(iat - nowS)} s in the future (${isoTime(iat)}); allowed skew ${maxSkewSeconds} s`,
        fix: "Synchronise the issuer's clock (NTP); strict validators reject such tokens.",
        spec: 'rfc7519-iat',
      }),
    );
  }
  return out;
}
