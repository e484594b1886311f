// Reading the bearer credential (RFC 6750 §2.1): a token, nothing, or malformed with a reason; never a crash.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { readBearer } from '../../../src/sandbox/fhir/bearer.js';

const none = new URLSearchParams();

test('Bearer <b64token>, any case of the scheme, surrounding spaces ignored', () => {
  assert.deepEqual(readBearer('Bearer abc.DEF-_~+/==', none), { kind: 'bearer', token: 'abc.DEF-_~+/==' });
  assert.deepEqual(readBearer('  bearer   tok  ', none), { kind: 'bearer', token: 'tok' });
});

test('no header, an empty one, or another scheme: no bearer credential', () => {
  assert.deepEqual(readBearer(undefined, none), { kind: 'none' });
  assert.deepEqual(readBearer('   ', none), { kind: 'none' });
  assert.deepEqual(readBearer('Basic dXNlcjpwYXNz', none), { kind: 'none' });
});

test('malformed: empty token, forbidden characters, token in the query, or both places', () => {
  assert.equal(readBearer('Bearer', none).kind, 'malformed');
  assert.equal(readBearer('Bearer a b', none).kind, 'malformed');
  assert.equal(readBearer('Bearer "quoted"', none).kind, 'malformed');
  assert.equal(readBearer('Bearer a=b', none).kind, 'malformed', '= only at the end');
  assert.equal(readBearer(undefined, new URLSearchParams('access_token=x')).kind, 'malformed');
  assert.equal(readBearer('Bearer x', new URLSearchParams('access_token=x')).kind, 'malformed');
});

test('property: any header gives none, a b64token, or malformed with a reason', () => {
  fc.assert(
    fc.property(fc.option(fc.string({ unit: 'binary' }), { nil: undefined }), fc.boolean(), (header, inQuery) => {
      const r = readBearer(header, new URLSearchParams(inQuery ? 'access_token=t' : ''));
      if (r.kind === 'bearer') assert.match(r.token, /^[A-Za-z0-9\-._~+/]+=*$/);
      else if (r.kind === 'malformed') assert.ok(r.reason.length > 0);
      else assert.equal(r.kind, 'none');
    }),
  );
});

test('property: every b64token round-trips through "Bearer <token>"', () => {
  const b64token = fc.tuple(fc.stringMatching(/^[A-Za-z0-9\-._~+/]{1,40}$/), fc.stringMatching(/^={0,2}$/)).map(([a, b]) => a + b);
  fc.assert(fc.property(b64token, (token) => assert.deepEqual(readBearer(`Bearer ${token}`, new URLSearchParams()), { kind: 'bearer', token })));
});
