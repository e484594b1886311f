// The HAR writer over traces made here: the browser's callback as an entry, a failed
// exchange, the markers, and the marker read back by the classifier.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { restoreJwtMarkers } from '../../src/har/jwt-marker.js';
import { groupsToHar, lengthMask, traceToHar } from '../../src/har/write.js';
import { decodeJwt } from '../../src/protocol/jwt/decode.js';
import { Trace } from '../../src/report/trace.js';
import { assertValidHarDocument } from '../helpers/har.js';


const b64 = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');
const CODE = 'Zq8xW2vLp0RtY7uNcE4sKd';

function browserTrace(): Trace {
  const trace = new Trace();
  trace.addEvent({ at: '2026-01-01T00:00:00.000Z', name: 'listener-started', message: 'loopback listener on 127.0.0.1:5000' });
  trace.addExchange({ step: 'authorize.preflight', request: { method: 'GET', url: 'https://ehr.example/authorize?client_id=app&state=s1', headers: {} }, response: { status: 302, headers: { location: 'https://ehr.example/login' }, body: '' }, startedAt: '2026-01-01T00:00:01.000Z', durationMs: 12.5 });
  trace.addEvent({ at: '2026-01-01T00:00:09.000Z', name: 'callback', message: 'authorization code received', data: { url: `http://127.0.0.1:5000/callback?code=${CODE}&state=s1` } });
  trace.addExchange({ step: 'token', request: { method: 'POST', url: 'https://ehr.example/token', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `grant_type=authorization_code&code=${CODE}` }, startedAt: '2026-01-01T00:00:10.000Z', durationMs: 3, error: { code: 'connection-reset', message: 'ehr.example closed the connection (ECONNRESET)' } });
  return trace;
}

describe('traceToHar', () => {
  it("a browser run: the listener's callback is an entry, in order, its code masked; a failed exchange has status 0 and _error; valid HAR 1.2", async () => {
    const har = traceToHar(browserTrace().entries, { version: '9.9.9', command: 'launch', showSecrets: false });
    await assertValidHarDocument(har);
    const [preflight, callback, token] = har.log.entries;
    assert.equal(har.log.entries.length, 3);
    assert.equal(preflight?.response.redirectURL, 'https://ehr.example/login');
    assert.equal(preflight?.time, 12.5);
    assert.equal(callback?._step, 'callback');
    assert.equal(callback?.request.url, 'http://127.0.0.1:5000/callback?code=%5BREDACTED+22+chars%5D&state=s1');
    assert.deepEqual(callback?.request.queryString, [{ name: 'code', value: '[REDACTED 22 chars]' }, { name: 'state', value: 's1' }]);
    assert.equal(token?.response.status, 0);
    assert.match(token?.response._error ?? '', /^connection-reset: /);
    assert.deepEqual(token?.request.postData?.params, [{ name: 'grant_type', value: 'authorization_code' }, { name: 'code', value: '[REDACTED 22 chars]' }]);
    assert.equal(JSON.stringify(har).includes(CODE), false);
    assert.match(har.log.pages[0]?.comment ?? '', /listener-started/);
    assert.equal(har.log.creator.version, '9.9.9');
  });

  it('--show-secrets keeps the code; a callback the client delivered itself (headless) is not doubled', () => {
    const trace = browserTrace();
    assert.equal(JSON.stringify(traceToHar(trace.entries, { version: 'x', command: 'launch', showSecrets: true })).includes(CODE), true);
    trace.addExchange({ step: 'callback', request: { method: 'GET', url: `http://127.0.0.1:5000/callback?code=${CODE}&state=s1`, headers: {} }, response: { status: 200, headers: {}, body: 'ok' }, startedAt: '2026-01-01T00:00:11.000Z', durationMs: 1 });
    const steps = traceToHar(trace.entries, { version: 'x', command: 'launch', showSecrets: false }).log.entries.map((e) => e._step);
    assert.deepEqual(steps, ['authorize.preflight', 'token', 'callback']);
  });

  it('Authorization and cookies: scheme and names kept, values masked with their length', () => {
    const trace = new Trace();
    trace.addExchange({ step: 'fhir.read', request: { method: 'GET', url: 'https://ehr.example/fhir/Patient/1', headers: { authorization: 'Bearer abcdefghijklmnopqrstuvwxyz0123', cookie: 'sid=0123456789abcdef0123; theme=dark' } }, response: { status: 200, headers: { 'set-cookie': ['sid=9876543210fedcba9876; Path=/; HttpOnly'] }, body: '{}' }, startedAt: '2026-01-01T00:00:00.000Z', durationMs: 1 });
    const entry = traceToHar(trace.entries, { version: 'x', command: 'token', showSecrets: false }).log.entries[0];
    assert.deepEqual(entry?.request.headers.find((h) => h.name === 'authorization'), { name: 'authorization', value: 'Bearer [REDACTED 30 chars]' });
    assert.deepEqual(entry?.request.cookies, [{ name: 'sid', value: '[REDACTED 20 chars]' }, { name: 'theme', value: '[REDACTED 4 chars]' }]);
    assert.deepEqual(entry?.response.cookies, [{ name: 'sid', value: '[REDACTED 20 chars]' }]);
  });
});

