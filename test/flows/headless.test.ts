// Headless authorization against a real server on 127.0.0.1: every hop traced, cookies
// carried between hops, the auto-approve header sent, and each way it can end.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { followAuthorize, SANDBOX_AUTO_APPROVE_HEADER } from '../../src/flows/headless.js';
import { CookieJar } from '../../src/flows/cookie-jar.js';
import { HttpClient } from '../../src/http/client.js';
import { isSmartctlError } from '../../src/errors.js';
import { Trace } from '../../src/report/trace.js';
import { startStaticServer } from '../helpers/static-server.js';

const NOW = (): number => 1_800_000_000;
const REDIRECT = 'http://127.0.0.1:1/callback';

test('follows redirects to the redirect URI, carrying the session cookie; every hop in the trace', async () => {
  const server = await startStaticServer({
    '/authorize': { status: 302, headers: { location: '/login', 'set-cookie': 'sid=s1; Path=/; HttpOnly' } },
    '/login': { status: 303, headers: { location: `${REDIRECT}?code=c&state=s` } },
  });
  const trace = new Trace();
  const client = new HttpClient({ trace, timeoutMs: 5000 });
  const jar = new CookieJar();
  try {
    const outcome = await followAuthorize(client, `${server.origin}/authorize?client_id=a`, { redirectUri: REDIRECT, jar, autoApproveHeader: true, nowSeconds: NOW });
    assert.deepEqual(outcome, { kind: 'redirected', callbackUrl: `${REDIRECT}?code=c&state=s` });
    assert.deepEqual(trace.exchanges().map((e) => e.step), ['authorize', 'authorize.redirect']);
    assert.equal(server.requests[0]?.headers[SANDBOX_AUTO_APPROVE_HEADER], '1');
    assert.equal(server.requests[0]?.headers['cookie'], undefined);
    assert.equal(server.requests[1]?.headers['cookie'], 'sid=s1');
    assert.equal(jar.size, 1);
  } finally {
    await client.close();
    await server.close();
  }
});

test('authorize-post: the first hop is a form POST; a 4xx ends as http-error, a page as needs-person', async () => {
  const server = await startStaticServer({
    '/authorize': { status: 400, body: 'bad request' },
    '/page': { status: 200, headers: { 'content-type': 'text/html' }, body: '<form>login</form>' },
  });
  const client = new HttpClient({ trace: new Trace(), timeoutMs: 5000 });
  try {
    const rejected = await followAuthorize(client, `${server.origin}/authorize?client_id=a&scope=openid`, { redirectUri: REDIRECT, jar: new CookieJar(), autoApproveHeader: false, nowSeconds: NOW, post: true });
    assert.equal(rejected.kind, 'http-error');
    assert.equal(server.requests[0]?.method, 'POST');
    assert.equal(server.requests[0]?.url, '/authorize');
    assert.equal(server.requests[0]?.body, 'client_id=a&scope=openid');
    assert.equal(server.requests[0]?.headers[SANDBOX_AUTO_APPROVE_HEADER], undefined);
    const page = await followAuthorize(client, `${server.origin}/page`, { redirectUri: REDIRECT, jar: new CookieJar(), autoApproveHeader: true, nowSeconds: NOW });
    assert.equal(page.kind, 'needs-person');
  } finally {
    await client.close();
    await server.close();
  }
});

test('a redirect loop and a redirect without Location are network errors', async () => {
  const server = await startStaticServer({
    '/loop': { status: 302, headers: { location: '/loop' } },
    '/nowhere': { status: 302 },
  });
  const client = new HttpClient({ trace: new Trace(), timeoutMs: 5000 });
  try {
    await assert.rejects(followAuthorize(client, `${server.origin}/loop`, { redirectUri: REDIRECT, jar: new CookieJar(), autoApproveHeader: true, nowSeconds: NOW }), (e: unknown) => isSmartctlError(e) && e.kind === 'network' && e.code === 'too-many-redirects');
    await assert.rejects(followAuthorize(client, `${server.origin}/nowhere`, { redirectUri: REDIRECT, jar: new CookieJar(), autoApproveHeader: true, nowSeconds: NOW }), (e: unknown) => isSmartctlError(e) && e.code === 'redirect-without-location');
  } finally {
    await client.close();
    await server.close();
  }
});

test('regression: a Location that is not a URL is a finding about the server, not an "Invalid URL" crash', async () => {
  const server = await startStaticServer({ '/authorize': { status: 302, headers: { location: 'http://[not-a-host' } } });
  const client = new HttpClient({ trace: new Trace(), timeoutMs: 5000 });
  try {
    const outcome = await followAuthorize(client, `${server.origin}/authorize?client_id=a`, { redirectUri: REDIRECT, jar: new CookieJar(), autoApproveHeader: true, nowSeconds: NOW });
    assert.equal(outcome.kind, 'server-fault');
    if (outcome.kind !== 'server-fault') return;
    assert.equal(outcome.finding.id, 'authorize-redirect-invalid');
    assert.equal(outcome.finding.severity, 'error');
    assert.match(outcome.finding.detail, /Location: "http:\/\/\[not-a-host"/);
    assert.deepEqual(outcome.finding.exchanges, [1]);
  } finally {
    await client.close();
    await server.close();
  }
});

test('regression: a redirect to file: is the server\'s fault (a finding), not an input error', async () => {
  const server = await startStaticServer({ '/authorize': { status: 302, headers: { location: '/next' } }, '/next': { status: 303, headers: { location: 'file:///etc/passwd' } } });
  const client = new HttpClient({ trace: new Trace(), timeoutMs: 5000 });
  try {
    const outcome = await followAuthorize(client, `${server.origin}/authorize?client_id=a`, { redirectUri: REDIRECT, jar: new CookieJar(), autoApproveHeader: true, nowSeconds: NOW });
    assert.equal(outcome.kind, 'server-fault');
    if (outcome.kind !== 'server-fault') return;
    assert.match(outcome.finding.title, /redirected to a file: URL/);
    assert.equal(server.requests.length, 2, 'the file: URL was not followed');
  } finally {
    await client.close();
    await server.close();
  }
});
