import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { checkTokenResponse } from '../../src/protocol/token-response.js';

test('a conformant response: no findings; token_type compared case-insensitively', () => {
  const r = checkTokenResponse({ access_token: 'a', token_type: 'bearer', expires_in: 3600, scope: 'openid fhirUser' });
  assert.deepEqual(r.findings, []);
  assert.equal(r.parsed?.access_token, 'a');
});

test('missing access_token, wrong token_type, missing scope and expires_in', () => {
  const ids = checkTokenResponse({ token_type: 'mac' }, { requestedScope: 'openid' }).findings.map((f) => f.id);
  assert.deepEqual(ids, ['token-response-no-access-token', 'token-response-token-type', 'token-response-no-expires-in', 'token-response-no-scope']);
});

test('expires_in as a string is a nonconformant shape (Azure AD behind a proxy)', () => {
  const f = checkTokenResponse({ access_token: 'a', token_type: 'Bearer', expires_in: '4910', scope: 'user_impersonation' }).findings;
  assert.deepEqual(f.map((x) => x.id), ['token-response-nonconformant-shape']);
  assert.match(f[0]?.detail ?? '', /"4910"/);
});

test('not an object: nonconformant shape, no parsed value', () => {
  for (const v of [null, 'x', 3, [1]]) {
    const r = checkTokenResponse(v);
    assert.equal(r.parsed, undefined);
    assert.deepEqual(r.findings.map((x) => x.id), ['token-response-nonconformant-shape']);
  }
});

test('property: any JSON value gives well-formed findings, never a throw', () => {
  fc.assert(
    fc.property(fc.oneof(fc.jsonValue(), fc.record({ access_token: fc.jsonValue(), token_type: fc.jsonValue(), expires_in: fc.jsonValue(), scope: fc.jsonValue() }, { requiredKeys: [] })), (v) => {
      const r = checkTokenResponse(v);
      return r.findings.every((f) => /^[a-z0-9-]+$/.test(f.id) && f.detail.length > 0);
    }),
  );
});
