import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { diffScopesCommand } from '../../src/commands/diff-scopes.js';
import type { CommandContext } from '../../src/commands/context.js';
import { isSmartctlError } from '../../src/errors.js';
import { redactReport } from '../../src/report/redact.js';
import { SECTION_LINES_SHOWN } from '../../src/report/view-limits.js';
import { renderHuman } from '../../src/report/render/human.js';
import type { ScopeComparisonEntry } from '../../src/protocol/scopes/compare.js';

function context(options: { stdin?: string; stdinIsTTY?: boolean; cwd?: string } = {}): CommandContext & { narrated: string[] } {
  const narrated: string[] = [];
  return {
    narrated,
    globals: { json: false, color: false, verbose: false, quiet: false, debug: false, showSecrets: false, timeoutMs: 1000, insecure: false, noInput: true },
    env: {},
    cwd: options.cwd ?? process.cwd(),
    cacheDir: tmpdir(),
    narrate: { step: (m) => narrated.push(m), info: (m) => narrated.push(m), warn: (m) => narrated.push(m), action: (m) => narrated.push(m) },
    now: () => new Date('2026-01-01T00:00:00Z'),
    interactive: false,
    stdinIsTTY: options.stdinIsTTY ?? false,
    readStdin: () => Promise.resolve(options.stdin ?? ''),
    print: () => undefined,
    untilInterrupted: () => Promise.resolve(),
  };
}

async function rejectsWith(promise: Promise<unknown>, kind: string, code: string): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(isSmartctlError(error), `expected a SmartctlError, got ${String(error)}`);
    assert.equal(error.kind, kind);
    assert.equal(error.code, code);
    return true;
  });
}

const dir = mkdtempSync(path.join(tmpdir(), 'smartctl-diff-scopes-'));
writeFileSync(path.join(dir, 'requested.txt'), 'launch\nopenid\nfhirUser\npatient/*.read\n');
writeFileSync(path.join(dir, 'token-response.json'), JSON.stringify({ access_token: 'x', scope: 'launch patient/*.rs', patient: '123' }));
writeFileSync(path.join(dir, 'no-scope.json'), JSON.stringify({ access_token: 'x' }));
writeFileSync(path.join(dir, 'broken.json'), '{"scope": ');
mkdirSync(path.join(dir, 'a-directory'));

test('the issue example: ok is false, openid-scope-dropped, data lists every scope', async () => {
  const report = await diffScopesCommand(context(), 'launch online_access openid profile patient/Patient.read user/Practitioner.read', 'launch online_access patient/Patient.read user/Practitioner.read');
  assert.equal(report.command, 'diff-scopes');
  assert.equal(report.ok, false);
  assert.deepEqual(report.findings.map((f) => f.id), ['openid-scope-dropped']);
  const scopes = report.data['scopes'] as ScopeComparisonEntry[];
  assert.deepEqual(scopes.map((e) => [e.scope, e.classification]), [
    ['launch', 'granted-as-asked'],
    ['online_access', 'granted-as-asked'],
    ['openid', 'dropped'],
    ['profile', 'dropped'],
    ['patient/Patient.read', 'granted-as-asked'],
    ['user/Practitioner.read', 'granted-as-asked'],
  ]);
  assert.deepEqual(report.data['counts'], { 'granted-as-asked': 4, 'granted-equivalent': 0, narrowed: 0, widened: 0, dropped: 2, added: 0 });
});

test('the human view has a table row per scope with its classification', async () => {
  const report = await diffScopesCommand(context(), 'patient/Observation.read openid', 'patient/Observation.rs patient/Patient.rs');
  const table = report.sections.find((s) => s.title === 'Scope table');
  assert.ok(table);
  assert.deepEqual(table.lines, [
    'granted-equivalent  patient/Observation.read  → patient/Observation.rs',
    'dropped             openid',
    'added               patient/Patient.rs',
  ]);
});

test('@file reads the side from a file, relative to cwd', async () => {
  const report = await diffScopesCommand(context({ cwd: dir }), '@requested.txt', 'launch openid fhirUser patient/*.read');
  assert.equal(report.ok, true);
  assert.deepEqual(report.data['requested'], ['launch', 'openid', 'fhirUser', 'patient/*.read']);
});

test('a token response JSON gives its scope member', async () => {
  const report = await diffScopesCommand(context({ cwd: dir }), 'launch patient/*.read', '@token-response.json');
  assert.deepEqual(report.data['granted'], ['launch', 'patient/*.rs']);
  assert.equal((report.data['counts'] as Record<string, number>)['granted-equivalent'], 1);
});

test('- reads one side from stdin', async () => {
  const report = await diffScopesCommand(context({ stdin: 'patient/Observation.rs\n' }), 'patient/Observation.read', '-');
  assert.deepEqual(report.data['granted'], ['patient/Observation.rs']);
  assert.equal(report.ok, true);
});

test('both sides "-" is a usage error', async () => {
  await rejectsWith(diffScopesCommand(context(), '-', '-'), 'usage', 'stdin-used-twice');
});

test('"-" with a terminal on stdin is a usage error', async () => {
  await rejectsWith(diffScopesCommand(context({ stdinIsTTY: true }), 'openid', '-'), 'usage', 'stdin-is-tty');
});

test('a missing file, a directory and a bare @ are input/usage errors', async () => {
  await rejectsWith(diffScopesCommand(context({ cwd: dir }), '@nope.txt', 'openid'), 'input', 'file-unreadable');
  await rejectsWith(diffScopesCommand(context({ cwd: dir }), 'openid', '@a-directory'), 'input', 'file-unreadable');
  await rejectsWith(diffScopesCommand(context({ cwd: dir }), '@', 'openid'), 'usage', 'file-name-missing');
});

test('JSON without a scope member, or broken JSON, is an input error', async () => {
  await rejectsWith(diffScopesCommand(context({ cwd: dir }), 'openid', '@no-scope.json'), 'input', 'scope-member-missing');
  await rejectsWith(diffScopesCommand(context({ cwd: dir }), 'openid', '@broken.json'), 'input', 'json-malformed');
});

test('scope restrictions such as ?code= survive redaction in the data and the table', async () => {
  const scope = 'patient/Observation.rs?code=http://loinc.org|1234-5';
  const report = redactReport(await diffScopesCommand(context(), scope, scope), false);
  assert.deepEqual(report.data['requested'], [scope]);
  const table = report.sections.find((s) => s.title === 'Scope table');
  assert.match((table?.lines ?? []).join('\n'), /\?code=http:\/\/loinc\.org\|1234-5/);
});

test('a long scope table builds only the rows a renderer shows, and the human view counts the rest', async () => {
  const requested = Array.from({ length: 450 }, (_, i) => `patient/Type${i}.read`).join(' ');
  const report = await diffScopesCommand(context(), requested, requested);
  const table = report.sections.find((s) => s.title === 'Scope table');
  assert.ok(table);
  assert.equal(table.lines?.length, SECTION_LINES_SHOWN);
  assert.equal(table.lineCount, 450);
  assert.equal(table.lines?.[199], 'granted-as-asked    patient/Type199.read');
  const human = renderHuman(redactReport(report, false), { color: false, verbose: false, quiet: false });
  assert.match(human, /granted-as-asked {4}patient\/Type199\.read\n {2}… and 250 more\n/);
  assert.doesNotMatch(human, /patient\/Type200\.read/);
  assert.equal((report.data['scopes'] as unknown[]).length, 450, 'the data keeps every scope');
});
