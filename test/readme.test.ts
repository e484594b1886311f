// The README stays true: its table of diagnosis ids is what the catalog says.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './helpers/run-cli.js';
import { replaceIdTable } from '../scripts/diagnosis-id-table.js';

test('README: the diagnosis id table matches the rules (regenerate: node dist/scripts/diagnosis-ids.js --write)', () => {
  const readme = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
  assert.equal(readme, replaceIdTable(readme));
});
