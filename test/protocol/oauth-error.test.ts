import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseAuthParams, parseOAuthError, parseVendorErrorUri, parseWwwAuthenticate } from '../../src/protocol/oauth-error.js';

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

test('vendor error_uri: the Cerner seed case decodes its URN, instance and client', () => {
  const v = parseVendorErrorUri('https://authorization.cerner.com/errors/urn%3Acerner%3Aerror%3Aauthorization-server%3Aoauth2%3Atoken%3Ainvalid-authorization-header/instances/8f1c?client=unknown&tenant=ec2458f2');
  assert.deepEqual(v, { urn: 'urn:cerner:error:authorization-server:oauth2:token:invalid-authorization-header', instance: '8f1c', client: 'unknown', tenant: 'ec2458f2', persona: undefined });
  assert.equal(parseVendorErrorUri('https://example.com/docs/errors'), undefined);
  assert.equal(parseVendorErrorUri('https://example.com/errors/%E0%A4%A'), undefined);
  assert.equal(parseVendorErrorUri('not a url'), undefined);
  assert.equal(parseVendorErrorUri(undefined), undefined);
});

test('property: parseVendorErrorUri never throws and only returns URNs', () => {
  const uri = fc.oneof(fc.string(), fc.webUrl(), fc.string().map((s) => `https://a.example/errors/${s}/instances/x?client=${encodeURIComponent(s)}`), fc.string().map((s) => `https://a.example/errors/${encodeURIComponent(`urn:${s}`)}`));
  fc.assert(fc.property(uri, (u) => {
    const v = parseVendorErrorUri(u);
    return v === undefined || v.urn.toLowerCase().startsWith('urn:');
  }), { numRuns: 2000 });
});
