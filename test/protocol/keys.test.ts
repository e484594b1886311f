import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { generateKeyPairSync } from 'node:crypto';
import path from 'node:path';
import fc from 'fast-check';
import { loadPrivateKey, parseJwks, publicJwks } from '../../src/protocol/keys.js';
import { buildClientAssertion } from '../../src/protocol/client-auth/private-key-jwt.js';
import { decodeJwt, type DecodedJwt } from '../../src/protocol/jwt/decode.js';
import { verifySignature } from '../../src/protocol/jwt/verify.js';
import { isSmartctlError } from '../../src/errors.js';
import { REPO_ROOT } from '../helpers/run-cli.js';
import { NOW } from '../helpers/jwt.js';

const key = (name: string): string => readFileSync(path.join(REPO_ROOT, 'fixtures/keys', name), 'utf8');
const isInputOrUsage = (e: unknown): boolean => isSmartctlError(e) && (e.kind === 'input' || e.kind === 'usage');

test('alg is derived from every key form', async () => {
  assert.equal((await loadPrivateKey(key('rsa.pkcs8.pem'))).alg, 'RS384');
  assert.equal((await loadPrivateKey(key('rsa.pkcs1.pem'))).alg, 'RS384');
  assert.equal((await loadPrivateKey(key('ec384.sec1.pem'))).alg, 'ES384');
  assert.equal((await loadPrivateKey(key('ec256.pkcs8.pem'))).alg, 'ES256');
  assert.equal((await loadPrivateKey(key('ec384.private.jwk.json'))).kid, 'ec384');
  assert.equal((await loadPrivateKey(key('private.jwks.json'), { kid: 'rsa' })).alg, 'RS384');
});

test('kid defaults to the RFC 7638 thumbprint and the public JWK has no private members', async () => {
  const k = await loadPrivateKey(key('ec384.pkcs8.pem'));
  assert.match(k.kid, /^[A-Za-z0-9_-]{43}$/);
  assert.equal((k.publicJwk as Record<string, unknown>)['d'], undefined);
  assert.equal(publicJwks(k).keys[0]?.use, 'sig');
});

test('key errors: mismatched --alg, JWKS needing --kid, public keys, truncated PEM', async () => {
  await assert.rejects(loadPrivateKey(key('ec384.pkcs8.pem'), { alg: 'RS384' }), (e: unknown) => isSmartctlError(e) && e.code === 'alg-key-mismatch');
  await assert.rejects(loadPrivateKey(key('private.jwks.json')), (e: unknown) => isSmartctlError(e) && e.code === 'kid-required');
  await assert.rejects(loadPrivateKey(key('private.jwks.json'), { kid: 'nope' }), (e: unknown) => isSmartctlError(e) && e.code === 'kid-not-found');
  await assert.rejects(loadPrivateKey(key('public.jwks.json')), (e: unknown) => isSmartctlError(e) && e.code === 'key-not-private');
  await assert.rejects(loadPrivateKey(key('ec384.public.pem')), (e: unknown) => isSmartctlError(e) && e.code === 'key-not-private');
  const pem = key('rsa.pkcs8.pem');
  await assert.rejects(loadPrivateKey(pem.slice(0, pem.length / 2)), (e: unknown) => isSmartctlError(e) && e.code === 'pem-malformed');
});

test('parseJwks rejects what is not a key set', () => {
  assert.throws(() => parseJwks('{"keys":[]}'), (e: unknown) => isSmartctlError(e) && e.code === 'jwks-empty');
  assert.throws(() => parseJwks('{"k":1}'), (e: unknown) => isSmartctlError(e) && e.code === 'jwks-malformed');
  assert.throws(() => parseJwks('nope'), (e: unknown) => isSmartctlError(e) && e.code === 'json-malformed');
  assert.equal(parseJwks(key('public.jwks.json')).keys.length, 2);
});

test('a built assertion verifies against the public JWKS; another key does not', async () => {
  const k = await loadPrivateKey(key('ec384.private.jwk.json'));
  const assertion = await buildClientAssertion({ key: k, clientId: 'app', tokenEndpoint: 'https://ehr/token', now: NOW });
  const decoded = decodeJwt(assertion) as DecodedJwt;
  assert.equal(decoded.payload['iss'], 'app');
  assert.equal(decoded.payload['exp'], Math.floor(NOW.getTime() / 1000) + 300);
  assert.equal((await verifySignature(decoded, parseJwks(key('public.jwks.json')))).verified, true);
  const fresh = generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
  const other = await loadPrivateKey(fresh, { kid: 'ec384' });
  const forged = decodeJwt(await buildClientAssertion({ key: other, clientId: 'app', tokenEndpoint: 'x', now: NOW })) as DecodedJwt;
  assert.deepEqual((await verifySignature(forged, parseJwks(key('public.jwks.json')))).findings.map((f) => f.id), ['jwt-signature-invalid']);
  const noKid = decodeJwt(await buildClientAssertion({ key: { ...k, kid: 'zzz' }, clientId: 'a', tokenEndpoint: 'x', now: NOW })) as DecodedJwt;
  assert.deepEqual((await verifySignature(noKid, parseJwks(key('public.jwks.json')))).findings.map((f) => f.id), ['jwt-kid-not-in-jwks']);
});

test('property: key text of any shape loads or is rejected with our error', async () => {
  const pem = key('ec384.pkcs8.pem');
  const jwk = key('ec384.private.jwk.json');
  const mutate = (base: string) => fc.tuple(fc.nat(base.length - 1), fc.string({ maxLength: 4 }), fc.nat(8)).map(([i, s, cut]) => base.slice(0, i) + s + base.slice(i + cut));
  await fc.assert(
    fc.asyncProperty(fc.oneof(fc.string(), mutate(pem), mutate(jwk), fc.jsonValue().map((v) => JSON.stringify(v))), async (text) => {
      try {
        await loadPrivateKey(text);
      } catch (e) {
        if (!isInputOrUsage(e)) throw e;
      }
      try {
        parseJwks(text);
      } catch (e) {
        if (!isInputOrUsage(e)) throw e;
      }
    }),
    { numRuns: 1500 },
  );
});

test('verify: no kid with several keys, no kid with one key, alg none', async () => {
  const k = await loadPrivateKey(key('ec384.private.jwk.json'));
  const { SignJWT } = await import('jose');
  const unkeyed = decodeJwt(await new SignJWT({ iss: 'a' }).setProtectedHeader({ alg: 'ES384' }).sign(k.privateKey)) as DecodedJwt;
  assert.deepEqual((await verifySignature(unkeyed, parseJwks(key('public.jwks.json')))).findings.map((f) => f.id), ['jwt-kid-missing']);
  const single = await verifySignature(unkeyed, publicJwks(k));
  assert.equal(single.verified, true, 'one key in the set: no kid is needed');
  const none = decodeJwt(`${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"iss":"a"}').toString('base64url')}.`) as DecodedJwt;
  const outcome = await verifySignature(none, parseJwks(key('public.jwks.json')));
  assert.equal(outcome.verified, false);
  assert.deepEqual(outcome.findings.map((f) => f.id), ['jwt-alg-none']);
});