describe('groupsToHar (check --har)', () => {
  it('every group\'s exchanges in time order, each on its group\'s page and tagged _check; a shared exchange once, in its first group; valid HAR 1.2', async () => {
    const shared = new Trace().addExchange({ step: 'discovery.smart-configuration', request: { method: 'GET', url: 'https://ehr.example/fhir/.well-known/smart-configuration', headers: {} }, response: { status: 200, headers: {}, body: '{}' }, startedAt: '2026-01-01T00:00:00.000Z', durationMs: 1 });
    const a = new Trace();
    const b = new Trace();
    // Concurrent tests: their exchanges interleave in time, and their ids repeat.
    a.addExchange({ step: 'authorize', request: { method: 'GET', url: `https://ehr.example/authorize?code=${CODE}`, headers: {} }, response: { status: 302, headers: { location: `http://127.0.0.1/cb?code=${CODE}` }, body: '' }, startedAt: '2026-01-01T00:00:01.000Z', durationMs: 1 });
    b.addExchange({ step: 'client-credentials', request: { method: 'POST', url: 'https://ehr.example/token', headers: { authorization: `Basic ${Buffer.from(`svc:${CODE}`).toString('base64')}` }, body: 'grant_type=client_credentials' }, response: { status: 200, headers: {}, body: `{"access_token":"${CODE}"}` }, startedAt: '2026-01-01T00:00:02.000Z', durationMs: 1 });
    a.addExchange({ step: 'token', request: { method: 'POST', url: 'https://ehr.example/token', headers: {}, body: `grant_type=authorization_code&code=${CODE}` }, response: { status: 200, headers: {}, body: '{}' }, startedAt: '2026-01-01T00:00:03.000Z', durationMs: 1 });
    const groups = [
      { id: 'discovery', title: 'the shared discovery', exchanges: [shared] },
      { id: 'discovery-smart-configuration', title: 'smart-configuration', exchanges: [shared] },
      { id: 'launch-a', title: 'a launch', exchanges: a.exchanges() },
      { id: 'backend-b', title: 'a backend token', exchanges: b.exchanges() },
      { id: 'skipped', title: 'a skipped test', exchanges: [] },
    ];
    const har = groupsToHar(groups, { version: 'x', command: 'check', showSecrets: false });
    await assertValidHarDocument(har);
    assert.deepEqual(har.log.entries.map((e) => [e._check, e.pageref, e._step]), [
      ['discovery', 'discovery', 'discovery.smart-configuration'],
      ['launch-a', 'launch-a', 'authorize'],
      ['backend-b', 'backend-b', 'client-credentials'],
      ['launch-a', 'launch-a', 'token'],
    ]);
    assert.deepEqual(har.log.pages.map((p) => [p.id, p.title, p.startedDateTime]), [
      ['discovery', 'smartctl check: the shared discovery', '2026-01-01T00:00:00.000Z'],
      ['launch-a', 'smartctl check: a launch', '2026-01-01T00:00:01.000Z'],
      ['backend-b', 'smartctl check: a backend token', '2026-01-01T00:00:02.000Z'],
    ]);
    assert.equal(JSON.stringify(har).includes(CODE), false);
    assert.equal(JSON.stringify(groupsToHar(groups, { version: 'x', command: 'check', showSecrets: true })).includes(CODE), true);
  });
});

describe('JWT markers', () => {
  it('lengthMask: a JWT keeps its header and the non-secret claims, never sub or the signature', () => {
    const jwt = `${b64({ alg: 'RS256', kid: 'k1' })}.${b64({ iss: 'https://ehr.example', sub: 'patient-secret-sub', aud: ['app', 'other'], exp: 1700000000 })}.c2lnbmF0dXJlc2lnbmF0dXJl`;
    const marker = lengthMask(jwt);
    assert.equal(marker, `[REDACTED jwt, ${jwt.length} chars; header {alg: RS256, kid: k1}; claims {iss: https://ehr.example, aud: [app, other], exp: 1700000000}]`);
    assert.equal(lengthMask('not-a-jwt-but-secret'), '[REDACTED 20 chars]');
  });

  it('restoreJwtMarkers gives back a JWT with the shown header and claims (explain reads it)', () => {
    fc.assert(
      fc.property(
        fc.record({ kid: fc.stringMatching(/^[A-Za-z0-9_-]{1,20}$/) }),
        fc.record({ iss: fc.stringMatching(/^https:\/\/[a-z0-9.-]{1,30}(\/[a-z0-9._~-]{0,20}){0,3}$/), aud: fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/), exp: fc.integer({ min: 0, max: 4_000_000_000 }), nonce: fc.stringMatching(/^[A-Za-z0-9_-]{8,32}$/) }),
        (header, claims) => {
          const jwt = `${b64({ alg: 'RS256', ...header })}.${b64(claims)}.c2ln`;
          const body = JSON.stringify({ id_token: lengthMask(jwt), token_type: 'Bearer' });
          const restored = JSON.parse(restoreJwtMarkers(body)) as { id_token: string };
          const decoded = decodeJwt(restored.id_token);
          assert.equal(decoded.kind, 'jwt');
          if (decoded.kind !== 'jwt') return;
          assert.deepEqual(decoded.header, { alg: 'RS256', ...header });
          assert.deepEqual(decoded.payload, { ...claims });
          assert.equal(decoded.signature, '');
        },
      ),
    );
  });

  it('restoreJwtMarkers never throws and leaves text without markers alone', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        const text = `${a}[REDACTED jwt, 3 chars; header {${b}}; claims {${a}}]`;
        assert.equal(typeof restoreJwtMarkers(text), 'string');
        if (!a.includes('[REDACTED jwt')) assert.equal(restoreJwtMarkers(a), a);
      }),
    );
  });
});
