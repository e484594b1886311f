// Prints the README's table of diagnosis ids by phase (between <!-- diagnosis-ids --> markers),
// generated from the catalog so it never drifts; with --write, updates README.md in place.
// test/readme.test.ts fails when the README's table is not what this prints.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { diagnosisIdTable, replaceIdTable } from './diagnosis-id-table.js';

const readme = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'README.md');
if (process.argv.includes('--write')) {
  writeFileSync(readme, replaceIdTable(readFileSync(readme, 'utf8')));
  process.stdout.write(`updated ${readme}\n`);
} else process.stdout.write(diagnosisIdTable());
