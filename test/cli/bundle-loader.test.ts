// The bundle loader (src/cli/bundle-loader.ts): bundles compiled as vm.Scripts with V8's
// code cache in the user's cache folder. Tested on small bundles written here, and on the
// real package through bin/smartctl.js.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { cacheVariant, codeCacheDir, createBundleLoader, type LoaderOptions } from '../../src/cli/bundle-loader.js';
import { isSmartctlError, usageError } from '../../src/errors.js';
import { BIN, REPO_ROOT } from '../helpers/run-cli.js';

const run = promisify(execFile);

/** A bundle folder like dist/bundle: smartctl.cjs loads parts/sum.cjs through the loader. */
function bundleDir(buildId = '0123456789abcdef', body = 'a + b'): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'smartctl-bundles-'));
  mkdirSync(path.join(dir, 'parts'));
  writeFileSync(path.join(dir, 'build-id'), `${buildId}\n`);
  writeFileSync(path.join(dir, 'smartctl.cjs'), "const sum = __smartctl_load('parts/sum');\nexports.main = (a, b) => sum.add(a, b) * 10;\nexports.file = __filename;\n");
  writeFileSync(path.join(dir, 'parts', 'sum.cjs'), `exports.add = function add(a, b) { return ${body}; };\nexports.loads = (globalThis.__sumLoads = (globalThis.__sumLoads ?? 0) + 1);\n`);
  return dir;
}

function options(dir: string, cacheHome: string, extra: Partial<LoaderOptions> = {}): LoaderOptions {
  return { bundleDir: dir, env: { XDG_CACHE_HOME: cacheHome }, home: '/nonexistent-home', platform: 'linux', nodeVersion: process.version, arch: process.arch, variant: 'explain', ...extra };
}

function main(loader: ReturnType<typeof createBundleLoader>): (a: number, b: number) => number {
  return (loader.load('smartctl') as { main: (a: number, b: number) => number }).main;
}

const LOADER_URL = new URL('../../src/cli/bundle-loader.js', import.meta.url).href;

/**
 * One run in a process of its own (V8 also keeps compiled scripts in memory, so within one
 * process a second load never consults the cache): main(a, b), what became of each cache, save().
 */
async function runInChild(o: LoaderOptions, a: number, b: number): Promise<{ result: number; loaded: Array<{ name: string; cache: string }> }> {
  const script = `const { createBundleLoader } = await import(${JSON.stringify(LOADER_URL)});
const o = JSON.parse(process.argv[1]);
const loader = createBundleLoader(o);
const result = loader.load('smartctl').main(${a}, ${b});
loader.save();
process.stdout.write(JSON.stringify({ result, loaded: loader.loaded() }));`;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script, JSON.stringify(o)]);
  return JSON.parse(stdout) as { result: number; loaded: Array<{ name: string; cache: string }> };
}

test('the first run compiles and writes a cache per bundle (0700 folder, 0600 files); the next run takes it', async () => {
  const dir = bundleDir();
  const cacheHome = mkdtempSync(path.join(os.tmpdir(), 'smartctl-cache-'));
  const o = options(dir, cacheHome);
  const cacheDir = codeCacheDir(o) ?? '';
  assert.equal(cacheDir, path.join(cacheHome, 'smartctl', 'code', `0123456789abcdef-node${process.version}-${process.arch}`));
  const inProcess = createBundleLoader(o);
  assert.equal(main(inProcess)(2, 3), 50);
  assert.equal(existsSync(cacheDir), false, 'nothing is written before save()');
  const first = await runInChild(o, 2, 3);
  assert.deepEqual(first, { result: 50, loaded: [{ name: 'smartctl', cache: 'miss' }, { name: 'parts/sum', cache: 'miss' }] });
  assert.deepEqual(readdirSync(cacheDir).sort(), ['parts_sum.explain.v8cache', 'smartctl.explain.v8cache']);
  assert.equal(statSync(cacheDir).mode & 0o777, 0o700);
  for (const f of readdirSync(cacheDir)) {
    assert.equal(statSync(path.join(cacheDir, f)).mode & 0o777, 0o600);
    assert.ok(statSync(path.join(cacheDir, f)).size > 0);
  }
  const second = await runInChild(o, 4, 5);
  assert.deepEqual(second, { result: 90, loaded: [{ name: 'smartctl', cache: 'hit' }, { name: 'parts/sum', cache: 'hit' }] });
  // Another command keeps its own cache of the same bundles.
  const other = await runInChild({ ...o, variant: 'decode' }, 1, 1);
  assert.deepEqual(other.loaded.map((l) => l.cache), ['miss', 'miss']);
  assert.equal(readdirSync(cacheDir).length, 4);
});

