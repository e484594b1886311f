// A real browser: Debian's chromium, driven by playwright-core, signs in on the sandbox's
// pages (login, patient picker, consent with one scope unticked) for a
// `launch --sandbox --no-open` run, and the CLI reports the narrowed grant.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { BIN, parseJsonOutput } from '../helpers/run-cli.js';

const CHROMIUM = '/usr/bin/chromium';

test('chromium completes login, patient picker and consent; launch reports the choices', { skip: existsSync(CHROMIUM) ? false : `${CHROMIUM} is not installed (.ci/run installs it)` }, async () => {
  const child = spawn(process.execPath, [BIN, 'launch', '--sandbox', '--no-open', '--json', '--callback-timeout', '60'], { env: { ...process.env, NO_COLOR: '1', CI: '1' } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  const authorizeUrl = new Promise<string>((resolve, reject) => {
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      const m = /(http:\/\/127\.0\.0\.1:\d+\/oauth\/authorize\?\S+)/.exec(stderr);
      if (m?.[1] !== undefined) resolve(m[1]);
    });
    child.once('close', () => reject(new Error(`launch ended before printing the URL:\n${stderr}`)));
  });
  const exited = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -1)));
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await browser.newPage();
    await page.goto(await authorizeUrl);
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
  const code = await exited;
  const doc = parseJsonOutput({ code, stdout, stderr });
  assert.equal(code, 0, stdout);
  assert.equal(doc['ok'], true);
  assert.equal((doc['tokenResponse'] as Record<string, unknown>)['patient'], 'patient-2');
  assert.equal((doc['idTokenClaims'] as Record<string, unknown>)['sub'], 'dr-patel');
  const ids = (doc['findings'] as Array<{ id: string }>).map((f) => f.id);
  assert.ok(ids.includes('refresh-scope-dropped'), `the unticked offline_access is reported: ${ids.join(',')}`);
});
