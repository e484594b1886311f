// The version has two sources: package.json (bin/smartctl.js answers a bare --version
// from it) and src/cli/version.ts (commander's --version); they must agree.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { VERSION } from '../../src/cli/version.js';
import { REPO_ROOT, runCli } from '../helpers/run-cli.js';

const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };

test('src/cli/version.ts matches package.json', () => {
  assert.equal(VERSION, pkg.version);
});

test('a bare --version and --version beside another option print the same version', async () => {
  const bare = await runCli(['--version']);
  const withOption = await runCli(['--no-color', '--version']);
  assert.equal(bare.code, 0);
  assert.equal(bare.stdout, `${pkg.version}\n`);
  assert.equal(withOption.code, 0);
  assert.equal(withOption.stdout, `${pkg.version}\n`);
  assert.equal((await runCli(['-V'])).stdout, `${pkg.version}\n`);
});
