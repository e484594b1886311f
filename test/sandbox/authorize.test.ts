import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startSandbox } from '../../src/sandbox/index.js';
import type { SandboxHandle } from '../../src/sandbox/types.js';
import { authorize, authorizeParams, pkce, REDIRECT } from './helpers.js';

describe('sandbox authorize', () => {
  let sb: SandboxHandle;
  before(async () => {
    sb = await startSandbox({});
  });
  after(() => sb.close());

  it('redirects back with a code and the state (auto-approve header)', async () => {
    const params = authorizeParams(sb, pkce());
    const a = await authorize(sb, params);
    assert.equal(a.status, 302);
    assert.ok(a.location?.startsWith(REDIRECT));
    assert.equal(a.query.get('state'), params.get('state'));
    assert.match(a.query.get('code') ?? '', /^[A-Za-z0-9_-]{40,}$/);
    assert.match(a.setCookie ?? '', /^smartctl_sandbox_session=[^;]+; Path=\/; HttpOnly; SameSite=Lax$/);
  });

  it('accepts authorize-post', async () => {
    const a = await authorize(sb, authorizeParams(sb, pkce()), { method: 'POST' });
    assert.equal(a.status, 302);
    assert.ok(a.query.get('code'));
  });

  it('matches a loopback redirect_uri on any port (RFC 8252 §7.3), for localhost too', async () => {
    for (const uri of ['http://127.0.0.1:1/callback', 'http://127.0.0.1/callback', 'http://localhost:65000/callback']) {
      const a = await authorize(sb, authorizeParams(sb, pkce(), { redirect_uri: uri }));
      assert.equal(a.status, 302, uri);
      assert.ok(a.location?.startsWith(uri), uri);
    }
  });

  it('shows an error page (no redirect) for an unknown client, a missing or unregistered redirect_uri', async () => {
    const cases: Array<[Record<string, string | undefined>, RegExp]> = [
      [{ client_id: 'nobody' }, /not registered/],
      [{ client_id: undefined }, /client_id is missing/],
      [{ redirect_uri: undefined }, /redirect_uri is missing/],
      [{ redirect_uri: 'http://127.0.0.1:5555/other' }, /does not match any registered/],
      [{ redirect_uri: 'https://127.0.0.1/callback' }, /does not match any registered/],
      [{ redirect_uri: 'http://127.0.0.1.evil.example/callback' }, /does not match any registered/],
    ];
    for (const [overrides, message] of cases) {
      const a = await authorize(sb, authorizeParams(sb, pkce(), overrides));
      assert.equal(a.status, 400, JSON.stringify(overrides));
      assert.equal(a.location, null);
      assert.match(a.body, message);
    }
  });

  it('redirects errors about the request itself to the app with error, error_description and state', async () => {
    const cases: Array<[Record<string, string | undefined>, string, RegExp]> = [
      [{ response_type: 'token' }, 'unsupported_response_type', /must be "code"/],
      [{ response_type: undefined }, 'invalid_request', /response_type is missing/],
      [{ code_challenge: undefined }, 'invalid_request', /code_challenge is missing/],
      [{ code_challenge_method: 'plain' }, 'invalid_request', /"plain" is not allowed/],
      [{ code_challenge_method: undefined }, 'invalid_request', /must be "S256"/],
      [{ code_challenge: 'short' }, 'invalid_request', /43 to 128/],
      [{ aud: undefined }, 'invalid_request', /aud is missing/],
      [{ aud: 'http://127.0.0.1:1/fhir' }, 'invalid_request', /aud: expected/],
      [{ scope: '' }, 'invalid_scope', /scope is missing/],
      [{ scope: 'patient/observation.read' }, 'invalid_scope', /malformed/],
      [{ scope: 'system/*.rs' }, 'invalid_scope', /none of the requested scopes/],
      [{ launch: 'no-such-launch', scope: 'launch openid' }, 'invalid_request', /launch "no-such-launch" is unknown/],
      [{ scope: 'launch openid patient/*.rs' }, 'invalid_request', /needs the launch parameter/],
    ];
    for (const [overrides, error, description] of cases) {
      const params = authorizeParams(sb, pkce(), overrides);
      const a = await authorize(sb, params);
      assert.equal(a.status, 302, JSON.stringify(overrides));
      assert.ok(a.location?.startsWith(REDIRECT));
      assert.equal(a.query.get('error'), error, JSON.stringify(overrides));
      assert.match(a.query.get('error_description') ?? '', description);
      assert.equal(a.query.get('state'), params.get('state'));
      assert.equal(a.query.get('code'), null);
      assert.ok(a.query.get('error_uri')?.startsWith(`${sb.issuer}/errors/`));
    }
  });

  it('redirects invalid_request without state when state is missing', async () => {
    const a = await authorize(sb, authorizeParams(sb, pkce(), { state: undefined }));
    assert.equal(a.query.get('error'), 'invalid_request');
    assert.match(a.query.get('error_description') ?? '', /state is missing/);
    assert.equal(a.query.get('state'), null);
  });

  it('refuses a repeated parameter', async () => {
    const params = authorizeParams(sb, pkce());
    params.append('scope', 'openid');
    const a = await authorize(sb, params);
    assert.equal(a.query.get('error'), 'invalid_request');
    assert.match(a.query.get('error_description') ?? '', /scope appears more than once/);
  });

  it('answers prompt=none without a session with login_required', async () => {
    const a = await authorize(sb, authorizeParams(sb, pkce(), { prompt: 'none' }), { autoApprove: false });
    assert.equal(a.query.get('error'), 'login_required');
  });

  it('refuses an authorize-post that is not form-encoded with a 400 page', async () => {
    const res = await fetch(`${sb.issuer}/authorize`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/json' }, body: '{}' });
    assert.equal(res.status, 400);
    assert.match(await res.text(), /x-www-form-urlencoded/);
  });

  it('runs login, patient picker and consent, and a consent with unticked scopes narrows the grant', async () => {
    const params = authorizeParams(sb, pkce(), { scope: 'openid fhirUser launch/patient patient/*.rs offline_access' });
    const start = await authorize(sb, params, { autoApprove: false });
    assert.equal(start.status, 302);
    assert.match(start.location ?? '', /\/oauth\/login\?tx=/);
    const loginPage = await fetch(start.location ?? '');
    assert.equal(loginPage.status, 200);
    const html = await loginPage.text();
    const userId = /name="user" value="([^"]+)"/.exec(html)?.[1] ?? '';
    assert.notEqual(userId, '');
    const tx = new URL(start.location ?? '').searchParams.get('tx') ?? '';
    const form = (fields: Record<string, string | string[]>): string => {
      const p = new URLSearchParams();
      for (const [k, v] of Object.entries(fields)) for (const x of Array.isArray(v) ? v : [v]) p.append(k, x);
      return p.toString();
    };
    const post = (path: string, fields: Record<string, string | string[]>, cookie?: string): Promise<Response> =>
      fetch(`${sb.issuer}/${path}`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', ...(cookie === undefined ? {} : { cookie }) }, body: form(fields) });

    const loggedIn = await post('login', { tx, user: userId });
    assert.equal(loggedIn.status, 302);
    assert.match(loggedIn.headers.get('set-cookie') ?? '', /smartctl_sandbox_session=/);
    let next = loggedIn.headers.get('location') ?? '';
    if (next.includes('/select-patient')) {
      const picker = await (await fetch(next)).text();
      const patientId = /name="patient" value="([^"]+)"/.exec(picker)?.[1] ?? '';
      assert.notEqual(patientId, '');
      const picked = await post('select-patient', { tx, patient: patientId });
      next = picked.headers.get('location') ?? '';
    }
    assert.match(next, /\/oauth\/consent\?tx=/);
    const consent = await (await fetch(next)).text();
    assert.match(consent, /value="offline_access" checked/);
    const done = await post('consent', { tx, decision: 'approve', scope: ['openid', 'fhirUser', 'launch/patient', 'patient/*.rs'] });
    assert.equal(done.status, 302);
    const back = new URL(done.headers.get('location') ?? '');
    assert.equal(back.searchParams.get('state'), params.get('state'));
    assert.ok(back.searchParams.get('code'));
  });

  it('a denied consent goes back as access_denied', async () => {
    const params = authorizeParams(sb, pkce());
    const session = await authorize(sb, authorizeParams(sb, pkce()));
    const cookie = (session.setCookie ?? '').split(';')[0] ?? '';
    const start = await authorize(sb, params, { autoApprove: false, cookie });
    // Signed in already: straight to the patient picker or consent.
    assert.doesNotMatch(start.location ?? '', /\/login\?/);
    const tx = new URL(start.location ?? '').searchParams.get('tx') ?? '';
    const res = await fetch(`${sb.issuer}/consent`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `tx=${encodeURIComponent(tx)}&decision=deny` });
    const back = new URL(res.headers.get('location') ?? '');
    assert.equal(back.searchParams.get('error'), 'access_denied');
    assert.equal(back.searchParams.get('state'), params.get('state'));
  });

  it('an unknown pending authorization is an error page', async () => {
    const res = await fetch(`${sb.issuer}/consent?tx=nope`);
    assert.equal(res.status, 400);
    assert.match(await res.text(), /unknown or expired/);
  });

  it('prompt=none with a session gives a code; prompt=login sends a signed-in user back to the login page', async () => {
    const first = await authorize(sb, authorizeParams(sb, pkce()));
    const cookie = (first.setCookie ?? '').split(';')[0] ?? '';
    const silent = await authorize(sb, authorizeParams(sb, pkce(), { prompt: 'none', scope: 'openid fhirUser patient/*.rs' }), { autoApprove: false, cookie });
    assert.doesNotMatch(silent.location ?? '', /error=/);
    const relogin = await authorize(sb, authorizeParams(sb, pkce()), { autoApprove: false, cookie });
    assert.doesNotMatch(relogin.location ?? '', /\/login\?/, 'a session skips the login page');
    const forced = await authorize(sb, authorizeParams(sb, pkce(), { prompt: 'login' }), { autoApprove: false, cookie });
    assert.match(forced.location ?? '', /\/oauth\/login\?tx=/);
  });

  it('escapes what it echoes into HTML pages', async () => {
    const a = await authorize(sb, authorizeParams(sb, pkce(), { client_id: '<script>alert(1)</script>' }));
    assert.equal(a.status, 400);
    assert.ok(!a.body.includes('<script>alert(1)</script>'));
    assert.match(a.body, /&#60;script&#62;/);
  });

  it('refuses an oversized authorize-post body with a 400 page', async () => {
    const res = await fetch(`${sb.issuer}/authorize`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `scope=${'a'.repeat(300 * 1024)}` });
    assert.equal(res.status, 400);
    assert.match(await res.text(), /request body over/);
  });

  it('the --auto-approve option approves without the header', async () => {
    const auto = await startSandbox({ autoApprove: true });
    try {
      const a = await authorize(auto, authorizeParams(auto, pkce()), { autoApprove: false });
      assert.ok(a.query.get('code'));
    } finally {
      await auto.close();
    }
  });
});
