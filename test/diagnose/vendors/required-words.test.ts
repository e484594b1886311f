// requiredWords: a text without any of a pattern's required words never matches it, so
// phrasesIn may skip the pattern. Checked against every row of the vendor tables with
// texts made from pieces of the patterns themselves (near misses), in any case.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { mayMatch, requiredWords } from '../../../src/diagnose/vendors/required-words.js';
import { phrasesIn, VENDOR_PHRASES } from '../../../src/diagnose/vendors/index.js';
import { CLIENT_LIBRARIES } from '../../../src/diagnose/vendors/client-libraries.js';

const ROWS = [...VENDOR_PHRASES, ...CLIENT_LIBRARIES];

/** Text around a pattern: its words, pieces of its source, odd characters, any case. */
function nearText(source: string, words: readonly string[]): fc.Arbitrary<string> {
  const piece = fc.oneof(
    fc.constantFrom(...words),
    fc.integer({ min: 0, max: Math.max(0, source.length - 1) }).chain((start) => fc.integer({ min: 1, max: 40 }).map((n) => source.slice(start, start + n).replace(/\\/g, ''))),
    fc.constantFrom(' ', '-', '_', '"', "'", 'İ', 'ſ', '\u212a', 'é', '\n', '0', '42'),
    fc.string({ maxLength: 6 }),
  );
  return fc.array(fc.tuple(piece, fc.boolean()), { maxLength: 8 }).map((parts) => parts.map(([p, up]) => (up ? p.toUpperCase() : p)).join(''));
}

test('every table row has required words (so the skip is used), each at least 3 characters', () => {
  for (const row of ROWS) {
    const required = requiredWords(row.match);
    assert.ok(required !== undefined, `no words for /${row.match.source}/`);
    for (const w of required.words) assert.ok(w.length >= 3);
  }
});

test('a text the words rule out never matches the pattern', () => {
  for (const row of ROWS) {
    const required = requiredWords(row.match);
    if (required === undefined) continue;
    fc.assert(
      fc.property(nearText(row.match.source, required.words), (text) => {
        if (!mayMatch(required, text, text.toLowerCase())) assert.equal(row.match.test(text), false, `/${row.match.source}/${row.match.flags} matches ${JSON.stringify(text)}`);
      }),
      { numRuns: 300 },
    );
  }
});

test('every text a pattern matches holds one of its words (generated from the pattern)', () => {
  for (const row of ROWS) {
    const required = requiredWords(row.match);
    fc.assert(
      // stringMatching takes neither the i flag nor \b: strings of the case-sensitive pattern, ASCII letters then flipped at random.
      fc.property(fc.stringMatching(new RegExp(row.match.source.replace(/\\b/g, ''))), fc.string({ maxLength: 4 }), fc.array(fc.boolean(), { minLength: 1, maxLength: 16 }), (text, around, flips) => {
        const flipped = [...text].map((ch, i) => (/[A-Za-z]/.test(ch) && flips[i % flips.length] === true ? (ch === ch.toUpperCase() ? ch.toLowerCase() : ch.toUpperCase()) : ch)).join('');
        const t = `${around}${row.match.flags === 'i' ? flipped : text}${around}`;
        if (row.match.test(t)) assert.ok(mayMatch(required, t, t.toLowerCase()), `/${row.match.source}/${row.match.flags} matches ${JSON.stringify(t)} but the words ${JSON.stringify(required?.words)} rule it out`);
      }),
      { numRuns: 200 },
    );
  }
});

test('texts that do match are let through (the check above is not vacuous)', () => {
  let matched = 0;
  for (const row of ROWS) {
    const required = requiredWords(row.match);
    const sample = row.match.source.replace(/\\b/g, '').replace(/\\(.)/g, '$1');
    if (row.match.test(sample)) {
      matched++;
      assert.ok(mayMatch(required, sample, sample.toLowerCase()), `/${row.match.source}/ matches ${JSON.stringify(sample)} but the words rule it out`);
    }
  }
  assert.ok(matched > 30, `only ${matched} rows matched their own source`);
});

test('patterns the reader cannot follow get no words, and are always run', () => {
  assert.equal(requiredWords(/ab|cdef/i), undefined, 'an alternative shorter than 3');
  assert.equal(requiredWords(/abc\x41def/i), undefined, 'an escape with a payload');
  assert.equal(requiredWords(/abcdef/u), undefined, 'the u flag folds case differently');
  assert.equal(requiredWords(/abcdef/g), undefined);
  assert.deepEqual(requiredWords(/x.{0,40}abcd(ef)?gh+ij/i)?.words, ['abcd']);
  assert.deepEqual(requiredWords(/Foo Bar|baz qux/)?.words, ['Foo Bar', 'baz qux']);
  assert.deepEqual(requiredWords(/ab.cdef\bxyz/)?.words, ['cdef'], 'any character and a boundary end a run');
});

test('phrasesIn with the skip gives the rows a full match gives', () => {
  const texts = ['invalid_client: client authentication failed', 'AADSTS50011 reply URL x does not match the reply URLs configured', 'PKCE verification FAILED', 'Token is not active', 'nothing to see', 'İnvalid state'];
  for (const text of texts) assert.deepEqual(phrasesIn(text), VENDOR_PHRASES.filter((p) => p.match.test(text)));
  assert.ok(phrasesIn(texts[0] ?? '').length > 0);
});
