// `smartctl completion bash` is sourced into a real bash, which is then asked for
// completions the way readline asks (COMP_WORDS, COMP_CWORD, then the function).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FAULT_NAMES } from '../../src/sandbox/faults/index.js';
import { runCli } from '../helpers/run-cli.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'smartctl-completion-'));

async function script(shell: string): Promise<string> {
  const r = await runCli(['completion', shell]);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout;
}

/** What bash offers after typing `words` (the last one is the word being completed). */
function complete(file: string, words: string[]): string[] {
  const quoted = words.map((w) => `'${w.replace(/'/g, `'\\''`)}'`).join(' ');
  const r = spawnSync('bash', ['--norc', '--noprofile', '-c', `source ${JSON.stringify(file)}; COMP_WORDS=(${quoted}); COMP_CWORD=${words.length - 1}; COMPREPLY=(); _smartctl; printf '%s\\n' "\${COMPREPLY[@]}"`], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.split('\n').filter((l) => l !== '');
}

test('bash: commands, options, option values and fault names complete', async () => {
  const file = path.join(dir, 'smartctl.bash');
  writeFileSync(file, await script('bash'));
  assert.deepEqual(complete(file, ['smartctl', 'de']), ['decode']);
  assert.deepEqual(complete(file, ['smartctl', 'di']), ['diff-scopes', 'discover']);
  assert.ok(complete(file, ['smartctl', '']).includes('completion'));
  assert.deepEqual(complete(file, ['smartctl', 'launch', '--sand']), ['--sandbox', '--sandbox-fault']);
  assert.deepEqual(complete(file, ['smartctl', 'launch', '--sandbox-fault', '']), [...FAULT_NAMES]);
  assert.deepEqual(complete(file, ['smartctl', 'sandbox', '--fault', 'dr']), ['drop-openid']);
  // Each command's own choices for an option both have (--alg).
  assert.deepEqual(complete(file, ['smartctl', 'keygen', '--alg', '']), ['RS384', 'ES384']);
  assert.deepEqual(complete(file, ['smartctl', 'jwt-assert', '--alg', 'ES']), ['ES384', 'ES256', 'ES512']);
  // Global options complete after a command, and a global option's value does not hide the command.
  assert.ok(complete(file, ['smartctl', 'decode', '--ins']).includes('--insecure'));
  assert.deepEqual(complete(file, ['smartctl', '--timeout', '5', 'dec']), ['decode']);
  // A value with no fixed choices (a file, a number) offers no words: bash falls back to file names.
  assert.deepEqual(complete(file, ['smartctl', 'decode', '--jwks', '']), []);
  assert.deepEqual(complete(file, ['smartctl', 'token', '--grant', 'c']), ['client_credentials']);
});

test('zsh and fish scripts name every command; an unknown shell is a usage error', async () => {
  const zsh = await script('zsh');
  assert.match(zsh, /bashcompinit/);
  assert.match(zsh, /complete -o default -F _smartctl smartctl/);
  const fish = await script('fish');
  for (const command of ['decode', 'launch', 'sandbox', 'completion']) assert.match(fish, new RegExp(`__fish_use_subcommand' -a ${command} `));
  assert.match(fish, new RegExp(`-l sandbox-fault -x -a '${FAULT_NAMES.join(' ')}'`));
  const zshBinary = spawnSync('zsh', ['-n'], { input: zsh });
  if (zshBinary.error === undefined) assert.equal(zshBinary.status, 0, String(zshBinary.stderr));
  const bad = await runCli(['completion', 'tcsh']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /^smartctl: .*'tcsh' is invalid/);
  assert.match(bad.stderr, /\n {2}hint: /);
});
