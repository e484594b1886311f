// launchCommand in process against the embedded sandbox: the report it returns (data,
// sections, findings), the default scope, --save's file, EHR launch with refresh, and
// the flag checks that must fail before any network use.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { launchCommand } from '../../src/commands/launch.js';
import { isSmartctlError } from '../../src/errors.js';
import { defaultScopes } from '../../src/protocol/scopes/defaults.js';
import { testContext } from '../helpers/command-context.js';

const base = { callbackTimeout: 20, open: true, pkce: true };

test('standalone --sandbox --headless: a completed report with every section and the default scope', async () => {
  const ctx = testContext();
  const report = await launchCommand(ctx, { ...base, sandbox: true, headless: true });
  assert.equal(report.ok, true, JSON.stringify(report.findings, null, 2));
  assert.equal(report.data['stoppedAt'], null);
  const requested = (report.data['scopes'] as { requested: string }).requested;
  assert.equal(requested, defaultScopes('standalone', 'v2'));
  assert.ok(ctx.narrated.some((m) => m.includes(`no --scope given: requesting "${requested}"`)));
  const titles = report.sections.map((s) => s.title);
  for (const t of ['Launch', 'Scopes', 'Token response', 'FHIR probe']) assert.ok(titles.includes(t), t);
  assert.ok(titles.some((t) => t === 'id_token (signature valid)'), titles.join(', '));
  assert.equal(report.data['idTokenSignatureValid'], true);
  assert.equal((report.data['idTokenClaims'] as Record<string, unknown>)['aud'], report.data['clientId']);
  const url = new URL(String(report.data['authorizeUrl']));
  for (const p of ['state', 'nonce', 'code_challenge', 'aud']) assert.ok(url.searchParams.get(p), p);
  assert.equal(url.searchParams.get('code_challenge_method'), 'S256');
  assert.equal(url.searchParams.get('aud'), report.data['fhirBaseUrl']);
});

test('EHR launch with --refresh and --save: launch param sent, refresh checked, session file 0600 with the raw response', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'smartctl-launch-cmd-'));
  const file = path.join(dir, 'session.json');
  const report = await launchCommand(testContext(), { ...base, sandbox: true, headless: true, ehr: true, refresh: true, save: file });
  assert.equal(report.ok, true, JSON.stringify(report.findings, null, 2));
  assert.ok(new URL(String(report.data['authorizeUrl'])).searchParams.get('launch'));
  assert.ok(report.sections.some((s) => s.title === 'Refresh' && (s.rows ?? []).some(([k, v]) => k === 'new token works' && v === 'yes')));
  assert.equal(statSync(file).mode & 0o777, 0o600);
  const saved = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  assert.deepEqual(Object.keys(saved).sort(), ['clientId', 'issuer', 'savedAt', 'tokenResponse']);
  const tr = saved['tokenResponse'] as Record<string, unknown>;
  assert.equal(typeof tr['access_token'], 'string');
  assert.notEqual(tr['access_token'], '[REDACTED]', 'the saved response is the one received');
  assert.deepEqual(readdirSync(dir), ['session.json']);
});

test('fault drop-openid: the report stops nowhere but carries openid-scope-dropped', async () => {
  const report = await launchCommand(testContext(), { ...base, sandbox: true, headless: true, sandboxFault: ['drop-openid'] });
  assert.equal(report.ok, false);
  assert.ok(report.findings.some((f) => f.id === 'openid-scope-dropped'));
  assert.equal(report.data['idTokenClaims'], undefined);
});

test('flag checks fail with usage errors before any network use', async () => {
  const cases: Array<[Record<string, unknown>, string]> = [
    [{}, 'option-missing'],
    [{ iss: 'http://127.0.0.1:9/fhir' }, 'option-missing'],
    [{ sandbox: true, iss: 'http://127.0.0.1:9/fhir' }, 'options-conflict'],
    [{ iss: 'http://127.0.0.1:9/fhir', sandboxFault: ['drop-openid'], clientId: 'x' }, 'options-conflict'],
  ];
  for (const [opts, code] of cases) {
    await assert.rejects(launchCommand(testContext(), { ...base, ...opts }), (e: unknown) => isSmartctlError(e) && e.kind === 'usage' && e.code === code, JSON.stringify(opts));
  }
  // Missing client id: the message names the flag (no prompt without a TTY).
  await assert.rejects(launchCommand(testContext(), { ...base, iss: 'http://127.0.0.1:9/fhir' }), /--client-id/);
});
