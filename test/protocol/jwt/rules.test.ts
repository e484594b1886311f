import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeJwt, type DecodedJwt } from '../../../src/protocol/jwt/decode.js';
import { lintIdToken } from '../../../src/protocol/jwt/id-token.js';
import { lintClientAssertion } from '../../../src/protocol/jwt/client-assertion.js';
import { lintAccessToken } from '../../../src/protocol/jwt/access-token.js';
import { detectProfile } from '../../../src/protocol/jwt/profile.js';
import { relativeTime } from '../../../src/protocol/jwt/time-claims.js';
import { NOW, NOW_S, unsignedJwt } from '../../helpers/jwt.js';

const jwt = (payload: Record<string, unknown>, header?: Record<string, unknown>): DecodedJwt => decodeJwt(unsignedJwt(payload, header)) as DecodedJwt;
const ids = (f: Array<{ id: string }>): string[] => f.map((x) => x.id).sort();

const goodId = { iss: 'https://ehr/oidc', sub: 'u1', aud: 'app', exp: NOW_S + 300, iat: NOW_S - 10, nonce: 'n1', fhirUser: 'https://ehr/fhir/Practitioner/p1' };
const expectId = { issuer: 'https://ehr/oidc', clientId: 'app', nonce: 'n1', now: NOW };

test('a good id_token has no findings', () => {
  assert.deepEqual(lintIdToken(jwt(goodId), expectId), []);
});

test('id_token rules each fire on their own problem', () => {
  assert.deepEqual(ids(lintIdToken(jwt(goodId, { alg: 'none' }), expectId)), ['jwt-alg-none']);
  assert.deepEqual(ids(lintIdToken(jwt({ ...goodId, exp: NOW_S - 5 }), expectId)), ['jwt-expired']);
  assert.deepEqual(ids(lintIdToken(jwt({ ...goodId, nbf: NOW_S + 600 }), expectId)), ['jwt-not-yet-valid']);
  assert.deepEqual(ids(lintIdToken(jwt({ ...goodId, aud: 'other' }), expectId)), ['id-token-aud-azp-mismatch']);
  assert.deepEqual(ids(lintIdToken(jwt({ ...goodId, iss: 'https://ehr/oidc/' }), expectId)), ['jwt-iss-mismatch']);
  assert.deepEqual(ids(lintIdToken(jwt({ ...goodId, sub: undefined }), expectId)), ['jwt-sub-missing']);
  assert.deepEqual(ids(lintIdToken(jwt({ ...goodId, nonce: 'n2' }), expectId)), ['id-token-nonce-mismatch']);
  assert.deepEqual(ids(lintIdToken(jwt({ ...goodId, fhirUser: 'Observation/1' }), expectId)), ['fhiruser-claim-malformed']);
  assert.deepEqual(ids(lintIdToken(jwt({ ...goodId, aud: ['app', 'x'] }), expectId)), ['id-token-aud-azp-mismatch']);
  assert.deepEqual(lintIdToken(jwt({ ...goodId, fhirUser: 'PractitionerRole/r-1' }), expectId), []);
});

test('iat in the future reports the skew in seconds', () => {
  const f = lintIdToken(jwt({ ...goodId, iat: NOW_S + 612 }), expectId);
  assert.deepEqual(ids(f), ['id-token-clock-skew']);
  assert.match(f[0]?.detail ?? '', /612 s in the future/);
});

const goodAssertion = { iss: 'app', sub: 'app', aud: 'https://ehr/token', exp: NOW_S + 240, iat: NOW_S, jti: 'j1' };
const expectA = { clientId: 'app', tokenEndpoint: 'https://ehr/token', now: NOW };

test('a good client assertion has no findings', () => {
  assert.deepEqual(lintClientAssertion(jwt(goodAssertion, { alg: 'ES384', kid: 'k' }), expectA), []);
});

