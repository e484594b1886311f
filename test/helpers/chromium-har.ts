// HARs recorded by Debian chromium (playwright-core recordHar, content embedded): a tiny app
// on 127.0.0.1 does what a browser SMART client does with fetch (discovery, PKCE, the code
// exchange, the id_token's JWKS, a FHIR read) through the sandbox's own pages — login,
// patient picker, consent — and the browser context writes the HAR when it closes.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { DEMO_CLIENT_IDS, type SandboxHandle } from '../../src/sandbox/index.js';

// The app: /start fetches discovery and sends the browser to authorize; /callback exchanges
// the code with fetch (so the token request is in the HAR), fetches the JWKS when an
// id_token came back, then reads the patient.
const START_PAGE = `<!doctype html><meta charset="utf-8"><title>app start</title><h1>Starting</h1><script type="module">
const q = new URLSearchParams(location.search);
const fhir = q.get('fhir');
const b64url = (bytes) => btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\\+/g, '-').replace(/\\//g, '_').replace(/=+$/, '');
let conf = {};
const smart = await fetch(fhir + '/.well-known/smart-configuration', { headers: { accept: 'application/json' } });
if (smart.ok) conf = await smart.json();
else {
  const cs = await (await fetch(fhir + '/metadata', { headers: { accept: 'application/fhir+json' } })).json();
  for (const ext of cs.rest?.[0]?.security?.extension ?? []) for (const e of ext.extension ?? []) {
    if (e.url === 'authorize') conf.authorization_endpoint = e.valueUri;
    if (e.url === 'token') conf.token_endpoint = e.valueUri;
  }
}
if (conf.issuer) {
  const oidc = await fetch(conf.issuer.replace(/\\/$/, '') + '/.well-known/openid-configuration').catch(() => undefined);
  if (oidc?.ok) { const doc = await oidc.json(); conf.jwks_uri ??= doc.jwks_uri; }
}
const verifier = b64url(crypto.getRandomValues(new Uint8Array(32)));
const challenge = b64url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
const state = b64url(crypto.getRandomValues(new Uint8Array(12)));
const redirectUri = location.origin + '/callback';
sessionStorage.setItem('smart', JSON.stringify({ fhir, verifier, state, redirectUri, token: conf.token_endpoint, jwks: conf.jwks_uri, clientId: q.get('client_id'), auth: q.get('auth') }));
const authorize = new URL(conf.authorization_endpoint);
const params = { response_type: 'code', client_id: q.get('client_id'), redirect_uri: redirectUri, scope: q.get('scope'), state, aud: fhir, code_challenge: challenge, code_challenge_method: 'S256' };
for (const [k, v] of Object.entries(params)) authorize.searchParams.set(k, v);
if (q.get('forceAuthn') === 'true') authorize.searchParams.set('forceAuthn', 'true');
// Give the HAR recorder time to fetch the discovery bodies: a navigation discards them.
await new Promise((resolve) => setTimeout(resolve, 300));
location.href = authorize.href;
</script>`;

const CALLBACK_PAGE = `<!doctype html><meta charset="utf-8"><title>app callback</title><h1>Signing in</h1><script type="module">
const p = new URLSearchParams(location.search);
const s = JSON.parse(sessionStorage.getItem('smart'));
const finish = (text) => { const el = document.createElement('p'); el.id = 'app-done'; el.textContent = text; document.body.append(el); };
if (!p.has('code')) finish('error ' + p.get('error'));
else {
  const headers = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
  // A backend-style mistake some apps make: the client's JWT sent as a Bearer header.
  if (s.auth === 'bearer') headers.authorization = 'Bearer eyJhbGciOiJSUzM4NCJ9.eyJpc3MiOiJhcHAiLCJzdWIiOiJhcHAifQ.c2ln';
  const body = new URLSearchParams({ grant_type: 'authorization_code', code: p.get('code'), redirect_uri: s.redirectUri, client_id: s.clientId, code_verifier: s.verifier });
  const r = await fetch(s.token, { method: 'POST', headers, body });
  const text = await r.text();
  let token;
  try { token = JSON.parse(text); } catch { token = undefined; }
  if (token?.id_token && s.jwks) await fetch(s.jwks).catch(() => undefined);
  if (token?.access_token && token.patient) await fetch(s.fhir + '/Patient/' + token.patient, { headers: { authorization: 'Bearer ' + token.access_token, accept: 'application/fhir+json' } }).catch(() => undefined);
  finish('token ' + r.status);
}
</script>`;

export interface App {
  origin: string;
  close(): Promise<void>;
}

export async function startApp(): Promise<App> {
  const server = http.createServer((req, res) => {
    const p = (req.url ?? '/').split('?')[0];
    if (p === '/start' || p === '/callback') res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(p === '/start' ? START_PAGE : CALLBACK_PAGE);
    else res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

const SCOPE = 'openid fhirUser launch/patient offline_access patient/*.rs';

export interface Plan {
  /** Query parameters for /start beyond fhir, client_id and scope. */
  start?: Record<string, string>;
  /** Run a clean flow first (a session cookie for the authorization host), then this one. */
  twice?: boolean;
}

export const PLANS: Record<string, Plan> = {
  'strict-client-auth-header': { start: { auth: 'bearer' } },
  'force-authn-stale-session': { twice: true, start: { forceAuthn: 'true' } },
};

/** Drives one browser run from /start to the app's last step, or to an error page on the way. */
async function runFlow(page: Page, startUrl: string, sandboxOrigin: string): Promise<string> {
  let failedDocument: string | undefined;
  page.on('response', (r) => {
    if (r.request().resourceType() === 'document' && r.status() >= 400 && r.url().startsWith(sandboxOrigin)) failedDocument = `${r.status()} ${r.url()}`;
  });
  await page.goto(startUrl);
  const login = page.getByRole('heading', { name: 'Sign in to the sandbox' });
  const picker = page.getByRole('heading', { name: 'Choose a patient' });
  const consent = page.getByRole('heading', { name: /Authorize/ });
  const done = page.locator('#app-done');
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (failedDocument !== undefined) {
      await page.waitForTimeout(300);
      return `error page ${failedDocument}`;
    }
    if (await done.count() > 0) {
      await page.waitForTimeout(300); // the recorder fetches response bodies after the fact
      return (await done.innerText()).trim();
    }
    if (await login.isVisible().catch(() => false)) await page.getByRole('button', { name: 'Sign in' }).click();
    else if (await picker.isVisible().catch(() => false)) await page.getByRole('button', { name: 'Continue' }).click();
    else if (await consent.isVisible().catch(() => false)) await page.getByRole('button', { name: 'Allow' }).click();
    else await page.waitForTimeout(50);
  }
  throw new Error(`the flow did not finish; at ${page.url()}`);
}

export async function recordHar(browser: Browser, sandbox: SandboxHandle, app: App, plan: Plan, file: string): Promise<string[]> {
  const context = await browser.newContext({ recordHar: { path: file, content: 'embed' } });
  const outcomes: string[] = [];
  try {
    const page = await context.newPage();
    const start = (extra: Record<string, string>): string => `${app.origin}/start?${new URLSearchParams({ fhir: sandbox.fhirBaseUrl, client_id: DEMO_CLIENT_IDS.public, scope: SCOPE, ...extra }).toString()}`;
    if (plan.twice === true) outcomes.push(await runFlow(page, start({}), new URL(sandbox.issuer).origin));
    outcomes.push(await runFlow(page, start(plan.start ?? {}), new URL(sandbox.issuer).origin));
  } finally {
    await context.close(); // writes the HAR
  }
  return outcomes;
}

