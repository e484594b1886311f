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
