// The corpus (test/diagnose/corpus/<phase>/<catalog-id>.json) through explain: every case's
// expectation holds, every catalog entry has at least two cases, and no case gets a
// confident wrong answer (an error-severity root cause other than the expected one).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { isRealWorld, loadCorpus, REAL_WORLD, runCase, summarise } from '../helpers/corpus.js';
import { REPO_ROOT } from '../helpers/run-cli.js';
import { CATALOG_ENTRY_IDS } from './catalog-ids.js';

const cases = loadCorpus();

test('the corpus is not empty and every case names its source', () => {
  assert.ok(cases.length > 0);
  for (const c of cases) {
    assert.ok(c.name.length > 0 && c.source.length > 0, `${c.file}: a case needs a name and a source`);
    assert.ok(c.expect.top !== undefined || c.expect.abstain === true || (c.expect.absent ?? []).length > 0, `${c.file} "${c.name}": expects nothing`);
  }
});

for (const c of cases) {
  // A known miss of the real-world folder is reported (todo), not failed: the figure says it.
  test(`corpus ${c.file}: ${c.name}`, { todo: c.knownMiss }, async () => {
    const r = await runCase(c);
    assert.equal(r.inputError, undefined, r.inputError);
    assert.ok(r.pass, r.why);
  });
}

test('no error-severity wrong top finding in the whole corpus', async () => {
  const s = summarise(await Promise.all(cases.filter((c) => c.knownMiss === undefined).map(runCase)));
  assert.deepEqual(s.wrongErrors.map((r) => `${r.case.file}: ${r.case.name} -> ${r.top?.id ?? ''}`), []);
});

test('every real-world case names a public source URL and what its thread says the cause was', () => {
  const real = cases.filter(isRealWorld);
  assert.ok(real.length >= 30, `expected 30+ real-world cases, got ${real.length}`);
  for (const c of real) {
    assert.equal(c.catalog, REAL_WORLD, `${c.file}: a real-world file has catalog "${REAL_WORLD}"`);
    assert.match(c.source, /^https:\/\//, `${c.file} "${c.name}": source must be the URL of the post`);
    assert.ok((c.cause ?? '').length > 0, `${c.file} "${c.name}": say what the thread gives as the cause, or "unconfirmed"`);
  }
});

test('every catalog entry has at least two cases expecting a top finding', () => {
  const counts = new Map<string, number>();
  for (const c of cases) if (c.expect.top !== undefined) counts.set(c.catalog, (counts.get(c.catalog) ?? 0) + 1);
  const short = CATALOG_ENTRY_IDS.filter((id) => (counts.get(id) ?? 0) < 2);
  assert.deepEqual(short, [], `catalog entries with fewer than two corpus cases: ${short.join(', ')}`);
  for (const c of cases) assert.ok(CATALOG_ENTRY_IDS.includes(c.catalog) || c.catalog === 'controls' || c.catalog === REAL_WORLD, `${c.file}: "${c.catalog}" is not a catalog entry id`);
});

test('the committed catalog id list matches the failure catalog when it is beside the repo', (t) => {
  const md = path.join(REPO_ROOT, '..', 'shared', 'reference', 'failure-catalog.md');
  if (!existsSync(md)) {
    t.skip('../shared/reference/failure-catalog.md is not beside this checkout');
    return;
  }
  const ids = [...readFileSync(md, 'utf8').matchAll(/^### ([a-z0-9-]+)/gm)].map((m) => m[1]);
  assert.deepEqual([...CATALOG_ENTRY_IDS].sort(), ids.sort());
});

test('every catalog entry is diagnosed by a rule in the catalog list', async () => {
  const { CATALOG } = await import('../../src/diagnose/catalog.js');
  const covered = new Set(CATALOG.flatMap((r) => r.catalog));
  assert.deepEqual(CATALOG_ENTRY_IDS.filter((id) => !covered.has(id)), []);
  for (const r of CATALOG) for (const id of r.catalog) assert.ok(CATALOG_ENTRY_IDS.includes(id), `${r.id} names unknown catalog entry ${id}`);
});
