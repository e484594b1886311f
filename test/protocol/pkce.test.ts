import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createPkce, randomToken, s256 } from '../../src/protocol/pkce.js';

test('RFC 7636 Appendix B: the S256 challenge of the example verifier', () => {
  assert.equal(s256('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk'), 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
});

test('createPkce: verifier of 43..128 unreserved characters, challenge = S256(verifier)', () => {
  for (let i = 0; i < 20; i++) {
    const p = createPkce();
    assert.match(p.verifier, /^[A-Za-z0-9\-._~]{43,128}$/);
    assert.equal(p.challenge, s256(p.verifier));
    assert.equal(p.method, 'S256');
  }
  assert.notEqual(createPkce().verifier, createPkce().verifier);
});

test('randomToken: base64url, at least 128 bits', () => {
  const t = randomToken();
  assert.match(t, /^[A-Za-z0-9_-]{32}$/);
});

test('property: the S256 challenge is always 43 base64url characters', () => {
  fc.assert(fc.property(fc.string({ minLength: 43, maxLength: 128 }), (v) => /^[A-Za-z0-9_-]{43}$/.test(s256(v))));
});
