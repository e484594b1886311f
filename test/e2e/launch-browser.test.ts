// A real browser: Debian's chromium, driven by playwright-core, signs in on the sandbox's
// pages (login, patient picker, consent with one scope unticked) for a
// `launch --sandbox --no-open` run, and the CLI reports the narrowed grant.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { parseJsonOutput } from '../helpers/run-cli.js';
import { CHROMIUM, launchChromium, launchWaiting } from '../helpers/launch-process.js';

test('chromium completes login, patient picker and consent; launch reports the choices', { skip: existsSync(CHROMIUM) ? false : `${CHROMIUM} is not installed (.ci/run installs it)` }, async () => {
  const run = launchWaiting(['--sandbox', '--json', '--callback-timeout', '60']);
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.goto(await run.url);
    await page.getByRole('heading', { name: 'Sign in to the sandbox' }).waitFor();
    await page.locator('input[name="user"][value="dr-patel"]').check();
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Choose a patient' }).waitFor();
    await page.locator('input[name="patient"][value="patient-2"]').check();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('heading', { name: /Authorize/ }).waitFor();
    await page.locator('input[name="scope"][value="offline_access"]').uncheck();
    await page.getByRole('button', { name: 'Allow' }).click();
    await page.getByRole('heading', { name: /Done/ }).waitFor();
    assert.match(await page.content(), /see your terminal/);
  } finally {
    await browser.close();
  }
  const result = await run.done;
  const doc = parseJsonOutput(result);
  assert.equal(result.code, 0, result.stdout);
  assert.equal(doc['ok'], true);
  assert.equal((doc['tokenResponse'] as Record<string, unknown>)['patient'], 'patient-2');
  assert.equal((doc['idTokenClaims'] as Record<string, unknown>)['sub'], 'dr-patel');
  const ids = (doc['findings'] as Array<{ id: string }>).map((f) => f.id);
  assert.ok(ids.includes('refresh-scope-dropped'), `the unticked offline_access is reported: ${ids.join(',')}`);
});
