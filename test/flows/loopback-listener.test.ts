// The loopback redirect listener over real HTTP on 127.0.0.1: one valid callback, wrong
// state refused while it keeps waiting, error callbacks, timeouts, the EHR launch URL,
// and redirect URIs that are not loopback http refused as usage errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { parseRedirectUri, startLoopbackListener } from '../../src/flows/loopback-listener.js';
import { isSmartctlError } from '../../src/errors.js';
import { Trace } from '../../src/report/trace.js';

const now = (): Date => new Date('2026-01-01T00:00:00Z');

async function get(url: string): Promise<{ status: number; body: string }> {
  const r = await fetch(url, { redirect: 'manual' });
  return { status: r.status, body: await r.text() };
}

test('ephemeral port on 127.0.0.1; wrong state refused and still waiting; then exactly one code', async () => {
  const trace = new Trace();
  const listener = await startLoopbackListener({ trace, now });
  try {
    assert.match(listener.redirectUri, /^http:\/\/127\.0\.0\.1:\d+\/callback$/);
    assert.notEqual(new URL(listener.redirectUri).port, '0');
    listener.setExpectedState('s-1');
    const waiting = listener.waitForCallback(10_000);
    const wrong = await get(`${listener.redirectUri}?code=c&state=other`);
    assert.equal(wrong.status, 400);
    assert.match(wrong.body, /keeps waiting/);
    const missing = await get(`${listener.redirectUri}?code=c`);
    assert.equal(missing.status, 400);
    assert.deepEqual(listener.rejectedStates.map((r) => r.got), ['other', null]);
    const good = await get(`${listener.redirectUri}?code=the-code&state=s-1`);
    assert.equal(good.status, 200);
    assert.match(good.body, /see your terminal/);
    const result = await waiting;
    assert.equal(result?.kind, 'code');
    assert.equal(result?.kind === 'code' ? result.code : '', 'the-code');
    assert.equal((await get(`${listener.redirectUri}?code=again&state=s-1`)).status, 409);
    assert.equal((await get(new URL('/elsewhere', listener.redirectUri).href)).status, 404);
    assert.ok(trace.entries.some((e) => e.type === 'event' && e.name === 'callback-state-mismatch'));
  } finally {
    await listener.close();
  }
});

test('the listener binds the loopback interface only, at the redirect URI port and path', async () => {
  const probe = http.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  const listener = await startLoopbackListener({ redirectUri: `http://127.0.0.1:${port}/my/cb`, trace: new Trace(), now });
  try {
    assert.equal(listener.redirectUri, `http://127.0.0.1:${port}/my/cb`);
    assert.equal(listener.launchUrl, `http://127.0.0.1:${port}/launch`);
    // Another local address (not 127.0.0.1) does not reach it.
    await assert.rejects(fetch(`http://127.0.0.2:${port}/my/cb`).then((r) => r.text()));
    // The same port taken again is a usage error naming the port.
    await assert.rejects(startLoopbackListener({ redirectUri: `http://127.0.0.1:${port}/x`, trace: new Trace(), now }), (e: unknown) => isSmartctlError(e) && e.code === 'listener-port-in-use' && e.message.includes(String(port)));
  } finally {
    await listener.close();
  }
});

test('an error callback settles with the error; no callback times out', async () => {
  const listener = await startLoopbackListener({ trace: new Trace(), now });
  try {
    listener.setExpectedState('s');
    const waiting = listener.waitForCallback(10_000);
    const page = await get(`${listener.redirectUri}?error=access_denied&error_description=${encodeURIComponent('<b>no</b>')}&state=s`);
    assert.equal(page.status, 200);
    assert.match(page.body, /access_denied/);
    assert.ok(!page.body.includes('<b>no</b>'), 'the description is escaped in the page');
    const result = await waiting;
    assert.deepEqual(result?.kind === 'error' ? [result.error, result.error_description] : [], ['access_denied', '<b>no</b>']);
  } finally {
    await listener.close();
  }
  const idle = await startLoopbackListener({ trace: new Trace(), now });
  try {
    assert.equal(await idle.waitForCallback(50), undefined);
  } finally {
    await idle.close();
  }
});

