// --config / --profile through the built executable: a malformed config or a literal
// secret is exit 2 naming the file and the field on launch, token, discover and
// jwt-assert; a profile drives discover against the sandbox, --verbose naming the source.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startSandbox } from '../../src/sandbox/index.js';
import { parseJsonOutput, runCli } from '../helpers/run-cli.js';

function writeConfig(json: unknown): string {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'smartctl-bin-profiles-')), 'config.json');
  writeFileSync(file, typeof json === 'string' ? json : JSON.stringify(json));
  return file;
}

const COMMANDS: string[][] = [
  ['launch', '--headless', '--no-open'],
  ['token', '--grant', 'client_credentials'],
  ['discover'],
  ['jwt-assert'],
];

test('a malformed config is exit 2 naming the file and the field, on every command with --profile', async () => {
  const file = writeConfig({ profiles: { ci: { clientId: 42 } } });
  for (const args of COMMANDS) {
    const r = await runCli([...args, '--config', file, '--profile', 'ci']);
    assert.equal(r.code, 2, `${args[0] ?? ''}: ${r.stderr}`);
    assert.ok(r.stderr.includes(file), `${args[0] ?? ''}: ${r.stderr}`);
    assert.match(r.stderr, /profiles\.ci\.clientId: must be a non-empty string, got 42/, args[0]);
  }
});

test('a literal secret in the config is exit 2 saying why, on every command with --profile', async () => {
  const file = writeConfig({ profiles: { ci: { clientId: 'app', clientSecret: 'hunter2-literal' } } });
  for (const args of COMMANDS) {
    const r = await runCli([...args, '--config', file, '--profile', 'ci']);
    assert.equal(r.code, 2, `${args[0] ?? ''}: ${r.stderr}`);
    assert.match(r.stderr, /profiles\.ci\.clientSecret: a literal secret is not allowed in a config file/, args[0]);
    assert.ok(!r.stderr.includes('hunter2-literal'), 'the secret is not echoed');
  }
});

test('not JSON is exit 2 with the line and column; an unknown profile is exit 2 listing the profiles', async () => {
  const broken = writeConfig('{\n  "profiles": {\n    "ci": { "clientId": "a", }\n  }\n}\n');
  const r = await runCli(['discover', '--config', broken, '--profile', 'ci']);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /not JSON \(line 3, column \d+\)/);
  const ok = writeConfig({ profiles: { ci: { fhirBase: 'http://127.0.0.1:9/fhir' } } });
  const unknown = await runCli(['token', '--grant', 'client_credentials', '--config', ok, '--profile', 'nope']);
  assert.equal(unknown.code, 2, unknown.stderr);
  assert.match(unknown.stderr, /no profile "nope" \(from --profile\); profiles: ci/);
});

test('discover --profile against the sandbox; SMARTCTL_PROFILE too; --verbose says where the FHIR base came from', async () => {
  const sandbox = await startSandbox({});
  try {
    const file = writeConfig({ profiles: { sb: { fhirBase: sandbox.fhirBaseUrl } } });
    const r = await runCli(['discover', '--config', file, '--profile', 'sb', '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(parseJsonOutput(r)['fhirBaseUrl'], sandbox.fhirBaseUrl);
    const v = await runCli(['discover', '--config', file, '--verbose'], { env: { SMARTCTL_PROFILE: 'sb' } });
    assert.equal(v.code, 0, v.stderr);
    assert.ok(v.stderr.includes(`<fhir-base-url>: from profile "sb" (${file})`), v.stderr);
  } finally {
    await sandbox.close();
  }
});
