// buildProgram(io, state, only): only the command being run is defined in full; the tree
// it gives that command must be the one the whole program gives it (same options, same
// help), and a first word that is no command (or completion) gets every command.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { buildProgram } from '../../src/cli/program.js';
import type { CliIo } from '../../src/cli/main.js';

function io(): CliIo {
  return { env: {}, stdin: new PassThrough(), stdinIsTTY: false, stdout: new PassThrough(), stderr: new PassThrough() };
}

const full = buildProgram(io(), { exitCode: 0 });
const names = full.commands.map((c) => c.name());

test('the whole program has every command (the comparison below is not between empty trees)', () => {
  assert.ok(names.length >= 10);
  assert.ok(names.includes('decode') && names.includes('explain') && names.includes('diff-scopes'));
});

test('each command, defined alone, has the options, arguments and help it has in the whole program', () => {
  for (const name of names) {
    const alone = buildProgram(io(), { exitCode: 0 }, name);
    const cmd = alone.commands.find((c) => c.name() === name);
    const reference = full.commands.find((c) => c.name() === name);
    assert.ok(cmd !== undefined && reference !== undefined, name);
    if (name !== 'completion') assert.deepEqual(alone.commands.map((c) => c.name()), [name], `${name} is defined alone`);
    assert.deepEqual(cmd.options.map((o) => o.flags), reference.options.map((o) => o.flags), `${name} options`);
    assert.deepEqual(cmd.registeredArguments.map((a) => a.name()), reference.registeredArguments.map((a) => a.name()), `${name} arguments`);
    assert.equal(cmd.helpInformation(), reference.helpInformation(), `${name} --help`);
  }
});

test('a first word that names no command, and completion, get the whole program', () => {
  for (const only of ['nosuch', '--json', 'help', 'completion', '']) {
    assert.deepEqual(buildProgram(io(), { exitCode: 0 }, only).commands.map((c) => c.name()), names, only);
  }
});
