// Claim rules shared by the profiles: alg, sub, iss, aud, fhirUser.
import { makeFinding, type Finding } from '../../report/finding.js';
import { MAX_JSON_DEPTH } from '../json-depth.js';
import { audiences, claimString, type DecodedJwt } from './decode.js';

/** A header or claims nested deeper than anything real: shown cut, and a finding (the issuer is broken or hostile). */
export function claimsNotTooDeep(token: DecodedJwt, what: string): Finding[] {
  if (token.tooDeep !== true) return [];
  return [
    makeFinding({
      id: 'jwt-claims-too-deep',
      severity: 'error',
      title: `${what} nests JSON deeper than ${MAX_JSON_DEPTH} levels`,
      detail: `the header or claims hold values nested more than ${MAX_JSON_DEPTH} levels deep; they are shown cut at that depth`,
      fix: 'Issue flat claims (strings, numbers, short arrays); no consumer needs this depth, and some crash on it.',
    }),
  ];
}

export function algNone(token: DecodedJwt, what: string): Finding[] {
  const alg = token.header['alg'];
  if (typeof alg === 'string' && alg.toLowerCase() !== 'none') return [];
  return [
    makeFinding({
      id: 'jwt-alg-none',
      severity: 'error',
      title: `${what} is not signed (alg ${JSON.stringify(alg ?? null)})`,
      detail: `header alg: expected a signature algorithm, got ${JSON.stringify(alg ?? null)}; anyone can forge such a token`,
      fix: 'Sign the token (RS256 for id_tokens, RS384/ES384 for client assertions) and reject unsigned tokens.',
      spec: 'rfc7515-alg',
    }),
  ];
}

export function subPresent(token: DecodedJwt, what: string): Finding[] {
  if (claimString(token.payload, 'sub') !== undefined) return [];
  return [
    makeFinding({
      id: 'jwt-sub-missing',
      severity: 'error',
      title: `${what} has no sub`,
      detail: `sub: expected a string, got ${JSON.stringify(token.payload['sub'] ?? null)}`,
      fix: 'Issue tokens with a sub claim.',
      spec: 'oidc-id-token',
    }),
  ];
}

export function issMatches(token: DecodedJwt, expected: string | undefined, what: string): Finding[] {
  if (expected === undefined) return [];
  const iss = claimString(token.payload, 'iss');
  if (iss === expected) return [];
  return [
    makeFinding({
      id: 'jwt-iss-mismatch',
      severity: 'error',
      title: `${what} iss is not the expected issuer`,
      detail: `iss: expected "${expected}", got ${iss === undefined ? 'none' : `"${iss}"`} (exact string comparison)`,
      fix: 'Use the issuer from the server metadata exactly; the token must carry the same string.',
      spec: 'oidc-id-token-validation',
    }),
  ];
}

export function audContains(token: DecodedJwt, expected: string | undefined, what: string, fix: string): Finding[] {
  if (expected === undefined) return [];
  const aud = audiences(token.payload);
  if (aud.includes(expected)) return [];
  return [
    makeFinding({
      id: 'jwt-aud-mismatch',
      severity: 'error',
      title: `${what} aud does not name the expected audience`,
      detail: `aud: expected "${expected}", got ${aud.length === 0 ? 'none' : aud.map((a) => `"${a}"`).join(', ')}`,
      fix,
      spec: 'oidc-id-token-validation',
    }),
  ];
}

const FHIR_USER_TYPES = ['Patient', 'Practitioner', 'PractitionerRole', 'RelatedPerson', 'Person'];
const FHIR_USER_REFERENCE = new RegExp(`(^|/)(${FHIR_USER_TYPES.join('|')})/[A-Za-z0-9\\-.]{1,64}$`);

/** fhirUser (or the older profile claim) is an absolute or relative URL of one of five resource types. */
export function fhirUserFormat(token: DecodedJwt): Finding[] {
  const out: Finding[] = [];
  for (const claim of ['fhirUser', 'profile'] as const) {
    const value = token.payload[claim];
    if (value === undefined) continue;
    if (typeof value === 'string' && FHIR_USER_REFERENCE.test(value) && (!value.includes('://') || URL.canParse(value))) continue;
    out.push(
      makeFinding({
        id: 'fhiruser-claim-malformed',
        severity: claim === 'fhirUser' ? 'error' : 'warning',
        title: `${claim} is not a FHIR resource URL of a user type`,
        detail: `${claim}: expected an absolute or relative URL of ${FHIR_USER_TYPES.join('/')} (e.g. "Practitioner/123"), got ${JSON.stringify(value)}`,
        fix: `Issue ${claim} as a URL to the user's FHIR resource.`,
        spec: 'smart-fhiruser',
      }),
    );
  }
  return out;
}
