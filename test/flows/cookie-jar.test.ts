// The headless cookie jar: per-host cookies for a run, kept across runs in a file with
// mode 0600 (--cookie-jar), and any damaged file rejected with our input error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { CookieJar } from '../../src/flows/cookie-jar.js';
import { isSmartctlError } from '../../src/errors.js';

const NOW = 1_800_000_000;
const tmp = (): Promise<string> => mkdtemp(path.join(os.tmpdir(), 'smartctl-jar-'));

test('cookies go back to the same host (any port) and path, not to another host', () => {
  const jar = new CookieJar();
  jar.store(new URL('http://127.0.0.1:4000/auth/login'), ['sid=abc; Path=/auth; HttpOnly', 'lang=en'], NOW);
  assert.equal(jar.size, 2);
  assert.equal(jar.header(new URL('http://127.0.0.1:5000/auth/authorize'), NOW), 'sid=abc; lang=en');
  assert.equal(jar.header(new URL('http://127.0.0.1:4000/fhir/Patient'), NOW), 'lang=en');
  assert.equal(jar.header(new URL('http://localhost:4000/auth/authorize'), NOW), undefined);
});

test('Max-Age and Expires end a cookie; Max-Age=0 deletes the stored one', () => {
  const jar = new CookieJar();
  const url = new URL('http://127.0.0.1/');
  jar.store(url, 'short=1; Max-Age=60', NOW);
  jar.store(url, `dated=1; Expires=${new Date((NOW + 10) * 1000).toUTCString()}`, NOW);
  assert.equal(jar.header(url, NOW), 'short=1; dated=1');
  assert.equal(jar.header(url, NOW + 30), 'short=1');
  assert.equal(jar.header(url, NOW + 61), undefined);
  jar.store(url, 'short=gone; Max-Age=0', NOW);
  assert.equal(jar.header(url, NOW), 'dated=1');
});

test('a cookie set again replaces the old value', () => {
  const jar = new CookieJar();
  const url = new URL('http://127.0.0.1/');
  jar.store(url, 'sid=one', NOW);
  jar.store(url, 'sid=two', NOW);
  assert.equal(jar.size, 1);
  assert.equal(jar.header(url, NOW), 'sid=two');
});

test('--cookie-jar: saved with mode 0600 and read back by the next run', async () => {
  const file = path.join(await tmp(), 'jar.json');
  const first = await CookieJar.open(file);
  assert.equal(first.size, 0, 'a missing file is an empty jar');
  first.store(new URL('http://127.0.0.1:9/'), 'sid=kept; Max-Age=3600', NOW);
  await first.save();
  assert.equal((await stat(file)).mode & 0o777, 0o600);
  const second = await CookieJar.open(file);
  assert.equal(second.header(new URL('http://127.0.0.1:10/authorize'), NOW), 'sid=kept');
});

test('a damaged cookie file is an input error; foreign entries in a valid one are dropped', async () => {
  const dir = await tmp();
  const bad = path.join(dir, 'bad.json');
  await writeFile(bad, 'not json');
  await assert.rejects(CookieJar.open(bad), (e: unknown) => isSmartctlError(e) && e.kind === 'input' && e.code === 'cookie-jar-malformed');
  const mixed = path.join(dir, 'mixed.json');
  await writeFile(mixed, JSON.stringify({ cookies: [null, 7, { host: 'h' }, { host: '127.0.0.1', name: 'a', value: 'b', path: 5 }, { host: '127.0.0.1', name: 'ok', value: '1', path: '/' }] }));
  const jar = await CookieJar.open(mixed);
  assert.equal(jar.size, 1);
  assert.equal(jar.header(new URL('http://127.0.0.1/'), NOW), 'ok=1');
  await assert.rejects(CookieJar.open(dir), (e: unknown) => isSmartctlError(e) && e.code === 'cookie-jar-unreadable');
});

test('property: any cookie file text opens or is rejected with our input error', async () => {
  const file = path.join(await tmp(), 'jar.json');
  await fc.assert(
    fc.asyncProperty(fc.oneof(fc.string(), fc.json(), fc.jsonValue().map((v) => JSON.stringify({ cookies: v }))), async (text) => {
      await writeFile(file, text);
      try {
        const jar = await CookieJar.open(file);
        jar.header(new URL('http://127.0.0.1/x'), NOW);
      } catch (e) {
        assert.ok(isSmartctlError(e) && e.kind === 'input', String(e));
      }
    }),
    { numRuns: 200 },
  );
});

