// Real browser, the two ends of the sandbox's pages not covered by launch-browser.test.ts:
// a person who accepts every default (first user, default patient, all scopes) and one
// who presses Deny on the consent page. Debian chromium via playwright-core; the CLI
// runs as `launch --sandbox --no-open --json` and prints the URL on stderr.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { parseJsonOutput } from '../helpers/run-cli.js';
import { CHROMIUM, launchChromium, launchWaiting } from '../helpers/launch-process.js';

/** Signs in with the preselected user and reaches the consent page (a practitioner passes the patient picker on its default). */
async function signInToConsent(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Sign in' }).click();
  const picker = page.getByRole('heading', { name: 'Choose a patient' });
  const consent = page.getByRole('heading', { name: /Authorize/ });
  await picker.or(consent).first().waitFor();
  if (await picker.isVisible()) await page.getByRole('button', { name: 'Continue' }).click();
  await consent.waitFor();
}

const skip = existsSync(CHROMIUM) ? false : `${CHROMIUM} is not installed (.ci/run installs it)`;

test('chromium takes every default on the sandbox pages; launch succeeds with a validated id_token', { skip }, async () => {
  const run = launchWaiting(['--sandbox', '--json', '--callback-timeout', '60']);
  const browser = await launchChromium();
  let doneText = '';
  try {
    const page = await browser.newPage();
    await page.goto(await run.url);
    await page.getByRole('heading', { name: 'Sign in to the sandbox' }).waitFor();
    const firstUser = await page.locator('input[name="user"]:checked').getAttribute('value');
    assert.ok(firstUser !== null && firstUser !== '', 'a user is preselected');
    await signInToConsent(page);
    const boxes = page.locator('input[name="scope"]');
    assert.ok((await boxes.count()) > 0, 'the consent page lists the scopes');
    assert.equal(await page.locator('input[name="scope"]:not(:checked)').count(), 0, 'every scope is ticked by default');
    await page.getByRole('button', { name: 'Allow' }).click();
    await page.getByRole('heading', { name: /Done/ }).waitFor();
    doneText = await page.locator('body').innerText();
    const landed = new URL(page.url());
    assert.equal(landed.hostname, '127.0.0.1');
    assert.ok(landed.searchParams.has('code') && landed.searchParams.has('state'), page.url());
  } finally {
    await browser.close();
  }
  assert.match(doneText, /received the authorization code/);
  const result = await run.done;
  const doc = parseJsonOutput(result);
  assert.equal(result.code, 0, result.stdout + result.stderr);
  assert.equal(doc['ok'], true);
  assert.equal(doc['idTokenSignatureValid'], true);
  const tokenResponse = doc['tokenResponse'] as Record<string, unknown>;
  assert.equal(tokenResponse['access_token'], '[REDACTED]');
  assert.equal(typeof tokenResponse['patient'], 'string');
  const errors = (doc['findings'] as Array<{ id: string; severity: string }>).filter((f) => f.severity === 'error').map((f) => f.id);
  assert.deepEqual(errors, []);
});

test('chromium presses Deny on the sandbox consent page; launch diagnoses access-denied-by-user, exit 1', { skip }, async () => {
  const run = launchWaiting(['--sandbox', '--json', '--callback-timeout', '60']);
  const browser = await launchChromium();
  let pageText = '';
  try {
    const page = await browser.newPage();
    await page.goto(await run.url);
    await page.getByRole('heading', { name: 'Sign in to the sandbox' }).waitFor();
    await signInToConsent(page);
    await page.getByRole('button', { name: 'Deny' }).click();
    await page.getByRole('heading', { name: /Authorization failed/ }).waitFor();
    pageText = await page.locator('body').innerText();
    assert.equal(new URL(page.url()).searchParams.get('error'), 'access_denied');
  } finally {
    await browser.close();
  }
  assert.match(pageText, /access_denied/);
  const result = await run.done;
  assert.equal(result.code, 1, result.stdout + result.stderr);
  const doc = parseJsonOutput(result);
  assert.equal(doc['ok'], false);
  const ids = (doc['findings'] as Array<{ id: string }>).map((f) => f.id);
  assert.ok(ids.includes('access-denied-by-user'), ids.join(', '));
});
