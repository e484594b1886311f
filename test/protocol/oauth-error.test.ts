import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseAuthParams, parseOAuthError, parseWwwAuthenticate } from '../../src/protocol/oauth-error.js';

test('JSON, form and wrapped error bodies', () => {
  assert.deepEqual(parseOAuthError('{"error":"invalid_client","error_description":"bad"}'), { error: 'invalid_client', error_description: 'bad', error_uri: undefined });
  assert.equal(parseOAuthError('error=access_denied&state=x')?.error, 'access_denied');
  assert.equal(parseOAuthError('{"code":403,"message":"code=\\"x\\", error=\\"insufficient_scope\\""}')?.error, 'insufficient_scope');
  assert.equal(parseOAuthError('<html>oops</html>'), undefined);
  assert.equal(parseOAuthError('{"ok":true}'), undefined);
});

test('WWW-Authenticate challenges', () => {
  const c = parseWwwAuthenticate('Bearer realm="x", error="invalid_token", error_description="The token \\"expired\\""');
  assert.equal(c?.scheme, 'Bearer');
  assert.equal(c?.params['error'], 'invalid_token');
  assert.equal(c?.params['error_description'], 'The token "expired"');
  assert.deepEqual(parseAuthParams('scope=patient/x.rs'), { scope: 'patient/x.rs' });
});

test('property: parsers never throw', () => {
  fc.assert(
    fc.property(fc.oneof(fc.string(), fc.jsonValue().map((v) => JSON.stringify(v))), (s) => {
      parseOAuthError(s);
      parseWwwAuthenticate(s);
      parseAuthParams(s);
    }),
    { numRuns: 3000 },
  );
});