test('a bundle is loaded once per process, and its __filename is its own file', () => {
  const dir = bundleDir();
  const loader = createBundleLoader(options(dir, mkdtempSync(path.join(os.tmpdir(), 'smartctl-cache-'))));
  const a = loader.load('parts/sum');
  const b = loader.load('parts/sum');
  assert.equal(a, b);
  assert.equal((loader.load('smartctl') as { file: string }).file, path.join(dir, 'smartctl.cjs'));
  assert.equal(loader.loaded().length, 2);
});

test('a damaged cache is refused by V8, the run is right all the same, and save() replaces it', async () => {
  const dir = bundleDir();
  const o = options(dir, mkdtempSync(path.join(os.tmpdir(), 'smartctl-cache-')));
  await runInChild(o, 1, 2);
  const file = path.join(codeCacheDir(o) ?? '', 'parts_sum.explain.v8cache');
  const garbage = Buffer.alloc(readFileSync(file).length, 0x5a);
  writeFileSync(file, garbage);
  const damaged = await runInChild(o, 1, 2);
  assert.deepEqual(damaged, { result: 30, loaded: [{ name: 'smartctl', cache: 'hit' }, { name: 'parts/sum', cache: 'rejected' }] });
  assert.notDeepEqual(readFileSync(file), garbage, 'save() wrote a new cache');
  const after = await runInChild(o, 1, 2);
  assert.deepEqual(after.loaded.map((l) => l.cache), ['hit', 'hit']);
});

test('a cache file or folder others can write (or another user owns) is not read: V8 would run what it holds', async () => {
  const dir = bundleDir();
  const o = options(dir, mkdtempSync(path.join(os.tmpdir(), 'smartctl-cache-')));
  await runInChild(o, 1, 2);
  const cacheDir = codeCacheDir(o) ?? '';
  const file = path.join(cacheDir, 'parts_sum.explain.v8cache');
  chmodSync(file, 0o666);
  const worldWritable = await runInChild(o, 1, 2);
  assert.deepEqual(worldWritable.loaded, [{ name: 'smartctl', cache: 'hit' }, { name: 'parts/sum', cache: 'miss' }]);
  assert.equal(statSync(file).mode & 0o777, 0o600, 'save() put a private file in its place');
  chmodSync(cacheDir, 0o777);
  const before = readdirSync(cacheDir).map((f) => statSync(path.join(cacheDir, f)).mtimeMs);
  const openFolder = await runInChild(o, 1, 2);
  assert.deepEqual(openFolder.loaded.map((l) => l.cache), ['miss', 'miss']);
  assert.deepEqual(readdirSync(cacheDir).map((f) => statSync(path.join(cacheDir, f)).mtimeMs), before, 'nothing written into a folder others can write');
  chmodSync(cacheDir, 0o700);
  if (process.getuid?.() === 0) {
    // Root can hand the file to another user: it is then not this user's code.
    chownSync(file, 65534, 65534);
    const foreign = await runInChild(o, 1, 2);
    assert.deepEqual(foreign.loaded.map((l) => l.cache), ['hit', 'miss']);
  }
});

test('another build (another build id) never reads this one’s cache, and replaces its folder', async () => {
  const cacheHome = mkdtempSync(path.join(os.tmpdir(), 'smartctl-cache-'));
  // Same length of source, other behaviour: V8 alone checks only the length.
  const oldBuild = bundleDir('1111111111111111', 'a + b');
  const newBuild = bundleDir('2222222222222222', 'a - b');
  assert.equal((await runInChild(options(oldBuild, cacheHome), 5, 3)).result, 80);
  const after = await runInChild(options(newBuild, cacheHome), 5, 3);
  assert.deepEqual(after, { result: 20, loaded: [{ name: 'smartctl', cache: 'miss' }, { name: 'parts/sum', cache: 'miss' }] });
  assert.deepEqual(readdirSync(path.join(cacheHome, 'smartctl', 'code')), [`2222222222222222-node${process.version}-${process.arch}`]);
});

