// Access tokens are opaque to clients (RFC 6749 §1.4), but when one is a JWT its
// time claims explain 401s (failure catalog fhir-401-expired-token).
import { makeFinding, type Finding } from '../../report/finding.js';
import { algNone, claimsNotTooDeep } from './claims.js';
import { audiences, type DecodedJwt } from './decode.js';
import { lintTimeClaims } from './time-claims.js';

export interface AccessTokenExpectations {
  now: Date;
  /** The FHIR base the token is meant for. */
  audience?: string | undefined;
}

export function lintAccessToken(token: DecodedJwt, expect: AccessTokenExpectations): Finding[] {
  const out = [...claimsNotTooDeep(token, 'access token'), ...algNone(token, 'access token'), ...lintTimeClaims(token.payload, expect.now, 'access token')];
  const aud = audiences(token.payload);
  if (expect.audience !== undefined && aud.length > 0 && !aud.includes(expect.audience)) {
    out.push(
      makeFinding({
        id: 'access-token-aud-mismatch',
        severity: 'warning',
        title: 'access token aud is not the FHIR server',
        detail: `aud: expected "${expect.audience}", got ${aud.map((a) => `"${a}"`).join(', ')}; FHIR servers answer 401 "invalid audience"`,
        fix: 'Request the token for the FHIR server (aud parameter = FHIR base).',
        spec: 'smart-authorize-params',
      }),
    );
  }
  return out;
}
