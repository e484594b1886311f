// The pure layers (protocol/, diagnose/, report/) never touch I/O, the process or
// the clock: scan their sources for forbidden imports and globals.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './helpers/run-cli.js';

const PURE_DIRS = ['src/protocol', 'src/diagnose', 'src/report', 'src/har'];
const FORBIDDEN_IMPORTS = /from\s+['"](node:)?(fs|fs\/promises|http|https|net|child_process|undici|open|@inquirer\/prompts|commander)['"]/;
const FORBIDDEN_GLOBALS = /\b(process\.|console\.|Date\.now\(|new Date\(\)|setTimeout\(|setInterval\()/;
const FORBIDDEN_LAYERS = /from\s+['"](\.\.\/)+(cli|commands|flows|http|sandbox)\//;

function sourceFiles(dir: string): string[] {
  const abs = path.join(REPO_ROOT, dir);
  let names: string[];
  try {
    names = readdirSync(abs);
  } catch {
    return [];
  }
  return names.flatMap((name) => {
    const rel = path.join(dir, name);
    if (statSync(path.join(REPO_ROOT, rel)).isDirectory()) return sourceFiles(rel);
    return rel.endsWith('.ts') ? [rel] : [];
  });
}

test('pure layers import no I/O modules, no process, no clock and no outer layer', () => {
  const files = PURE_DIRS.flatMap(sourceFiles);
  assert.ok(files.length >= 5, `expected pure sources, found ${files.length}`);
  const offences: string[] = [];
  for (const file of files) {
    const lines = readFileSync(path.join(REPO_ROOT, file), 'utf8').split('\n');
    lines.forEach((line, i) => {
      const code = line.replace(/\/\/.*$/, '');
      if (FORBIDDEN_IMPORTS.test(code) || FORBIDDEN_GLOBALS.test(code) || FORBIDDEN_LAYERS.test(code)) offences.push(`${file}:${i + 1}: ${line.trim()}`);
    });
  }
  assert.deepEqual(offences, []);
});

test('the scanner itself catches a forbidden import', () => {
  assert.ok(FORBIDDEN_IMPORTS.test("import { readFileSync } from 'node:fs';"));
  assert.ok(FORBIDDEN_GLOBALS.test('const t = Date.now();'));
  assert.ok(FORBIDDEN_LAYERS.test("import { x } from '../../http/client.js';"));
});