test('no cache: SMARTCTL_CODE_CACHE=0, no build id, or a cache folder that cannot be written', () => {
  const dir = bundleDir();
  const cacheHome = mkdtempSync(path.join(os.tmpdir(), 'smartctl-cache-'));
  for (const value of ['0', 'off', 'false']) {
    const loader = createBundleLoader(options(dir, cacheHome, { env: { XDG_CACHE_HOME: cacheHome, SMARTCTL_CODE_CACHE: value } }));
    assert.equal(loader.cacheDir, undefined);
    assert.equal(main(loader)(1, 1), 20);
    assert.deepEqual(loader.loaded().map((l) => l.cache), ['off', 'off']);
    loader.save();
  }
  assert.deepEqual(readdirSync(cacheHome), []);
  const noId = bundleDir();
  writeFileSync(path.join(noId, 'build-id'), 'not a hash\n');
  assert.equal(codeCacheDir(options(noId, cacheHome)), undefined);
  // XDG_CACHE_HOME is a file: the folder cannot be made; the run and save() go on quietly.
  const blocker = path.join(cacheHome, 'a-file');
  writeFileSync(blocker, 'x');
  const blocked = createBundleLoader(options(dir, blocker));
  assert.equal(main(blocked)(2, 2), 40);
  assert.doesNotThrow(() => blocked.save());
  if (process.getuid?.() !== 0) {
    // A read-only cache folder (root can write anywhere, so only as another user).
    const readOnly = mkdtempSync(path.join(os.tmpdir(), 'smartctl-cache-'));
    chmodSync(readOnly, 0o500);
    const loader = createBundleLoader(options(dir, readOnly));
    main(loader)(1, 1);
    assert.doesNotThrow(() => loader.save());
  }
});

test('an error thrown by another bundle’s copy of errors.ts is still a SmartctlError', async () => {
  // Each bundle carries its own errors.ts: a second instance of the module stands for one.
  const copy = (await import(`../../src/errors.js?copy=${Date.now()}`)) as typeof import('../../src/errors.js');
  const foreign = copy.usageError('some-code', 'from another bundle');
  assert.notEqual(copy.SmartctlError, (await import('../../src/errors.js')).SmartctlError, 'the copy is another class');
  assert.ok(isSmartctlError(foreign));
  assert.ok(isSmartctlError(usageError('x', 'y')));
  assert.equal(isSmartctlError(new Error('plain')), false);
  assert.equal(isSmartctlError({ kind: 'usage', code: 'x', message: 'not an Error' }), false);
});

test('the package: a second run of a command takes the cache the first wrote, with the same output', async () => {
  const cacheHome = mkdtempSync(path.join(os.tmpdir(), 'smartctl-cli-code-'));
  const env = { ...process.env, NO_COLOR: '1', CI: '1', XDG_CACHE_HOME: cacheHome };
  const args = [BIN, 'explain', '--status', '401', '--body', '{"error":"invalid_client"}', '--json'];
  const first = await run(process.execPath, args, { env }).catch((e: { stdout: string }) => e);
  const id = readFileSync(path.join(REPO_ROOT, 'dist', 'bundle', 'build-id'), 'utf8').trim();
  const dir = path.join(cacheHome, 'smartctl', 'code', `${id}-node${process.version}-${process.arch}`);
  assert.deepEqual(readdirSync(dir).sort(), ['commands_explain.explain.v8cache', 'parts_diagnose.explain.v8cache', 'smartctl.explain.v8cache']);
  const written = readdirSync(dir).map((f) => statSync(path.join(dir, f)).mtimeMs);
  const second = await run(process.execPath, args, { env }).catch((e: { stdout: string }) => e);
  assert.equal(second.stdout, first.stdout);
  assert.match(first.stdout, /"id": "token-invalid-client"/);
  assert.deepEqual(readdirSync(dir).map((f) => statSync(path.join(dir, f)).mtimeMs), written, 'a cache that was taken is not written again');
  // Without a cache: the same output, nothing written.
  const off = mkdtempSync(path.join(os.tmpdir(), 'smartctl-cli-code-'));
  const third = await run(process.execPath, args, { env: { ...env, XDG_CACHE_HOME: off, SMARTCTL_CODE_CACHE: '0' } }).catch((e: { stdout: string }) => e);
  assert.equal(third.stdout, first.stdout);
  assert.deepEqual(readdirSync(off), []);
});

test('the cache kept for a run is its command’s, or "other": a bounded set of files', () => {
  const dir = bundleDir();
  mkdirSync(path.join(dir, 'commands'));
  writeFileSync(path.join(dir, 'commands', 'explain.cjs'), '');
  assert.equal(cacheVariant(dir, 'explain'), 'explain');
  assert.equal(cacheVariant(dir, 'completion'), 'completion');
  for (const other of [undefined, '--help', 'explian', 'help', '../explain', 'EXPLAIN', 'a'.repeat(40)]) assert.equal(cacheVariant(dir, other), 'other', String(other));
  const real = path.join(REPO_ROOT, 'dist', 'bundle');
  for (const command of ['check', 'decode', 'diff-scopes', 'discover', 'explain', 'jwt-assert', 'keygen', 'launch', 'sandbox', 'token']) assert.equal(cacheVariant(real, command), command);
});
