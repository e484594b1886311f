// Start-up stays lean: --version and decode (without --verify) must not load jose or
// undici. A loader hook records every resolved module into a file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BIN } from '../helpers/run-cli.js';
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

function loadedModules(args: string[]): string {
  const log = path.join(dir, `log-${Math.random().toString(36).slice(2)}.txt`);
  writeFileSync(log, '');
  const r = spawnSync(process.execPath, ['--import', register, BIN, ...args], { env: { ...process.env, SMARTCTL_IMPORT_LOG: log, NO_COLOR: '1', CI: '1' }, encoding: 'utf8', input: '' });
  assert.ok(existsSync(log));
  assert.ok(r.status === 0 || r.status === 1, `exit ${r.status}: ${r.stderr}`);
  return readFileSync(log, 'utf8');
}

test('--version loads neither jose nor undici', () => {
  const loaded = loadedModules(['--version']);
  assert.match(loaded, /commander/, 'the hook sees modules');
  assert.doesNotMatch(loaded, /node_modules\/(jose|undici)\//);
});

test('decode without --verify loads neither jose nor undici; jwt-assert does load jose', () => {
  const loaded = loadedModules(['decode', unsignedJwt({ sub: 'a', nonce: 'x', exp: 4_000_000_000 })]);
  assert.match(loaded, /commands\/decode\.js/);
  assert.doesNotMatch(loaded, /node_modules\/(jose|undici)\//);
  const withJose = loadedModules(['keygen', '--out', path.join(dir, 'k')]);
  assert.match(withJose, /node_modules\/jose\//, 'the hook would catch jose');
});
