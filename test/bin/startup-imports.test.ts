// Start-up stays lean: --version, --help and decode (without --verify) must not load jose
// or undici; only launch, token, discover, check and decode --verify may load undici.
// bin/smartctl.js runs the bundles of dist/bundle (scripts/bundle.mjs), each compiled as a
// vm.Script by the bundle loader: a preloaded script records the file of every vm.Script
// made and every file require() loads, and each bundle is mapped back to the sources
// inside it through dist/bundle-meta.json (esbuild's metafiles).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BIN, CLI_CACHE_HOME, REPO_ROOT } from '../helpers/run-cli.js';
import { unsignedJwt } from '../helpers/jwt.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'smartctl-imports-'));
const preload = path.join(dir, 'record-loads.cjs');
writeFileSync(
  preload,
  `'use strict';
const fs = require('node:fs');
const vm = require('node:vm');
const Module = require('node:module');
const path = require('node:path');
const log = (file) => fs.appendFileSync(process.env.SMARTCTL_IMPORT_LOG, file + '\\n');
const Script = vm.Script;
vm.Script = class extends Script {
  constructor(source, options) {
    if (options && typeof options.filename === 'string') log(options.filename);
    super(source, options);
  }
};
const load = Module._load;
Module._load = function (request, parent, isMain) {
  const resolved = Module._resolveFilename(request, parent, isMain);
  if (path.isAbsolute(resolved)) log(resolved);
  return load.apply(this, arguments);
};
`,
);

interface Metafile {
  outputs: Record<string, { inputs: Record<string, unknown> }>;
}
const meta = JSON.parse(readFileSync(path.join(REPO_ROOT, 'dist', 'bundle-meta.json'), 'utf8')) as Metafile;

/** The sources behind the files a run loaded: a bundle's inputs, or the file itself. */
function loadedSources(args: string[], options: { allowExit?: number[] } = {}): string[] {
  const log = path.join(dir, `log-${Math.random().toString(36).slice(2)}.txt`);
  writeFileSync(log, '');
  const r = spawnSync(process.execPath, ['--require', preload, BIN, ...args], { env: { ...process.env, SMARTCTL_IMPORT_LOG: log, NO_COLOR: '1', CI: '1', XDG_CACHE_HOME: CLI_CACHE_HOME }, encoding: 'utf8', input: '', timeout: 60_000 });
  assert.ok(existsSync(log));
  assert.ok((options.allowExit ?? [0, 1]).includes(r.status ?? -1), `exit ${r.status}: ${r.stderr}`);
  const sources: string[] = [];
  for (const loaded of new Set(readFileSync(log, 'utf8').split('\n'))) {
    if (loaded === '') continue;
    const file = path.relative(REPO_ROOT, loaded).split(path.sep).join('/');
    const bundle = meta.outputs[file];
    sources.push(file, ...(bundle === undefined ? [] : Object.keys(bundle.inputs)));
  }
  return sources;
}

const JOSE_OR_UNDICI = /node_modules\/(jose|undici)\//;
const UNDICI = /node_modules\/undici\//;
const has = (sources: string[], pattern: RegExp): boolean => sources.some((s) => pattern.test(s));

test('the metafile maps jose and undici to bundles (so the checks below can see them)', () => {
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
