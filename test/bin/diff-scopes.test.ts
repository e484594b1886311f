import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseJsonOutput, runCli } from '../helpers/run-cli.js';

const REQUESTED = 'launch online_access openid profile patient/Patient.read user/Practitioner.read';
const GRANTED = 'launch online_access patient/Patient.read user/Practitioner.read';

test('exit 1 on the issue example, with openid-scope-dropped in the human view', async () => {
  const r = await runCli(['diff-scopes', REQUESTED, GRANTED]);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /Scope table/);
  assert.match(r.stdout, /dropped\s+openid/);
  assert.match(r.stdout, /dropped\s+profile/);
  assert.match(r.stdout, /\[openid-scope-dropped\]/);
  assert.match(r.stdout, /no id_token/);
});

test('exit 0 when every scope was granted (v1 asked, v2 granted)', async () => {
  const r = await runCli(['diff-scopes', 'openid fhirUser patient/*.read', 'openid fhirUser patient/*.rs']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /granted-equivalent\s+patient\/\*\.read\s+→ patient\/\*\.rs/);
});

test('exit 0 with only warnings (a narrowed scope)', async () => {
  const r = await runCli(['diff-scopes', 'patient/Observation.cruds', 'patient/Observation.rs']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /\[scope-narrowed\]/);
});

test('--json: one document with command, ok, findings, counts and a row per scope', async () => {
  const r = await runCli(['diff-scopes', REQUESTED, GRANTED, '--json']);
  assert.equal(r.code, 1);
  const doc = parseJsonOutput(r);
  assert.equal(doc['command'], 'diff-scopes');
  assert.equal(doc['ok'], false);
  const findings = doc['findings'] as Array<Record<string, unknown>>;
  assert.deepEqual(findings.map((f) => f['id']), ['openid-scope-dropped']);
  assert.equal(findings[0]?.['severity'], 'error');
  assert.equal(typeof findings[0]?.['spec'], 'string');
  assert.deepEqual(doc['requested'], REQUESTED.split(' '));
  assert.deepEqual(doc['granted'], GRANTED.split(' '));
  assert.deepEqual(doc['counts'], { 'granted-as-asked': 4, 'granted-equivalent': 0, narrowed: 0, widened: 0, dropped: 2, added: 0 });
  const scopes = doc['scopes'] as Array<Record<string, unknown>>;
  assert.equal(scopes.length, 6);
  assert.deepEqual(scopes[2], { scope: 'openid', parsed: { kind: 'openid', raw: 'openid' }, side: 'requested', classification: 'dropped', grantedAs: [] });
  assert.equal(r.stderr, '', 'no narration with --json');
});

test('- reads one side from stdin', async () => {
  const r = await runCli(['diff-scopes', 'patient/Observation.read', '-', '--json'], { stdin: 'patient/Observation.rs\n' });
  assert.equal(r.code, 0);
  assert.deepEqual(parseJsonOutput(r)['granted'], ['patient/Observation.rs']);
});

test('@file reads a side from a file', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'smartctl-bin-diff-'));
  writeFileSync(path.join(dir, 'granted.txt'), 'openid\npatient/*.read\n');
  const r = await runCli(['diff-scopes', 'openid patient/*.read', '@granted.txt', '--json'], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(parseJsonOutput(r)['granted'], ['openid', 'patient/*.read']);
});

test('exit 2 on a missing file, one short line, no stack', async () => {
  const r = await runCli(['diff-scopes', '@nope.txt', 'openid']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /requested scopes: nope\.txt: no such file/);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
  assert.ok(r.stderr.trim().split('\n').length <= 2, r.stderr);
  assert.equal(r.stdout, '');
});

test('exit 2 when both sides are "-"', async () => {
  const r = await runCli(['diff-scopes', '-', '-']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /only one of <requested> and <granted> can be "-"/);
});

test('exit 2 when an argument is missing', async () => {
  const r = await runCli(['diff-scopes', 'openid']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /missing required argument 'granted'/);
});

test('exit 2 on a token response that is not JSON after all', async () => {
  const r = await runCli(['diff-scopes', 'openid', '{"scope":']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /granted scopes look like JSON but do not parse/);
});

test('malformed scopes are findings, not crashes (exit 1 for a malformed request)', async () => {
  const r = await runCli(['diff-scopes', 'patient/Observation.sr Patient/X.read \u0001', 'patient/Observation.rs', '--json']);
  assert.equal(r.code, 1);
  const ids = (parseJsonOutput(r)['findings'] as Array<Record<string, unknown>>).map((f) => f['id']);
  assert.ok(ids.includes('scope-malformed'), JSON.stringify(ids));
});

test('--help shows examples', async () => {
  const r = await runCli(['diff-scopes', '--help']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /Examples:/);
  assert.match(r.stdout, /smartctl diff-scopes/);
});
