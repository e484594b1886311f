// explain loads the rules, not the HTTP or crypto stack: no undici, no jose, no sandbox,
// no HTTP client (its start-up is benchmarked against node -e 0).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BIN } from '../helpers/run-cli.js';

test('explain --status --body loads the diagnosis rules and neither jose, undici, the sandbox nor the HTTP client', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'smartctl-explain-imports-'));
  const hooks = path.join(dir, 'hooks.mjs');
  const register = path.join(dir, 'register.mjs');
  const log = path.join(dir, 'log.txt');
  writeFileSync(hooks, `import { appendFileSync } from 'node:fs';\nexport async function resolve(s, c, next) { const r = await next(s, c); appendFileSync(process.env.SMARTCTL_IMPORT_LOG, r.url + '\\n'); return r; }\n`);
  writeFileSync(register, `import { register } from 'node:module';\nregister(${JSON.stringify(`file://${hooks}`)});\n`);
  writeFileSync(log, '');
  const r = spawnSync(process.execPath, ['--import', register, BIN, 'explain', '--status', '401', '--body', '{"error":"invalid_client"}', '--json'], { env: { ...process.env, SMARTCTL_IMPORT_LOG: log, CI: '1' }, encoding: 'utf8', input: '' });
  assert.equal(r.status, 1, r.stderr);
  assert.equal((JSON.parse(r.stdout) as { findings: Array<{ id: string }> }).findings[0]?.id, 'token-invalid-client');
  const loaded = readFileSync(log, 'utf8');
  assert.match(loaded, /explain/, 'the hook sees the command');
  assert.doesNotMatch(loaded, /node_modules\/(jose|undici|open|@inquirer)\//);
  assert.doesNotMatch(loaded, /\/(sandbox|http)\/[a-z-]+\.js/);
});
