import { test } from 'node:test';
import assert from 'node:assert/strict';
import { accessTokenRow, describeAccessToken, jwtClaimSections } from '../../src/protocol/token-view.js';
import { readableClaim } from '../../src/protocol/jwt/time-claims.js';
import { NOW, NOW_S, unsignedJwt } from '../helpers/jwt.js';

test('the access_token line: type, length, and for a JWT its exp as a date with the time left', () => {
  const jwt = unsignedJwt({ iss: 'https://ehr', exp: NOW_S + 3600, scope: 'patient/*.rs' });
  assert.equal(describeAccessToken(jwt, 'Bearer', NOW), `Bearer, ${jwt.length} characters, JWT, exp ${NOW_S + 3600}  2026-06-01T13:00:00.000Z (expires in 60 min)`);
  assert.equal(describeAccessToken(unsignedJwt({ exp: NOW_S - 7200 }), 'bearer', NOW).endsWith('(expired 2 h ago)'), true);
  assert.equal(describeAccessToken(unsignedJwt({ sub: 'x' }), 'Bearer', NOW).endsWith('JWT without exp'), true);
  assert.equal(describeAccessToken('abc123abc123', undefined, NOW), 'no token_type, 12 characters, opaque, not a JWT');
  const row = accessTokenRow('abc123abc123', 'Bearer', NOW);
  assert.deepEqual(row, ['access_token', 'abc123abc123  (Bearer, 12 characters, opaque, not a JWT)']);
});

test('claims of a JWT token get readable times (as decode shows them); an opaque token has no claims section', () => {
  const jwt = unsignedJwt({ iat: NOW_S - 30, exp: NOW_S + 300, auth_time: NOW_S - 30, sub: 'u' });
  const [section] = jwtClaimSections('access_token', jwt, NOW);
  assert.equal(section?.title, 'access_token: claims');
  assert.deepEqual(section?.rows, [
    ['iat', `${NOW_S - 30}  2026-06-01T11:59:30.000Z (30 s ago)`],
    ['exp', `${NOW_S + 300}  2026-06-01T12:05:00.000Z (expires in 5 min)`],
    ['auth_time', `${NOW_S - 30}  2026-06-01T11:59:30.000Z (30 s ago)`],
    ['sub', 'u'],
  ]);
  assert.deepEqual(jwtClaimSections('access_token', 'opaque-token', NOW), []);
  assert.equal(readableClaim('exp', 1e13, NOW), '10000000000000  (outside the range of dates)');
});
