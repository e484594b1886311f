// Start-up stays lean: --version, --help and decode (without --verify) must not load jose
// or undici; only launch, token, discover, check and decode --verify may load undici. A
// loader hook records every resolved module into a file. bin/smartctl.js runs the
// esbuild bundle, whose chunks hold many sources each, so each loaded chunk is mapped
// back to the sources inside it through dist/bundle-meta.json (esbuild's metafile);
// a file outside the bundle stands for itself.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BIN, CLI_CACHE_HOME, REPO_ROOT } from '../helpers/run-cli.js';
import { unsignedJwt } from '../helpers/jwt.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'smartctl-imports-'));
const hooks = path.join(dir, 'hooks.mjs');
const register = path.join(dir, 'register.mjs');
writeFileSync(
  hooks,
  `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  appendFileSync(process.env.SMARTCTL_IMPORT_LOG, result.url + '\\n');
  return result;
}
`,
);
writeFileSync(register, `import { register } from 'node:module';\nregister(${JSON.stringify(`file://${hooks}`)});\n`);

interface Metafile {
  outputs: Record<string, { inputs: Record<string, unknown> }>;
}
const meta = JSON.parse(readFileSync(path.join(REPO_ROOT, 'dist', 'bundle-meta.json'), 'utf8')) as Metafile;

/**
 * A chunk input as a repository path: scripts/bundle.mjs copies some modules into a
 * command's own chunk under a namespace ("explain-inline:/abs/src/diagnose/catalog.ts").
 */
function sourcePath(input: string): string {
  const file = input.replace(/^[a-z-]+-inline:/, '');
  return path.isAbsolute(file) ? path.relative(REPO_ROOT, file).split(path.sep).join('/') : file;
}

/** The sources behind the modules a run loaded: a chunk's inputs, or the file itself. */
function loadedSources(args: string[], options: { allowExit?: number[] } = {}): string[] {
  const log = path.join(dir, `log-${Math.random().toString(36).slice(2)}.txt`);
  writeFileSync(log, '');
  const r = spawnSync(process.execPath, ['--import', register, BIN, ...args], { env: { ...process.env, SMARTCTL_IMPORT_LOG: log, NO_COLOR: '1', CI: '1', XDG_CACHE_HOME: CLI_CACHE_HOME }, encoding: 'utf8', input: '', timeout: 60_000 });
  assert.ok(existsSync(log));
  assert.ok((options.allowExit ?? [0, 1]).includes(r.status ?? -1), `exit ${r.status}: ${r.stderr}`);
  const sources: string[] = [];
  for (const url of new Set(readFileSync(log, 'utf8').split('\n'))) {
    if (!url.startsWith('file:')) continue;
    const file = path.relative(REPO_ROOT, fileURLToPath(url)).split(path.sep).join('/');
    const chunk = meta.outputs[file];
    sources.push(file, ...(chunk === undefined ? [] : Object.keys(chunk.inputs).map(sourcePath)));
  }
  return sources;
}

const JOSE_OR_UNDICI = /node_modules\/(jose|undici)\//;
const UNDICI = /node_modules\/undici\//;
const has = (sources: string[], pattern: RegExp): boolean => sources.some((s) => pattern.test(s));

test('the metafile maps jose and undici to chunks (so the checks below can see them)', () => {
  const inputs = Object.values(meta.outputs).flatMap((o) => Object.keys(o.inputs));
  assert.ok(has(inputs, /node_modules\/jose\//));
  assert.ok(has(inputs, UNDICI));
});

test('--version loads neither commander, jose nor undici', () => {
  const loaded = loadedSources(['--version']);
  assert.ok(has(loaded, /^bin\/smartctl\.js$/), `the hook sees modules: ${loaded.join(', ')}`);
  assert.ok(!has(loaded, /node_modules\/commander\//), 'commander loaded for a bare --version');
  assert.ok(!has(loaded, JOSE_OR_UNDICI));
});

test('--help loads commander but neither jose nor undici', () => {
  const loaded = loadedSources(['--help']);
  assert.ok(has(loaded, /node_modules\/commander\//));
  assert.ok(!has(loaded, JOSE_OR_UNDICI));
});

test('decode without --verify loads neither jose nor undici; keygen does load jose', () => {
  const loaded = loadedSources(['decode', unsignedJwt({ sub: 'a', nonce: 'x', exp: 4_000_000_000 })]);
  assert.ok(has(loaded, /^src\/commands\/decode\.ts$/), 'the decode command ran');
  assert.ok(!has(loaded, JOSE_OR_UNDICI));
  const withJose = loadedSources(['keygen', '--out', path.join(dir, 'k')]);
  assert.ok(has(withJose, /node_modules\/jose\//), 'the hook would catch jose');
});

test('commands that make no request do not load undici', () => {
  const cases: string[][] = [
    ['diff-scopes', 'openid patient/*.read', 'patient/*.read'],
    ['explain', '--status', '401', '--body', '{"error":"invalid_client"}'],
    ['keygen', '--out', path.join(dir, 'k2')],
    ['jwt-assert', '--check', unsignedJwt({ iss: 'a', sub: 'a', aud: 'https://ehr.example/token', jti: 'j', exp: 4_000_000_000 })],
  ];
  for (const args of cases) assert.ok(!has(loadedSources(args, { allowExit: [0, 1, 2] }), UNDICI), `${args[0]} loaded undici`);
});

test('decode --verify and launch do load undici (the check above can fail)', () => {
  assert.ok(has(loadedSources(['decode', '--verify', '--jwks', 'http://127.0.0.1:9/jwks', unsignedJwt({ sub: 'a' })], { allowExit: [1, 2, 3] }), UNDICI));
  assert.ok(has(loadedSources(['launch', '--sandbox', '--headless', '--json']), UNDICI));
});

test('explain --status --body loads the diagnosis rules, not the HTTP client, the sandbox, jose, undici or open', () => {
  const loaded = loadedSources(['explain', '--status', '401', '--body', '{"error":"invalid_client"}', '--json']);
  assert.ok(has(loaded, /^src\/diagnose\/catalog\.ts$/), 'the rules loaded');
  // The fault registry (names and findings, data for --help) is the only part of the sandbox every command sees.
  const heavy = loaded.filter((s) => /^src\/(http|sandbox)\//.test(s) && !/^src\/sandbox\/faults\//.test(s));
  assert.deepEqual(heavy, [], `explain loaded ${heavy.join(', ')}`);
  assert.ok(!has(loaded, /node_modules\/(jose|undici|open|@inquirer)\//));
});

test('the Markdown report renderer loads only with --report', () => {
  const jwt = unsignedJwt({ sub: 'a', nonce: 'x', exp: 4_000_000_000 });
  const MARKDOWN = /^src\/report\/render\/markdown\.ts$/;
  const without = loadedSources(['decode', jwt]);
  assert.ok(!has(without, MARKDOWN), 'decode loaded the Markdown renderer');
  assert.ok(!has(without, /^src\/commands\/report-export\.ts$/));
  const withReport = loadedSources(['decode', jwt, '--report', path.join(dir, 'r.md')]);
  assert.ok(has(withReport, MARKDOWN), 'decode --report loads it (the check above can fail)');
  assert.ok(!has(withReport, JOSE_OR_UNDICI), 'decode --report still loads neither jose nor undici');
});
