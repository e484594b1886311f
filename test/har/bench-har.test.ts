// The generated HAR the bench times (scripts/bench/explain-har.ts) is a real diagnosis:
// its launch is found among the filler entries and named.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { benchHar } from '../../scripts/bench/explain-har.js';
import { explainCommand } from '../../src/commands/explain.js';
import { testContext } from '../helpers/command-context.js';

it('bench HAR: 400 entries in about 2 MB; the six launch steps are found (login pages skipped) and the token error is named', async () => {
  const text = benchHar(400, 2 * 1024 * 1024);
  assert.ok(text.length > 1.5 * 1024 * 1024 && text.length < 2.5 * 1024 * 1024, `size ${text.length}`);
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'smartctl-bench-har-')), 'bench.har');
  writeFileSync(file, text);
  const report = await explainCommand(testContext(), { har: file });
  const har = report.data['har'] as { entries: number; used: number; skipped: number; steps: string[] };
  assert.equal(har.entries, 400);
  assert.deepEqual(har.steps, ['discovery.smart-configuration 200', 'authorize 302', 'callback 200', 'token 401']);
  assert.equal(har.used, 4);
  assert.equal(report.findings[0]?.id, 'client-assertion-in-authorization-header');
});
