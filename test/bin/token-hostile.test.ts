// token against endpoints that answer HTTP 200 with something that is no token response:
// a finding and a verdict that says so, never "token received", never exit 70.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startStaticServer } from '../helpers/static-server.js';
import { parseJsonOutput, runCli } from '../helpers/run-cli.js';

const DEEP = `{"access_token":"abc","token_type":"Bearer","scope":"system/x.rs","patient":${'['.repeat(50_000)}${']'.repeat(50_000)}}`;

function secretFile(): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'smartctl-token-')), 'secret');
  writeFileSync(file, 's3cret', { mode: 0o600 });
  return file;
}

test('regression: a token response nested 50 000 deep is token-response-malformed, exit 1 in both views (was exit 70)', async () => {
  const server = await startStaticServer({ '/token': { body: DEEP, headers: { 'content-type': 'application/json' } } });
  const args = ['token', '--grant', 'client_credentials', '--token-url', `${server.url}/token`, '--client-id', 'a', '--client-secret-file', secretFile()];
  try {
    const human = await runCli(args);
    assert.equal(human.code, 1, human.stderr);
    assert.match(human.stdout, /\[token-response-malformed\]/);
    assert.doesNotMatch(human.stdout, /token received/);
    const verbose = await runCli(['--verbose', ...args]);
    assert.equal(verbose.code, 1, verbose.stderr);
    const json = await runCli(['--json', ...args]);
    assert.equal(json.code, 1, json.stderr);
    const doc = parseJsonOutput(json);
    assert.ok((doc['findings'] as Array<{ id: string }>).some((f) => f.id === 'token-response-malformed'));
  } finally {
    await server.close();
  }
});

test('an HTTP 200 login page from the token endpoint is not "token received"', async () => {
  const server = await startStaticServer({ '/token': { body: '<html>sign in</html>', headers: { 'content-type': 'text/html' } } });
  try {
    const r = await runCli(['token', '--grant', 'client_credentials', '--token-url', `${server.url}/token`, '--client-id', 'a', '--client-secret-file', secretFile()]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /client_credentials: HTTP 200 without a usable token response/);
  } finally {
    await server.close();
  }
});