test('client assertion rules', () => {
  const h = { alg: 'ES384', kid: 'k' };
  assert.deepEqual(ids(lintClientAssertion(jwt({ ...goodAssertion, sub: 'other' }, h), expectA)), ['assertion-iss-sub-mismatch']);
  assert.deepEqual(ids(lintClientAssertion(jwt({ ...goodAssertion, iss: 'x', sub: 'x' }, h), expectA)), ['assertion-iss-sub-mismatch']);
  assert.deepEqual(ids(lintClientAssertion(jwt({ ...goodAssertion, aud: 'https://ehr/fhir' }, h), expectA)), ['assertion-aud-mismatch']);
  assert.deepEqual(ids(lintClientAssertion(jwt({ ...goodAssertion, aud: 'https://ehr/fhir' }, h), { now: NOW })), []);
  assert.deepEqual(ids(lintClientAssertion(jwt({ ...goodAssertion, aud: 'urn:x' }, h), { now: NOW })), ['assertion-aud-not-https-url']);
  assert.deepEqual(ids(lintClientAssertion(jwt({ ...goodAssertion, exp: NOW_S + 3600 }, h), expectA)), ['assertion-exp-too-long']);
  assert.deepEqual(ids(lintClientAssertion(jwt({ ...goodAssertion, jti: undefined }, h), expectA)), ['assertion-jti-missing']);
  assert.deepEqual(ids(lintClientAssertion(jwt(goodAssertion, { alg: 'RS256', kid: 'k' }), expectA)), ['assertion-alg-unsupported']);
  assert.equal(lintClientAssertion(jwt(goodAssertion, { alg: 'RS256', kid: 'k' }), { ...expectA, allowedAlgs: ['RS256'] })[0]?.severity, 'warning');
  assert.deepEqual(ids(lintClientAssertion(jwt(goodAssertion, { alg: 'ES384' }), expectA)), ['assertion-kid-missing']);
  assert.deepEqual(ids(lintClientAssertion(jwt({ ...goodAssertion, exp: NOW_S - 1, iat: NOW_S - 100 }, h), expectA)), ['assertion-expired']);
  assert.deepEqual(ids(lintClientAssertion(jwt({ ...goodAssertion, iat: NOW_S + 120, exp: NOW_S + 200 }, h), expectA)), ['assertion-clock-skew']);
});

test('access token: expiry and audience', () => {
  assert.deepEqual(ids(lintAccessToken(jwt({ exp: NOW_S - 1, aud: 'https://ehr/fhir' }), { now: NOW, audience: 'https://ehr/fhir' })), ['jwt-expired']);
  assert.deepEqual(ids(lintAccessToken(jwt({ exp: NOW_S + 100, aud: 'https://other' }), { now: NOW, audience: 'https://ehr/fhir' })), ['access-token-aud-mismatch']);
});

test('profile detection and relative time', () => {
  assert.equal(detectProfile(jwt(goodAssertion)), 'client-assertion');
  assert.equal(detectProfile(jwt(goodId)), 'id-token');
  assert.equal(detectProfile(jwt({ scope: 'x', exp: 1 })), 'access-token');
  assert.equal(detectProfile(jwt({ foo: 1 })), undefined);
  assert.equal(relativeTime(NOW_S - 3 * 3600, NOW), '3 h ago');
  assert.equal(relativeTime(NOW_S + 300, NOW), 'in 5 min');
});

test('generic time rules: exp of the wrong type, iat in the future (access token names)', () => {
  assert.deepEqual(ids(lintAccessToken(jwt({ exp: '2030-01-01' }), { now: NOW })), ['jwt-claim-type']);
  const f = lintAccessToken(jwt({ exp: NOW_S + 900, iat: NOW_S + 400 }), { now: NOW });
  assert.deepEqual(ids(f), ['jwt-iat-in-future']);
  assert.match(f[0]?.detail ?? '', /400 s in the future/);
  assert.deepEqual(lintAccessToken(jwt({ exp: NOW_S + 900, iat: NOW_S + 30 }), { now: NOW }), [], 'within the allowed skew');
});

test('a client assertion without exp', () => {
  assert.deepEqual(ids(lintClientAssertion(jwt({ ...goodAssertion, exp: undefined }, { alg: 'ES384', kid: 'k' }), expectA)), ['assertion-exp-missing']);
});
