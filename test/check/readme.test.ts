// The README's check section stays true: every test id with its group, and the example
// config file parses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { SMART_TESTS } from '../../src/check/suite.js';
import { parseConfig } from '../../src/config/profiles.js';
import { parseLoginScript } from '../../src/check/login-script.js';
import { REPO_ROOT } from '../helpers/run-cli.js';

const readme = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
const section = readme.slice(readme.indexOf('<!-- section:check -->'), readme.indexOf('<!-- /section:check -->'));

test('README check section lists every test id, in its group, with its title', () => {
  assert.ok(section.length > 1000);
  for (const t of SMART_TESTS) assert.ok(section.includes(`| \`${t.id}\` | ${t.group} | ${t.title.replace(/\|/g, '\\|')} |`), `${t.id} is in the README table`);
  const listed = [...section.matchAll(/^\| `([a-z0-9-]+)` \| /gm)].map((m) => m[1]).filter((id) => id !== undefined && !id.startsWith('-'));
  assert.deepEqual(listed, SMART_TESTS.map((t) => t.id), 'no stale ids, same order');
});

test('README example config and login script parse', () => {
  const blocks = [...section.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
  const config = blocks.find((b) => b.includes('"profiles"'));
  const login = blocks.find((b) => b.includes('"fill"'));
  assert.ok(config !== undefined && login !== undefined);
  assert.ok(Object.keys(parseConfig(config, 'README.md').profiles).length >= 2);
  assert.ok(parseLoginScript(login, 'README.md').length >= 3);
});
