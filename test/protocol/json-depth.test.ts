// The depth bound every walker relies on: measured without recursion, so 100 000
// levels neither overflow here nor anywhere after pruning.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { jsonTooDeep, MAX_JSON_DEPTH, pruneDeepJson } from '../../src/protocol/json-depth.js';

/** Containers on the longest path (a scalar is 0), recursively: fine for the small values fast-check makes. */
function depth(v: unknown): number {
  if (v === null || typeof v !== 'object') return 0;
  const children = Array.isArray(v) ? v : Object.values(v);
  return 1 + children.reduce((m: number, c) => Math.max(m, depth(c)), 0);
}

test('property: jsonTooDeep(v, limit) is exactly depth(v) > limit', () => {
  fc.assert(
    fc.property(fc.jsonValue({ maxDepth: 8 }), fc.integer({ min: 0, max: 9 }), (v, limit) => {
      assert.equal(jsonTooDeep(v, limit), depth(v) > limit);
    }),
  );
});

test('property: pruning leaves shallow values alone and bounds deep ones', () => {
  fc.assert(
    fc.property(fc.jsonValue({ maxDepth: 8 }), fc.integer({ min: 1, max: 9 }), (v, limit) => {
      const pruned = pruneDeepJson(v, limit);
      assert.ok(!jsonTooDeep(pruned, limit));
      if (!jsonTooDeep(v, limit)) assert.deepEqual(pruned, v);
    }),
  );
});

test('100 000 nested arrays: detected without a stack overflow, and the pruned copy can be printed', () => {
  const deep: unknown = JSON.parse(`${'['.repeat(100_000)}${']'.repeat(100_000)}`);
  assert.equal(jsonTooDeep(deep), true);
  assert.throws(() => JSON.stringify(deep), RangeError, 'the unpruned value overflows JSON.stringify');
  const text = JSON.stringify(pruneDeepJson(deep));
  assert.equal(text, `${'['.repeat(MAX_JSON_DEPTH)}"[nested deeper than 64 levels: not shown]"${']'.repeat(MAX_JSON_DEPTH)}`);
});
