// Client assertion rules for private_key_jwt, as SMART requires them
// (client-confidential-asymmetric.html; RFC 7523 §3).
import { makeFinding, type Finding } from '../../report/finding.js';
import { algNone, claimsNotTooDeep } from './claims.js';
import { audiences, claimNumber, claimString, type DecodedJwt } from './decode.js';
import { describeSeconds } from './time-claims.js';

export const SMART_ASSERTION_ALGS = ['RS384', 'ES384'];
export const MAX_ASSERTION_LIFETIME_SECONDS = 300;

export interface ClientAssertionExpectations {
  clientId?: string | undefined;
  tokenEndpoint?: string | undefined;
  now: Date;
  /** Algorithms the server's metadata lists (token_endpoint_auth_signing_alg_values_supported). */
  allowedAlgs?: string[] | undefined;
}

export function issEqualsSub(token: DecodedJwt, clientId: string | undefined): Finding[] {
  const iss = claimString(token.payload, 'iss');
  const sub = claimString(token.payload, 'sub');
  const out: Finding[] = [];
  if (iss === undefined || sub === undefined || iss !== sub) {
    out.push(
      makeFinding({
        id: 'assertion-iss-sub-mismatch',
        severity: 'error',
        title: 'client assertion iss and sub must both be the client id',
        detail: `iss: ${iss === undefined ? 'none' : `"${iss}"`}, sub: ${sub === undefined ? 'none' : `"${sub}"`}`,
        fix: 'Set both iss and sub to your client id.',
        spec: 'smart-client-assertion-claims',
      }),
    );
  } else if (clientId !== undefined && iss !== clientId) {
    out.push(
      makeFinding({
        id: 'assertion-iss-sub-mismatch',
        severity: 'error',
        title: 'client assertion iss/sub is not the client id',
        detail: `iss and sub: expected "${clientId}", got "${iss}"`,
        fix: 'Set both iss and sub to your client id.',
        spec: 'smart-client-assertion-claims',
      }),
    );
  }
  return out;
}

export function audIsTokenEndpoint(token: DecodedJwt, tokenEndpoint: string | undefined): Finding[] {
  const aud = audiences(token.payload);
  const out: Finding[] = [];
  if (tokenEndpoint !== undefined && !aud.includes(tokenEndpoint)) {
    out.push(
      makeFinding({
        id: 'assertion-aud-mismatch',
        severity: 'error',
        title: 'client assertion aud is not the token endpoint',
        detail: `aud: expected "${tokenEndpoint}", got ${aud.length === 0 ? 'none' : aud.map((a) => `"${a}"`).join(', ')} (a FHIR base or issuer here is the most common mistake)`,
        fix: 'Set aud to the token_endpoint URL from the server metadata, exactly.',
        spec: 'smart-client-assertion-claims',
      }),
    );
  }
  const notHttps = aud.filter((a) => {
    try {
      const u = new URL(a);
      return u.protocol !== 'https:' && !(u.protocol === 'http:' && /^(127\.|localhost$|\[::1\]$)/.test(u.hostname));
    } catch {
      return true;
    }
  });
  if (notHttps.length > 0 && tokenEndpoint === undefined) {
    out.push(
      makeFinding({
        id: 'assertion-aud-not-https-url',
        severity: 'error',
        title: 'client assertion aud is not an https token endpoint URL',
        detail: `aud: ${notHttps.map((a) => `"${a}"`).join(', ')}`,
        fix: 'Set aud to the https token_endpoint URL.',
        spec: 'smart-client-assertion-claims',
      }),
    );
  }
  return out;
}

