// smartctl against an independent OpenID provider (oidc-provider) on 127.0.0.1: a
// private_key_jwt client_credentials token, and a full launch whose login and consent a
// real browser (Debian chromium) completes, with the id_token validated by smartctl.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseJsonOutput, REPO_ROOT, runCli } from '../helpers/run-cli.js';
import { freePort, startOidcPeer } from '../helpers/oidc-peer.js';
import { CHROMIUM, launchChromium, launchWaiting } from '../helpers/launch-process.js';

test('token --grant client_credentials with private_key_jwt against oidc-provider', async () => {
  const peer = await startOidcPeer({ redirectUri: 'http://127.0.0.1:1/callback' });
  try {
    const r = await runCli(['token', '--grant', 'client_credentials', '--iss', peer.fhirBaseUrl, '--client-id', 'peer-backend', '--key', path.join(REPO_ROOT, 'fixtures/keys/ec384.private.jwk.json'), '--scope', 'system/Patient.rs', '--json']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const doc = parseJsonOutput(r);
    assert.equal(doc['status'], 200);
    assert.equal(doc['authMethod'], 'private_key_jwt');
    assert.equal((doc['tokenResponse'] as Record<string, unknown>)['access_token'], '[REDACTED]');
    assert.equal((doc['tokenResponse'] as Record<string, unknown>)['scope'], 'system/Patient.rs');
    const wrongKid = await runCli(['token', '--grant', 'client_credentials', '--token-url', peer.tokenEndpoint, '--client-id', 'peer-backend', '--key', path.join(REPO_ROOT, 'fixtures/keys/ec384.sec1.pem'), '--kid', 'not-registered', '--scope', 'system/Patient.rs', '--json']);
    assert.equal(wrongKid.code, 1);
    assert.ok((parseJsonOutput(wrongKid)['findings'] as Array<{ id: string }>).some((f) => f.id === 'token-invalid-client'));
  } finally {
    await peer.close();
  }
});

test('launch against oidc-provider: chromium signs in and consents, smartctl validates the id_token and refreshes', { skip: existsSync(CHROMIUM) ? false : `${CHROMIUM} is not installed` }, async () => {
  const port = await freePort();
  const redirectUri = `http://127.0.0.1:${port}/callback`;
  const peer = await startOidcPeer({ redirectUri });
  const run = launchWaiting(['--iss', peer.fhirBaseUrl, '--client-id', 'peer-public', '--redirect-uri', redirectUri, '--scope', 'openid offline_access', '--prompt', 'consent', '--refresh', '--json', '--callback-timeout', '60'], /(http:\/\/127\.0\.0\.1:\d+\/auth\?\S+)/);
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.goto(await run.url, { waitUntil: 'domcontentloaded' });
    await page.locator('input[name="login"]').fill('alice');
    await page.locator('input[name="password"]').fill('any');
    await page.locator('button[type="submit"]').click();
    await page.locator('input[name="prompt"][value="consent"]').waitFor({ state: 'attached' });
    await page.locator('button[type="submit"]').click();
    await page.getByRole('heading', { name: /Done/ }).waitFor();
  } finally {
    await browser.close();
  }
  const result = await run.done;
  await peer.close();
  const doc = parseJsonOutput(result);
  assert.equal(result.code, 0, result.stdout);
  assert.equal(doc['idTokenSignatureValid'], true);
  assert.equal((doc['idTokenClaims'] as Record<string, unknown>)['sub'], 'alice');
  assert.equal((doc['idTokenClaims'] as Record<string, unknown>)['iss'], peer.origin);
  assert.equal((doc['idTokenClaims'] as Record<string, unknown>)['aud'], 'peer-public');
  // offline_access with prompt=consent: oidc-provider issues a refresh token; smartctl refreshes.
  assert.equal((doc['tokenResponse'] as Record<string, unknown>)['refresh_token'], '[REDACTED]');
  const refreshed = doc['refresh'] as { scope: string } | undefined;
  assert.ok(refreshed !== undefined, 'the refresh ran');
  assert.deepEqual(refreshed.scope.split(' ').sort(), ['offline_access', 'openid']);
  const ids = (doc['findings'] as Array<{ id: string }>).map((f) => f.id);
  assert.ok(!ids.some((id) => id.startsWith('refresh-')), ids.join(', '));
  assert.ok((doc['steps'] as Array<{ name: string }>).map((s) => s.name).includes('refresh'));
});
