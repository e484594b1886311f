// The sandbox's id_token key, cached per user so a start does not generate RSA-2048: made
// and written (0600, folder 0700) when the cache file is missing, read back at the next
// start, replaced when unreadable, not a key, or readable by others. Through the CLI the
// file lives in $XDG_CACHE_HOME/smartctl.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startSandbox } from '../../src/sandbox/index.js';
import { parseJsonOutput, runCli } from '../helpers/run-cli.js';

const tmp = (): string => mkdtempSync(path.join(os.tmpdir(), 'smartctl-key-cache-'));

async function publishedKid(keyCacheFile: string | undefined): Promise<string> {
  const sandbox = await startSandbox({ keyCacheFile });
  try {
    const jwks = (await (await fetch(`${sandbox.issuer}/jwks`)).json()) as { keys: Array<{ kid: string; kty: string; alg: string; d?: string }> };
    assert.equal(jwks.keys.length, 1);
    const [key] = jwks.keys;
    assert.ok(key !== undefined);
    assert.equal(key.kty, 'RSA');
    assert.equal(key.alg, 'RS256');
    assert.equal(key.d, undefined, 'the JWKS never carries the private part');
    return key.kid;
  } finally {
    await sandbox.close();
  }
}

test('the key is made once, stored 0600 in a 0700 folder, and reused by the next start', async () => {
  const file = path.join(tmp(), 'nested', 'smartctl', 'sandbox-id-token-key.json');
  const first = await publishedKid(file);
  assert.ok(existsSync(file));
  assert.equal(statSync(file).mode & 0o777, 0o600);
  assert.equal(statSync(path.dirname(file)).mode & 0o777, 0o700);
  assert.equal((JSON.parse(readFileSync(file, 'utf8')) as { kid: string }).kid, first);
  assert.equal(await publishedKid(file), first, 'the second start uses the cached key');
  assert.notEqual(await publishedKid(undefined), first, 'without a cache file every start makes its own key');
});

test('an unreadable, invalid or group-readable cache file is replaced by a new key', async () => {
  const file = path.join(tmp(), 'sandbox-id-token-key.json');
  const original = await publishedKid(file);
  for (const damage of [
    () => writeFileSync(file, 'not json'),
    () => writeFileSync(file, JSON.stringify({ kty: 'RSA', kid: 'x', n: 'AQAB', e: 'AQAB', d: 'AQAB' })),
    () => writeFileSync(file, JSON.stringify({ kty: 'EC', kid: 'x' })),
  ]) {
    damage();
    chmodSync(file, 0o600);
    const kid = await publishedKid(file);
    assert.notEqual(kid, original);
    assert.equal((JSON.parse(readFileSync(file, 'utf8')) as { kid: string }).kid, kid, 'the new key was written back');
  }
  const good = await publishedKid(file);
  chmodSync(file, 0o644);
  const replaced = await publishedKid(file);
  assert.notEqual(replaced, good, 'a key others can read is not trusted');
  assert.equal(statSync(file).mode & 0o777, 0o600);
});

test('launch --sandbox keeps the key in $XDG_CACHE_HOME/smartctl and signs with it next time', async () => {
  const cache = tmp();
  const kidOf = async (): Promise<unknown> => {
    const r = await runCli(['launch', '--sandbox', '--headless', '--json'], { env: { XDG_CACHE_HOME: cache } });
    assert.equal(r.code, 0, r.stderr);
    const report = parseJsonOutput(r);
    assert.equal(report['idTokenSignatureValid'], true);
    const trace = report['trace'] as Array<{ step?: string; response?: { body?: string } }>;
    const jwks = trace.find((e) => e.step === 'discovery.jwks')?.response?.body;
    return (JSON.parse(jwks ?? '{}') as { keys?: Array<{ kid?: string }> }).keys?.[0]?.kid;
  };
  const first = await kidOf();
  const file = path.join(cache, 'smartctl', 'sandbox-id-token-key.json');
  assert.equal(statSync(file).mode & 0o777, 0o600);
  assert.equal((JSON.parse(readFileSync(file, 'utf8')) as { kid: string }).kid, first);
  assert.equal(await kidOf(), first);
});