export function lifetime(token: DecodedJwt, now: Date): Finding[] {
  const exp = claimNumber(token.payload, 'exp');
  const iat = claimNumber(token.payload, 'iat');
  const nowS = now.getTime() / 1000;
  if (exp === undefined) {
    return [makeFinding({ id: 'assertion-exp-missing', severity: 'error', title: 'client assertion has no exp', detail: 'exp: expected seconds since the epoch, got none', fix: 'Set exp at most 5 minutes ahead.', spec: 'smart-client-assertion-claims' })];
  }
  const out: Finding[] = [];
  if (exp <= nowS) {
    out.push(makeFinding({ id: 'assertion-expired', severity: 'error', title: 'client assertion has expired', detail: `exp was ${describeSeconds(nowS - exp)} ago`, fix: 'Build a fresh assertion for every token request.', spec: 'smart-client-assertion-claims' }));
  }
  const from = iat ?? nowS;
  if (exp - from > MAX_ASSERTION_LIFETIME_SECONDS || exp - nowS > MAX_ASSERTION_LIFETIME_SECONDS) {
    out.push(
      makeFinding({
        id: 'assertion-exp-too-long',
        severity: 'error',
        title: 'client assertion lives longer than 5 minutes',
        detail: `exp is ${Math.round(exp - from)} s after ${iat === undefined ? 'now' : 'iat'} and ${Math.round(exp - nowS)} s after now; SMART allows at most 300 s`,
        fix: 'Set exp no more than 300 s ahead.',
        spec: 'smart-client-assertion-claims',
      }),
    );
  }
  if (iat !== undefined && iat > nowS + 60) {
    out.push(
      makeFinding({
        id: 'assertion-clock-skew',
        severity: 'error',
        title: 'client assertion was issued in the future (clock skew)',
        detail: `iat is ${Math.round(iat - nowS)} s in the future`,
        fix: 'Synchronise this machine’s clock (NTP).',
        spec: 'smart-client-assertion-claims',
      }),
    );
  }
  return out;
}

export function jtiPresent(token: DecodedJwt): Finding[] {
  if (claimString(token.payload, 'jti') !== undefined) return [];
  return [makeFinding({ id: 'assertion-jti-missing', severity: 'error', title: 'client assertion has no jti', detail: 'jti: expected a unique string, got none', fix: 'Add a random jti to every assertion (servers refuse replays).', spec: 'smart-client-assertion-claims' })];
}

export function algAllowed(token: DecodedJwt, allowedAlgs: string[] | undefined): Finding[] {
  const alg = token.header['alg'];
  if (typeof alg !== 'string' || alg.toLowerCase() === 'none') return [];
  if (SMART_ASSERTION_ALGS.includes(alg)) return [];
  const serverAllows = allowedAlgs?.includes(alg) === true;
  return [
    makeFinding({
      id: 'assertion-alg-unsupported',
      severity: serverAllows ? 'warning' : 'error',
      title: `client assertion alg ${alg} is not RS384 or ES384`,
      detail: `alg: expected RS384 or ES384, got "${alg}"${serverAllows ? ' (the server metadata lists it, so this server may accept it)' : ''}`,
      fix: 'Sign with RS384 or ES384, which every SMART server must accept.',
      spec: 'smart-client-assertion-claims',
    }),
  ];
}

export function kidPresent(token: DecodedJwt): Finding[] {
  if (typeof token.header['kid'] === 'string') return [];
  return [makeFinding({ id: 'assertion-kid-missing', severity: 'warning', title: 'client assertion header has no kid', detail: 'kid: expected the key id of your registered JWK, got none', fix: 'Set kid to the kid of the registered public key; servers use it to pick the key.', spec: 'smart-client-assertion-claims' })];
}

export function lintClientAssertion(token: DecodedJwt, expect: ClientAssertionExpectations): Finding[] {
  return [
    ...claimsNotTooDeep(token, 'client assertion'),
    ...algNone(token, 'client assertion'),
    ...algAllowed(token, expect.allowedAlgs),
    ...kidPresent(token),
    ...issEqualsSub(token, expect.clientId),
    ...audIsTokenEndpoint(token, expect.tokenEndpoint),
    ...lifetime(token, expect.now),
    ...jtiPresent(token),
  ];
}
