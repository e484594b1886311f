import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeJwt } from '../../../src/protocol/jwt/decode.js';
import { isSmartctlError } from '../../../src/errors.js';
import { b64url, unsignedJwt } from '../../helpers/jwt.js';

test('a JWT decodes; "Bearer " and quotes are stripped', () => {
  const jwt = unsignedJwt({ sub: 'a' });
  const d = decodeJwt(`Bearer ${jwt}`);
  assert.equal(d.kind, 'jwt');
  if (d.kind === 'jwt') assert.equal(d.payload['sub'], 'a');
  assert.equal(decodeJwt(`"${jwt}"`).kind, 'jwt');
});

test('five parts are a JWE; no dots is opaque', () => {
  assert.equal(decodeJwt(`${b64url({ alg: 'RSA-OAEP', enc: 'A256GCM' })}.a.b.c.d`).kind, 'jwe');
  assert.equal(decodeJwt('2YotnFZFEjr1zCsicMWpAA').kind, 'opaque');
});

test('malformed JWTs are input errors with the malformed-jwt code', () => {
  for (const bad of ['eyJhbGc.xx.yy', `${b64url({ alg: 'x' })}.bm90IGpzb24.sig`, `${b64url({ a: 1 })}.${b64url([1])}.s`, `${b64url({ a: 1 })}.${b64url({})}`]) {
    assert.throws(() => decodeJwt(bad), (e: unknown) => isSmartctlError(e) && e.kind === 'input' && e.code === 'malformed-jwt', bad);
  }
  assert.throws(() => decodeJwt('   '), (e: unknown) => isSmartctlError(e) && e.code === 'token-empty');
});

test('property: any string decodes or is rejected with our input error', () => {
  const jwtish = fc.tuple(fc.string(), fc.string(), fc.string()).map(([a, b, c]) => `eyJ${a}.${b}.${c}`);
  const mutated = fc.tuple(fc.nat(200), fc.string({ maxLength: 3 })).map(([i, s]) => {
    const jwt = unsignedJwt({ sub: 'x', iat: 1 });
    return jwt.slice(0, i % jwt.length) + s + jwt.slice((i % jwt.length) + 1);
  });
  fc.assert(
    fc.property(fc.oneof(fc.string(), fc.string({ unit: "grapheme" }), jwtish, mutated), (input) => {
      try {
        decodeJwt(input);
      } catch (e) {
        if (!isSmartctlError(e) || e.kind !== 'input') throw e;
      }
    }),
    { numRuns: 5000 },
  );
});
