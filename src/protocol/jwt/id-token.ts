// id_token rules (OpenID Connect Core §2, §3.1.3.7; SMART scopes-and-launch-context fhirUser).
import { makeFinding, type Finding } from '../../report/finding.js';
import { algNone, audContains, claimsNotTooDeep, fhirUserFormat, issMatches, subPresent } from './claims.js';
import { audiences, claimString, type DecodedJwt } from './decode.js';
import { lintTimeClaims } from './time-claims.js';

export interface IdTokenExpectations {
  issuer?: string | undefined;
  clientId?: string | undefined;
  nonce?: string | undefined;
  now: Date;
  maxSkewSeconds?: number | undefined;
}

function nonceMatches(token: DecodedJwt, expected: string | undefined): Finding[] {
  if (expected === undefined) return [];
  const nonce = claimString(token.payload, 'nonce');
  if (nonce === expected) return [];
  return [
    makeFinding({
      id: 'id-token-nonce-mismatch',
      severity: 'error',
      title: 'id_token nonce does not match the nonce sent',
      detail: nonce === undefined ? `nonce: expected "${expected}", got none` : `nonce: expected "${expected}", got "${nonce}"`,
      fix: 'Echo the nonce from the authorize request in the id_token; an app must reject a token without it (replay protection).',
      spec: 'oidc-nonce',
    }),
  ];
}

function azpWithSeveralAudiences(token: DecodedJwt, clientId: string | undefined): Finding[] {
  const aud = audiences(token.payload);
  if (clientId === undefined || aud.length < 2) return [];
  const azp = claimString(token.payload, 'azp');
  if (azp === clientId) return [];
  return [
    makeFinding({
      id: 'id-token-aud-azp-mismatch',
      severity: 'warning',
      title: 'id_token has several audiences but azp is not the client',
      detail: `aud has ${aud.length} values; azp: expected "${clientId}", got ${azp === undefined ? 'none' : `"${azp}"`}`,
      fix: 'Set azp to the client id when aud lists more than one audience.',
      spec: 'oidc-id-token',
    }),
  ];
}

/** The id_token names of the generic JWT problems (failure catalog: id-token-aud-azp-mismatch, id-token-clock-skew). */
const ID_TOKEN_IDS: Readonly<Record<string, string>> = { 'jwt-aud-mismatch': 'id-token-aud-azp-mismatch', 'jwt-iat-in-future': 'id-token-clock-skew' };

export function lintIdToken(token: DecodedJwt, expect: IdTokenExpectations): Finding[] {
  return idTokenRules(token, expect).map((f) => ({ ...f, id: ID_TOKEN_IDS[f.id] ?? f.id }));
}

function idTokenRules(token: DecodedJwt, expect: IdTokenExpectations): Finding[] {
  return [
    ...claimsNotTooDeep(token, 'id_token'),
    ...algNone(token, 'id_token'),
    ...issMatches(token, expect.issuer, 'id_token'),
    ...subPresent(token, 'id_token'),
    ...audContains(token, expect.clientId, 'id_token', 'The id_token aud must contain your client id: check which client id the app registered and sends.'),
    ...azpWithSeveralAudiences(token, expect.clientId),
    ...lintTimeClaims(token.payload, expect.now, 'id_token', expect.maxSkewSeconds),
    ...nonceMatches(token, expect.nonce),
    ...fhirUserFormat(token),
  ];
}
