import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { applyClientAuth, basicCredentials } from '../../../src/protocol/client-auth/index.js';
import { CLIENT_ASSERTION_TYPE } from '../../../src/protocol/client-auth/private-key-jwt.js';

test('none: client_id in the body, no Authorization header', () => {
  assert.deepEqual(applyClientAuth('none', { clientId: 'app' }), { headers: {}, params: { client_id: 'app' } });
});

test('client_secret_basic: RFC 6749 §2.3.1 form-encodes id and secret before base64', () => {
  const r = applyClientAuth('client_secret_basic', { clientId: 'my app', clientSecret: 'p@ss:word/+' });
  assert.deepEqual(r.params, {});
  const decoded = Buffer.from((r.headers['authorization'] ?? '').replace(/^Basic /, ''), 'base64').toString('utf8');
  assert.equal(decoded, 'my+app:p%40ss%3Aword%2F%2B');
});

test('client_secret_post: id and secret in the body', () => {
  assert.deepEqual(applyClientAuth('client_secret_post', { clientId: 'app', clientSecret: 's' }), { headers: {}, params: { client_id: 'app', client_secret: 's' } });
});

test('private_key_jwt: client_assertion_type and client_assertion in the body, never a header', () => {
  const r = applyClientAuth('private_key_jwt', { clientId: 'app', assertion: 'h.p.s' });
  assert.deepEqual(r, { headers: {}, params: { client_assertion_type: CLIENT_ASSERTION_TYPE, client_assertion: 'h.p.s' } });
  assert.equal(CLIENT_ASSERTION_TYPE, 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
});

test('private_key_jwt with assertionInHeader reproduces the Bearer mistake', () => {
  assert.equal(applyClientAuth('private_key_jwt', { clientId: 'app', assertion: 'h.p.s', assertionInHeader: true }).headers['authorization'], 'Bearer h.p.s');
});

test('property: Basic credentials decode back to the form-encoded id and secret', () => {
  fc.assert(
    fc.property(fc.string(), fc.string(), (id, secret) => {
      const [a, b, ...rest] = Buffer.from(basicCredentials(id, secret), 'base64').toString('utf8').split(':');
      const dec = (s: string | undefined): string => decodeURIComponent((s ?? '').replace(/\+/g, ' '));
      return rest.length === 0 && dec(a) === id && dec(b) === secret;
    }),
  );
});
