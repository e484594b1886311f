// The official SMART JavaScript client (fhirclient, its browser build) in Debian
// chromium against the sandbox started through its API: standalone and EHR launch,
// patient context, a Patient read, an id_token with fhirUser, and client.refresh()
// with fhirclient's default settings (grant_type + refresh_token only). The app is a
// tiny static page on 127.0.0.1; every page it needs is written here.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { startSandbox } from '../../src/sandbox/index.js';
import type { SandboxHandle } from '../../src/sandbox/types.js';
import { REPO_ROOT } from '../helpers/run-cli.js';
import { CHROMIUM, launchChromium } from '../helpers/launch-process.js';

const FHIRCLIENT = path.join(REPO_ROOT, 'node_modules', 'fhirclient', 'build', 'fhir-client.js');
const CLIENT_ID = 'fhirclient-app';
const skip = !existsSync(CHROMIUM) ? `${CHROMIUM} is not installed (.ci/run installs it)` : !existsSync(FHIRCLIENT) ? 'fhirclient is not installed (npm ci)' : false;

interface AppResult {
  error?: string;
  patientId?: string | null;
  patientRead?: string;
  fhirUser?: string | null;
  idTokenFhirUser?: unknown;
  idTokenSub?: unknown;
  scope?: string;
  refreshedToken?: boolean;
  refreshedRefreshToken?: boolean;
  readAfterRefresh?: string;
}

/** The app's redirect page: finishes the flow, reads the patient, refreshes, reads again. */
const INDEX_HTML = `<!doctype html><title>app</title><script src="/fhir-client.js"></script><script>
FHIR.oauth2.ready().then(async (client) => {
  const out = { patientId: client.patient.id };
  const patient = await client.patient.read();
  out.patientRead = patient.resourceType + '/' + patient.id;
  out.fhirUser = client.getFhirUser();
  const idToken = client.getIdToken();
  out.idTokenFhirUser = idToken && idToken.fhirUser;
  out.idTokenSub = idToken && idToken.sub;
  out.scope = client.state.tokenResponse.scope;
  const before = client.state.tokenResponse.access_token;
  const beforeRefresh = client.state.tokenResponse.refresh_token;
  await client.refresh();
  out.refreshedToken = client.state.tokenResponse.access_token !== before;
  out.refreshedRefreshToken = client.state.tokenResponse.refresh_token !== beforeRefresh;
  out.readAfterRefresh = (await client.request('Patient/' + client.patient.id)).id;
  window.__result = out;
}).catch((e) => { window.__result = { error: String(e && e.message || e) }; });
</script>`;

function launchHtml(options: Record<string, string>): string {
  return `<!doctype html><title>launch</title><script src="/fhir-client.js"></script><script>
FHIR.oauth2.authorize(${JSON.stringify({ clientId: CLIENT_ID, redirectUri: 'index.html', ...options })});
</script>`;
}

let sb: SandboxHandle;
let app: http.Server;
let appOrigin = '';

before(async () => {
  sb = await startSandbox({
    autoApprove: true,
    clients: [{ client_id: CLIENT_ID, token_endpoint_auth_method: 'none', redirect_uris: ['http://127.0.0.1/index.html'], grant_types: ['authorization_code', 'refresh_token'], scope: 'openid fhirUser launch launch/patient offline_access patient/*.rs' }],
  });
  const script = readFileSync(FHIRCLIENT, 'utf8');
  const pages: Record<string, [string, string]> = {
    '/fhir-client.js': ['text/javascript', script],
    '/index.html': ['text/html', INDEX_HTML],
    '/standalone.html': ['text/html', launchHtml({ iss: sb.fhirBaseUrl, scope: 'openid fhirUser launch/patient offline_access patient/*.rs' })],
    // EHR launch: iss and launch come on the URL; fhirclient does not add "launch" when the scope mentions launch/patient.
    '/launch.html': ['text/html', launchHtml({ scope: 'openid fhirUser launch/patient offline_access patient/*.rs' })],
  };
  app = http.createServer((req, res) => {
    const page = pages[(req.url ?? '/').split('?')[0] ?? '/'];
    if (page === undefined) res.writeHead(404).end();
    else res.writeHead(200, { 'content-type': page[0] }).end(page[1]);
  });
  await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
  appOrigin = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
});

after(async () => {
  await sb?.close();
  await new Promise<void>((resolve) => (app === undefined ? resolve() : app.close(() => resolve())));
});

/** Opens the URL, lets fhirclient run the whole flow, returns what the app saw and the refresh request body. */
async function runApp(browser: Browser, url: string): Promise<{ result: AppResult; refreshBody: string | undefined }> {
  const page = await browser.newPage();
  const tokenBodies: string[] = [];
  page.on('request', (r) => {
    if (r.method() === 'POST' && r.url().startsWith(`${sb.issuer}/token`)) tokenBodies.push(r.postData() ?? '');
  });
  await page.goto(url);
  await page.waitForFunction(() => (globalThis as unknown as { __result?: unknown }).__result !== undefined, undefined, { timeout: 30_000 });
  const result = (await page.evaluate(() => (globalThis as unknown as { __result: unknown }).__result)) as AppResult;
  await page.close();
  return { result, refreshBody: tokenBodies.find((b) => b.includes('grant_type=refresh_token')) };
}

function assertCompleted(result: AppResult, refreshBody: string | undefined): void {
  assert.equal(result.error, undefined, `the app failed: ${result.error}`);
  assert.equal(typeof result.patientId, 'string', 'patient context in the token response');
  assert.equal(result.patientRead, `Patient/${result.patientId}`);
  assert.match(result.fhirUser ?? '', /^(Practitioner|Patient)\/[^/]+$/);
  assert.equal(typeof result.idTokenSub, 'string');
  assert.match(String(result.idTokenFhirUser), /(Practitioner|Patient)\/[^/]+$/, 'the id_token carries fhirUser');
  assert.match(result.scope ?? '', /\blaunch\/patient\b/);
  // fhirclient's default refresh: grant_type and refresh_token, nothing else.
  assert.ok(refreshBody !== undefined, 'fhirclient sent a refresh request');
  assert.deepEqual([...new URLSearchParams(refreshBody).keys()].sort(), ['grant_type', 'refresh_token']);
  assert.equal(result.refreshedToken, true, 'refresh gave a new access token');
  assert.equal(result.refreshedRefreshToken, true, 'the refresh token was rotated');
  assert.equal(result.readAfterRefresh, result.patientId, 'the refreshed token reads the patient');
}

test('fhirclient standalone launch against the sandbox: patient, Patient read, id_token fhirUser, default refresh', { skip }, async () => {
  const browser = await launchChromium();
  try {
    const { result, refreshBody } = await runApp(browser, `${appOrigin}/standalone.html`);
    assertCompleted(result, refreshBody);
  } finally {
    await browser.close();
  }
});

test('regression: fhirclient EHR launch requesting launch/patient gets the EHR patient (was Patient/null) and refreshes', { skip }, async () => {
  const browser = await launchChromium();
  try {
    const ehr = new URL(sb.ehrLaunchUrl);
    ehr.searchParams.set('launch_url', `${appOrigin}/launch.html`);
    const { result, refreshBody } = await runApp(browser, ehr.href);
    assertCompleted(result, refreshBody);
  } finally {
    await browser.close();
  }
});