test('property: any Set-Cookie lines are stored without a throw and never leak to another host', () => {
  fc.assert(
    fc.property(fc.array(fc.string()), (lines) => {
      const jar = new CookieJar();
      jar.store(new URL('http://127.0.0.1/'), lines, NOW);
      assert.equal(jar.header(new URL('http://example.test/'), NOW), undefined);
      const header = jar.header(new URL('http://127.0.0.1/'), NOW);
      assert.ok(header === undefined || typeof header === 'string');
    }),
  );
});

// Regression: runs sharing --cookie-jar wrote it in place, so a concurrent reader could see
// half a file (cookie-jar-malformed) and the last writer dropped everyone else's cookies.
test('concurrent writers sharing a jar file lose no cookie, and readers never see a partial file', async () => {
  const { readFile: read } = await import('node:fs/promises');
  const file = path.join(await tmp(), 'shared.json');
  const seed = await CookieJar.open(file);
  seed.store(new URL('http://127.0.0.1/'), ['old=1; Max-Age=3600', 'doomed=1; Max-Age=3600'], NOW);
  await seed.save();
  // Big values make every write take long enough to interleave with the others.
  const big = 'v'.repeat(20_000);
  const writers = Array.from({ length: 20 }, async (_, i) => {
    const jar = await CookieJar.open(file);
    jar.store(new URL(`http://host-${i}.example/`), [`sid${i}=${big}${i}; Max-Age=3600`], NOW);
    if (i === 7) jar.store(new URL('http://127.0.0.1/'), 'doomed=gone; Max-Age=0', NOW);
    await jar.save();
  });
  const readerErrors: string[] = [];
  let reading = true;
  const reader = (async () => {
    while (reading) {
      try {
        await CookieJar.open(file);
      } catch (error) {
        readerErrors.push(isSmartctlError(error) ? error.code : String(error));
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
  })();
  await Promise.all(writers);
  reading = false;
  await reader;
  assert.deepEqual(readerErrors, []);
  const names = (JSON.parse(await read(file, 'utf8')) as { cookies: Array<{ name: string }> }).cookies.map((c) => c.name).sort();
  const expected = ['old', ...Array.from({ length: 20 }, (_, i) => `sid${i}`)].sort();
  assert.deepEqual(names, expected, 'every writer kept, the deleted cookie gone');
  assert.equal((await stat(file)).mode & 0o777, 0o600);
  const { readdir } = await import('node:fs/promises');
  assert.deepEqual((await readdir(path.dirname(file))).sort(), ['shared.json'], 'no temp or lock file left behind');
});

test('concurrent smartctl processes sharing a jar file lose no cookie', async () => {
  const { spawn } = await import('node:child_process');
  const { readFile: read } = await import('node:fs/promises');
  const { pathToFileURL } = await import('node:url');
  const file = path.join(await tmp(), 'shared.json');
  const jarModule = pathToFileURL(path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../src/flows/cookie-jar.js')).href;
  const script = `
    const { CookieJar } = await import(${JSON.stringify(jarModule)});
    const [file, who] = process.argv.slice(1);
    for (let i = 0; i < 5; i++) {
      const jar = await CookieJar.open(file);
      jar.store(new URL('http://' + who + '.example/'), [who + '_' + i + '=' + 'x'.repeat(50000) + '; Max-Age=3600'], ${NOW});
      await jar.save();
    }`;
  const runs = Array.from({ length: 4 }, (_, p) =>
    new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, ['--input-type=module', '-e', script, file, `p${p}`]);
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('close', (code) => resolve({ code, stderr }));
    }),
  );
  for (const r of await Promise.all(runs)) assert.equal(r.code, 0, r.stderr);
  const names = (JSON.parse(await read(file, 'utf8')) as { cookies: Array<{ name: string }> }).cookies.map((c) => c.name).sort();
  assert.deepEqual(names, Array.from({ length: 4 }, (_, p) => Array.from({ length: 5 }, (_, i) => `p${p}_${i}`)).flat().sort());
  assert.equal((await stat(file)).mode & 0o777, 0o600);
});
