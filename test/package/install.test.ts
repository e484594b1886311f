// The package as a user gets it: a copy of the project packs itself with `npm pack`
// (whose prepack builds), the tarball installs into an empty folder with
// `npm install <tarball>` and globally with `npm install -g`, and the installed
// smartctl runs --version, a whole sandbox launch and decode from there, without the
// source tree. The copy keeps the working tree's dist/ untouched while other tests run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, statSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../helpers/run-cli.js';

const work = mkdtempSync(path.join(os.tmpdir(), 'smartctl-package-'));
const version = (JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

/** The environment without npm's own lifecycle variables (npm test sets them), so child npm runs as a user's would. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k) && k !== 'INIT_CWD' && k !== 'NODE_OPTIONS') env[k] = v;
  return { ...env, NO_COLOR: '1', CI: '1', XDG_CACHE_HOME: path.join(work, 'cache'), npm_config_cache: path.join(work, 'npm-cache'), npm_config_update_notifier: 'false', ...extra };
}

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = cleanEnv()): SpawnSyncReturns<string> {
  return spawnSync(command, args, { cwd, env, encoding: 'utf8', timeout: 180_000 });
}

function ok(r: SpawnSyncReturns<string>, what: string): string {
  assert.equal(r.status, 0, `${what} exited ${r.status}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  return r.stdout;
}

interface PackResult {
  filename: string;
  size: number;
  entryCount: number;
  files: Array<{ path: string }>;
}

let packed: PackResult | undefined;
let tarball = '';

test('npm pack builds on prepack and ships only the runnable package', () => {
  const project = path.join(work, 'project');
  // The source tree as committed (tests and test keys included, so the files list is what keeps them out), without builds.
  cpSync(REPO_ROOT, project, { recursive: true, filter: (src) => !/[/\\](node_modules|dist|\.git)$/.test(src) && !src.endsWith('.tgz') });
  assert.ok(!existsSync(path.join(project, 'dist')), 'the copy starts unbuilt');
  symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(project, 'node_modules'), 'dir');
  const out = ok(run('npm', ['pack', '--json', '--pack-destination', work], project), 'npm pack');
  packed = (JSON.parse(out.slice(out.indexOf('['))) as PackResult[])[0];
  assert.ok(packed !== undefined);
  tarball = path.join(work, packed.filename);
  const files = packed.files.map((f) => f.path);
  for (const needed of ['package.json', 'README.md', 'bin/smartctl.js', 'bin/package.json', 'dist/bundle/smartctl.cjs', 'dist/bundle/load.cjs', 'dist/bundle/build-id', 'fixtures/fhir/resources.json', 'fixtures/fhir/demo.json']) {
    assert.ok(files.includes(needed), `${needed} missing from the package: ${files.join(', ')}`);
  }
  const unwanted = files.filter((f) => /^(test|src|scripts|\.ci|dist\/(src|test|scripts))\/|^fixtures\/(keys|tls|tokens|discovery)\/|\.ts$|^tsconfig|^dist\/bundle-meta\.json$/.test(f));
  assert.deepEqual(unwanted, [], 'tests, sources, scripts and test keys stay out of the package');
  assert.ok(statSync(tarball).size < 2_000_000, `tarball is ${statSync(tarball).size} bytes`);
  // npx from the project folder runs the project's own bin (built by the pack).
  assert.equal(ok(run('npx', ['--no-install', 'smartctl', '--version'], project), 'npx smartctl --version in the project').trim(), version);
});

test('the tarball installs into an empty folder and its smartctl runs there', (t) => {
  if (tarball === '') return t.skip('npm pack failed');
  const app = path.join(work, 'app');
  mkdirSync(app);
  // --omit=optional: playwright-core (check --login only) is not needed for what this test runs.
  ok(run('npm', ['install', '--no-audit', '--no-fund', '--omit=optional', tarball], app), 'npm install <tarball>');
  const bin = path.join(app, 'node_modules', '.bin', 'smartctl');
  assert.equal(ok(run(bin, ['--version'], app), 'smartctl --version').trim(), version);

  const launch = run(bin, ['launch', '--sandbox', '--headless', '--json'], app);
  const report = JSON.parse(ok(launch, 'smartctl launch --sandbox --headless --json')) as { ok: boolean; idTokenSignatureValid?: boolean; probe?: unknown[] };
  assert.equal(report.ok, true, launch.stdout);
  assert.equal(report.idTokenSignatureValid, true);
  assert.ok(Array.isArray(report.probe) && report.probe.length > 0, 'the FHIR probe read the sandbox data shipped in the package');

  const jwt = readFileSync(path.join(REPO_ROOT, 'fixtures', 'tokens', 'id-token.rs384.jwt'), 'utf8').trim();
  const decoded = JSON.parse(ok(run(bin, ['decode', '--json', jwt], app), 'smartctl decode')) as { command: string; ok: boolean };
  assert.equal(decoded.command, 'decode');

  // The conformance suite, the diagnosis engine and the report schema from the package too.
  const checked = JSON.parse(ok(run(bin, ['check', '--sandbox', '--json'], app), 'smartctl check --sandbox --json')) as { command: string; ok: boolean; summary: { passed: number; failed: number } };
  assert.equal(checked.command, 'check');
  assert.equal(checked.summary.failed, 0);
  assert.ok(checked.summary.passed > 20, `only ${checked.summary.passed} check tests passed`);
  const explained = run(bin, ['explain', '--status', '401', '--body', '{"error":"invalid_client"}', '--json'], app);
  assert.equal(explained.status, 1, explained.stderr);
  assert.equal((JSON.parse(explained.stdout) as { findings: Array<{ id: string }> }).findings[0]?.id, 'token-invalid-client');
  assert.ok(existsSync(path.join(app, 'node_modules', 'smartctl', 'schema', 'report.schema.json')), 'the JSON Schema ships in the package');

  // The evidence outputs from the package: a token for a script, a HAR and a Markdown report.
  const token = run(bin, ['launch', '--sandbox', '--headless', '--output', 'access_token', '--har', 'run.har', '--report', 'run.md'], app);
  assert.match(ok(token, 'smartctl launch --output access_token --har --report'), /^\S{20,}\n$/, 'stdout is the access token alone');
  assert.match(token.stderr, /✔ launch completed/, 'the report went to stderr');
  const har = JSON.parse(readFileSync(path.join(app, 'run.har'), 'utf8')) as { log: { version: string; entries: unknown[] } };
  assert.equal(har.log.version, '1.2');
  assert.ok(har.log.entries.length >= 8, `${har.log.entries.length} HAR entries`);
  const markdown = readFileSync(path.join(app, 'run.md'), 'utf8');
  assert.match(markdown, /^# smartctl launch report: ok$/m);
  assert.ok(!markdown.includes(token.stdout.trim()), 'the token printed on stdout is not in the report');

  // npx from the folder it was installed in.
  assert.equal(ok(run('npx', ['--no-install', 'smartctl', '--version'], app), 'npx smartctl --version').trim(), version);
});

test('npm install -g <tarball> puts a working smartctl on the PATH', (t) => {
  if (tarball === '') return t.skip('npm pack failed');
  const prefix = path.join(work, 'global');
  ok(run('npm', ['install', '-g', '--no-audit', '--no-fund', '--omit=optional', '--prefix', prefix, tarball], work), 'npm install -g');
  const bin = process.platform === 'win32' ? path.join(prefix, 'smartctl.cmd') : path.join(prefix, 'bin', 'smartctl');
  assert.equal(ok(run(bin, ['--version'], work), 'global smartctl --version').trim(), version);
  const help = ok(run(bin, ['--help'], work), 'global smartctl --help');
  assert.match(help, /Usage: smartctl/);
});

test.after(() => rmSync(work, { recursive: true, force: true }));