test('EHR launch: /launch needs iss and launch, then hands them over', async () => {
  const listener = await startLoopbackListener({ trace: new Trace(), now });
  try {
    const waiting = listener.waitForLaunch(10_000);
    assert.equal((await get(`${listener.launchUrl}?iss=http://ehr/fhir`)).status, 400);
    assert.equal((await get(`${listener.launchUrl}?iss=${encodeURIComponent('http://ehr/fhir')}&launch=L1`)).status, 200);
    assert.deepEqual(await waiting, { iss: 'http://ehr/fhir', launch: 'L1' });
  } finally {
    await listener.close();
  }
});

test('authorize-post: the local page posts every parameter to the authorize endpoint', async () => {
  const listener = await startLoopbackListener({ trace: new Trace(), now });
  try {
    const pageUrl = listener.servePostForm('http://127.0.0.1:1/authorize', new URLSearchParams({ client_id: 'app"x', scope: 'openid' }));
    const page = await get(pageUrl);
    assert.equal(page.status, 200);
    assert.match(page.body, /<form id="f" method="post" action="http:\/\/127\.0\.0\.1:1\/authorize">/);
    assert.match(page.body, /name="client_id" value="app&#34;x"/);
    assert.match(page.body, /name="scope" value="openid"/);
  } finally {
    await listener.close();
  }
});

test('redirect URIs: loopback http only', () => {
  assert.equal(parseRedirectUri('http://localhost:8765/cb').port, '8765');
  for (const [value, code] of [
    ['https://127.0.0.1/cb', 'redirect-uri-not-loopback'],
    ['http://0.0.0.0:80/cb', 'redirect-uri-not-loopback'],
    ['http://app.example.com/cb', 'redirect-uri-not-loopback'],
    ['127.0.0.1:8000/cb', 'redirect-uri-invalid'],
    ['http://127.0.0.1.evil.example/cb', 'redirect-uri-not-loopback'],
    ['not a url', 'redirect-uri-invalid'],
  ] as const) {
    assert.throws(() => parseRedirectUri(value), (e: unknown) => isSmartctlError(e) && e.kind === 'usage' && e.code === code, value);
  }
});

test('property: any --redirect-uri text is a loopback http URL or our usage error', () => {
  fc.assert(
    fc.property(fc.oneof(fc.string(), fc.webUrl(), fc.webPath().map((p) => `http://127.0.0.1:8080${p}`)), (value) => {
      try {
        const url = parseRedirectUri(value);
        assert.equal(url.protocol, 'http:');
        assert.ok(['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname));
      } catch (e) {
        assert.ok(isSmartctlError(e) && e.kind === 'usage', String(e));
      }
    }),
  );
});

test('regression: a callback before the authorize request exists is refused, and an empty state never matches', async () => {
  const trace = new Trace();
  const listener = await startLoopbackListener({ trace, now });
  try {
    // Another local process injects a code while smartctl is still discovering (or waiting for the EHR).
    const injected = await get(`${listener.redirectUri}?state=&code=INJECTED`);
    assert.equal(injected.status, 400);
    assert.match(injected.body, /has not sent its authorization request yet/);
    assert.equal((await get(`${listener.redirectUri}?code=INJECTED2`)).status, 400);
    assert.equal((await get(`${listener.redirectUri}?error=access_denied&state=`)).status, 400);
    assert.equal(await listener.waitForCallback(50), undefined, 'nothing was accepted before the state existed');
    assert.deepEqual(listener.rejectedStates.map((r) => [r.got, r.reason]), [['', 'before-authorize'], [null, 'before-authorize'], ['', 'before-authorize']]);
    assert.ok(trace.entries.some((e) => e.type === 'event' && e.name === 'callback-before-authorize'));
    assert.throws(() => listener.setExpectedState(''));
    listener.setExpectedState('real-state');
    const waiting = listener.waitForCallback(10_000);
    assert.equal((await get(`${listener.redirectUri}?state=&code=INJECTED3`)).status, 400, 'an empty state is refused once the state exists');
    assert.equal((await get(`${listener.redirectUri}?code=the-code&state=real-state`)).status, 200);
    const result = await waiting;
    assert.equal(result?.kind === 'code' ? result.code : undefined, 'the-code');
    assert.equal(listener.rejectedStates.at(-1)?.reason, 'state-mismatch');
  } finally {
    await listener.close();
  }
});
