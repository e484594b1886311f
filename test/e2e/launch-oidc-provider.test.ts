// launch against an independent OpenID provider (oidc-provider, helpers/oidc-peer.ts)
// without a browser: the test plays the person with plain HTTP, following redirects by
// hand with a cookie jar and posting oidc-provider's own login and consent forms, then
// follows the final redirect to smartctl's loopback listener. Runs where chromium is
// not installed; oidc-provider-peer.test.ts does the same with a real browser.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseJsonOutput } from '../helpers/run-cli.js';
import { freePort, startOidcPeer } from '../helpers/oidc-peer.js';
import { launchWaiting } from '../helpers/launch-process.js';

interface Visit {
  url: string;
  status: number;
  body: string;
}

/** A person's browser, reduced to cookies (by name; one flow, one host) and redirects. */
class FormBrowser {
  private readonly cookies = new Map<string, string>();
  readonly visited: string[] = [];

  private keep(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const pair = line.split(';', 1)[0] ?? '';
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  async go(url: string, form?: URLSearchParams): Promise<Visit> {
    let current = url;
    let body: URLSearchParams | undefined = form;
    for (let hop = 0; hop < 15; hop++) {
      this.visited.push(current);
      const headers: Record<string, string> = {};
      if (this.cookies.size > 0) headers['cookie'] = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
      if (body !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
      const res = await fetch(current, { method: body === undefined ? 'GET' : 'POST', headers, body: body?.toString(), redirect: 'manual' });
      this.keep(res);
      const location = res.headers.get('location');
      if (res.status >= 300 && res.status < 400 && location !== null) {
        await res.arrayBuffer();
        current = new URL(location, current).href;
        body = undefined;
        continue;
      }
      return { url: current, status: res.status, body: await res.text() };
    }
    throw new Error(`more than 15 redirects: ${this.visited.join(' -> ')}`);
  }
}

/** The form on an oidc-provider interaction page: its action and hidden prompt name. */
function interactionForm(page: Visit): { action: string; prompt: string } {
  const action = /<form[^>]*action="([^"]+)"/.exec(page.body)?.[1];
  const prompt = /name="prompt" value="([^"]+)"/.exec(page.body)?.[1];
  assert.ok(action !== undefined && prompt !== undefined, `an interaction form at ${page.url} (HTTP ${page.status}):\n${page.body.slice(0, 500)}`);
  return { action: new URL(action.replaceAll('&amp;', '&'), page.url).href, prompt };
}

test('launch against oidc-provider, login and consent posted as forms: id_token validated, refresh', async () => {
  const port = await freePort();
  const redirectUri = `http://127.0.0.1:${port}/callback`;
  const peer = await startOidcPeer({ redirectUri });
  try {
    // offline_access: oidc-provider drops it unless prompt=consent is requested (OIDC Core 11).
    const run = launchWaiting(['--iss', peer.fhirBaseUrl, '--client-id', 'peer-public', '--redirect-uri', redirectUri, '--scope', 'openid offline_access', '--prompt', 'consent', '--refresh', '--json', '--callback-timeout', '60'], /(http:\/\/127\.0\.0\.1:\d+\/auth\?\S+)/);
    const authorizeUrl = new URL(await run.url);
    assert.equal(authorizeUrl.searchParams.get('code_challenge_method'), 'S256');
    assert.equal(authorizeUrl.searchParams.get('aud'), peer.fhirBaseUrl);
    assert.ok((authorizeUrl.searchParams.get('state') ?? '').length > 0);
    assert.ok((authorizeUrl.searchParams.get('nonce') ?? '').length > 0);

    const browser = new FormBrowser();
    const login = await browser.go(authorizeUrl.href);
    assert.equal(login.status, 200);
    const loginForm = interactionForm(login);
    assert.equal(loginForm.prompt, 'login');
    const consent = await browser.go(loginForm.action, new URLSearchParams({ prompt: 'login', login: 'bob', password: 'any' }));
    const consentForm = interactionForm(consent);
    assert.equal(consentForm.prompt, 'consent');
    const done = await browser.go(consentForm.action, new URLSearchParams({ prompt: 'consent' }));
    assert.ok(done.url.startsWith(`${redirectUri}?`), `the last hop is smartctl's listener: ${browser.visited.join(' -> ')}`);
    assert.equal(new URL(done.url).searchParams.get('state'), authorizeUrl.searchParams.get('state'));
    assert.equal(done.status, 200);
    assert.match(done.body, /Done/);

    const result = await run.done;
    const doc = parseJsonOutput(result);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.equal(doc['ok'], true);
    assert.equal(doc['idTokenSignatureValid'], true);
    const claims = doc['idTokenClaims'] as Record<string, unknown>;
    assert.equal(claims['sub'], 'bob');
    assert.equal(claims['iss'], peer.origin);
    assert.equal(claims['aud'], 'peer-public');
    assert.equal(claims['nonce'], authorizeUrl.searchParams.get('nonce'));
    const tokenResponse = doc['tokenResponse'] as Record<string, unknown>;
    assert.equal(tokenResponse['access_token'], '[REDACTED]');
    assert.equal(tokenResponse['refresh_token'], '[REDACTED]');
    const refreshed = doc['refresh'] as { scope?: string } | undefined;
    assert.ok(refreshed !== undefined, 'the refresh ran');
    assert.deepEqual((refreshed.scope ?? '').split(' ').sort(), ['offline_access', 'openid']);
    const ids = (doc['findings'] as Array<{ id: string; severity: string }>).filter((f) => f.severity === 'error').map((f) => f.id);
    assert.deepEqual(ids, []);
  } finally {
    await peer.close();
  }
});

test('launch against oidc-provider: the person aborts at login -> access_denied diagnosed, exit 1', async () => {
  const port = await freePort();
  const redirectUri = `http://127.0.0.1:${port}/callback`;
  const peer = await startOidcPeer({ redirectUri });
  try {
    const run = launchWaiting(['--iss', peer.fhirBaseUrl, '--client-id', 'peer-public', '--redirect-uri', redirectUri, '--scope', 'openid', '--json', '--callback-timeout', '60'], /(http:\/\/127\.0\.0\.1:\d+\/auth\?\S+)/);
    const browser = new FormBrowser();
    const login = await browser.go(await run.url);
    const { action } = interactionForm(login);
    // oidc-provider's dev interactions answer <interaction>/abort with error=access_denied.
    const abort = `${action}/abort`;
    const denied = await browser.go(abort);
    assert.ok(denied.url.startsWith(`${redirectUri}?`), browser.visited.join(' -> '));
    assert.equal(new URL(denied.url).searchParams.get('error'), 'access_denied');
    const result = await run.done;
    assert.equal(result.code, 1, result.stdout + result.stderr);
    const doc = parseJsonOutput(result);
    const ids = (doc['findings'] as Array<{ id: string }>).map((f) => f.id);
    assert.ok(ids.includes('access-denied-by-user'), ids.join(', '));
  } finally {
    await peer.close();
  }
});
