// Fuzz: pasted curl lines with generated header names (prototype names among them), values
// and quoting. Property: parsed, or refused with curl-malformed; the header map is a plain
// object of own members whose values are strings or arrays of strings, one per -H given.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseCurl } from '../../src/diagnose/curl.js';
import { isSmartctlError } from '../../src/errors.js';
import { describe, hostileKey, hostileString } from './fuzz-kit.js';

const RUNS = Number(process.env['FUZZ_RUNS'] ?? 500);

const quoteShell = (s: string): string => `'${s.replace(/'/g, "'\\''")}'`;

test('curl: generated -H lines give a plain header map of strings, or curl-malformed', () => {
  const name = fc.oneof(fc.constantFrom('constructor', '__proto__', 'Constructor', 'toString', 'valueOf', 'hasOwnProperty', 'Authorization', 'content-type'), hostileKey).filter((n) => n.trim() !== '' && !n.includes(':'));
  fc.assert(
    fc.property(fc.array(fc.tuple(name, hostileString), { maxLength: 6 }), fc.boolean(), (generated, quoted) => {
      // A "^" makes the line Windows cmd quoting (Chrome's "Copy as cURL (cmd)"), read another way.
      const headers = generated.filter(([n, v]) => !`${n}${v}`.includes('^')).map(([n, v]): [string, string] => [quoted ? n : n.replace(/["\\$`]/g, ''), quoted ? v : v.replace(/["\\$`]/g, '')]);
      const line = `curl -X POST https://ehr.example/token ${headers.map(([n, v]) => `-H ${quoted ? quoteShell(`${n}: ${v}`) : `"${n}: ${v}"`}`).join(' ')}`;
      let parsed: ReturnType<typeof parseCurl>;
      try {
        parsed = parseCurl(line);
      } catch (error) {
        assert.ok(isSmartctlError(error) && error.code === 'curl-malformed', `${JSON.stringify(line)}: ${describe(error)}`);
        return;
      }
      const h = parsed.headers;
      assert.equal(Object.getPrototypeOf(h), Object.prototype, `${JSON.stringify(line)}: the header map's prototype changed`);
      for (const [k, v] of Object.entries(h)) {
        assert.equal(k, k.toLowerCase());
        assert.ok(typeof v === 'string' || (Array.isArray(v) && v.every((x) => typeof x === 'string')), `${JSON.stringify(line)}: header ${k} is ${String(typeof v)}`);
      }
      // curl drops a header given with an empty value ("-H 'Name:'").
      const given = headers.filter(([n, v]) => v.trim() !== '' && n.trim() !== '').map(([n]) => n.trim().toLowerCase());
      for (const n of given) assert.ok(Object.hasOwn(h, n), `${JSON.stringify(line)}: -H ${n} is not in the map`);
    }),
    { numRuns: RUNS },
  );
});
