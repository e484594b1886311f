import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../helpers/run-cli.js';

test('--version prints the version and exits 0', async () => {
  const r = await runCli(['--version']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^\d+\.\d+\.\d+\n$/);
});

test('--help lists the commands and the exit codes', async () => {
  const r = await runCli(['--help']);
  assert.equal(r.code, 0);
  for (const name of ['decode', 'keygen', 'jwt-assert', 'diff-scopes', 'discover']) assert.match(r.stdout, new RegExp(`\\b${name}\\b`));
  assert.match(r.stdout, /Exit codes/);
});

test('an unknown flag is a usage error: exit 2, short message, no stack', async () => {
  const r = await runCli(['decode', '--no-such-flag']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /unknown option '--no-such-flag'/);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
});

test('an unknown command is a usage error', async () => {
  const r = await runCli(['frobnicate']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /unknown command/);
});

test('a bad --timeout value is a usage error that names the flag', async () => {
  const r = await runCli(['discover', 'http://127.0.0.1:1', '--timeout', 'soon']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--timeout must be a whole number/);
});
