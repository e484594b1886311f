// Property tests: random, mutated and hostile HARs are read (and diagnosed) or rejected
// with our har-malformed input error, never an internal error; chunking never matters.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { isSmartctlError } from '../../src/errors.js';
import { harRunContext } from '../../src/har/classify.js';
import { diagnose, evidenceFromTrace } from '../../src/diagnose/index.js';
import { harDocument, harEntryJson, harFixture, splitAt, traceOf } from './har-text.js';

const NOW = new Date('2026-06-01T12:00:00Z');
const FIXTURES = ['chrome-devtools-no-id-token.har', 'playwright-fhir-expired-token.har', 'firefox-invalid-scope.har', 'mitmproxy-backend-bearer.har', 'charles-cerner-forceauthn.har', 'fiddler-token-500.har', 'playwright-sandbox-drop-openid.har', 'playwright-sandbox-force-authn.har'].map(harFixture);

/** Reads and diagnoses; returns 'read' or 'rejected', and fails on anything but our input error. */
async function readOrReject(chunks: string[]): Promise<'read' | 'rejected'> {
  try {
    const { trace } = await traceOf(chunks);
    diagnose(evidenceFromTrace(trace, harRunContext(trace)), { now: NOW });
    return 'read';
  } catch (error) {
    if (isSmartctlError(error) && error.kind === 'input' && error.code === 'har-malformed') {
      assert.ok(!error.message.includes('\n') && error.message.length < 400, `one short line: ${error.message}`);
      return 'rejected';
    }
    throw error;
  }
}

const cuts = fc.array(fc.nat(), { maxLength: 6 });
const word = fc.constantFrom('GET', 'POST', 'OPTIONS', 'grant_type=refresh_token&refresh_token=r', 'response_type=code&client_id=a&redirect_uri=https%3A%2F%2Fa.example%2Fcb', 'code=c&state=s', 'error=access_denied&state=s', '', 'Bearer x', 'application/fhir+json');
const url = fc.oneof(
  fc.webUrl({ withQueryParameters: true }),
  fc.constantFrom('https://a.example/authorize?response_type=code&client_id=a&redirect_uri=https%3A%2F%2Fa.example%2Fcb', 'https://a.example/cb?code=c&state=s', 'https://a.example/token', 'https://f.example/r4/.well-known/smart-configuration', 'https://f.example/r4/Patient/1', 'not a url', ''),
);
const anyValue = fc.oneof(fc.jsonValue({ maxDepth: 3 }), word, url);
const headers = fc.oneof(fc.array(fc.record({ name: fc.oneof(fc.constantFrom('authorization', 'content-type', 'location', 'www-authenticate', ':path'), fc.string()), value: fc.oneof(word, fc.string(), fc.integer()) }), { maxLength: 4 }), anyValue);
const entry = fc.oneof(
  { weight: 6, arbitrary: fc.record({
    request: fc.oneof(
      { weight: 5, arbitrary: fc.record({ method: fc.oneof(word, anyValue), url: fc.oneof(url, anyValue), headers, queryString: headers, cookies: headers, postData: fc.option(fc.record({ mimeType: fc.string(), text: fc.oneof(word, fc.string(), anyValue), params: headers }, { requiredKeys: [] }), { nil: undefined }) }, { requiredKeys: ['method', 'url'] }) },
      { weight: 1, arbitrary: anyValue },
    ),
    response: fc.option(fc.record({ status: fc.oneof(fc.constantFrom(0, -1, 200, 302, 400, 401, 403, 500, 503), anyValue), headers, cookies: headers, content: fc.oneof(fc.record({ text: fc.oneof(fc.string(), word, fc.json(), anyValue), encoding: fc.constantFrom('base64', 'utf8', undefined), mimeType: fc.string() }, { requiredKeys: [] }), anyValue), redirectURL: fc.oneof(url, anyValue) }, { requiredKeys: [] }), { nil: undefined }),
    startedDateTime: fc.oneof(fc.constant('2026-01-01T00:00:00Z'), anyValue),
    time: fc.oneof(fc.double(), anyValue),
    _resourceType: fc.oneof(fc.constantFrom('document', 'fetch', 'image'), anyValue),
  }, { requiredKeys: ['request'] }) },
  { weight: 1, arbitrary: anyValue },
);

describe('HAR properties', () => {
  it('random HAR documents (right and wrong types everywhere), in random chunks: read or har-malformed', async () => {
    const seen = { read: 0, rejected: 0 };
    await fc.assert(
      fc.asyncProperty(fc.array(entry, { maxLength: 8 }), cuts, async (entries, at) => {
        const text = harDocument(entries);
        seen[await readOrReject(splitAt(text, at.map((n) => n % (text.length + 1))))]++;
      }),
      { numRuns: 300 },
    );
    assert.ok(seen.read > 10 && seen.rejected > 10, `both outcomes are exercised: ${JSON.stringify(seen)}`);
  });

  it('well-formed HARs read the same in any chunking, and match JSON.parse of the whole', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...FIXTURES), cuts, async (text, at) => {
        const whole = await traceOf([text]);
        const pieces = await traceOf(splitAt(text, at.map((n) => n % (text.length + 1))));
        assert.deepEqual(pieces.trace, whole.trace);
        const parsed = JSON.parse(text.replace(/^\uFEFF/, '')) as { log: { entries: unknown[] } };
        assert.equal(whole.classifier.counts.total, parsed.log.entries.length);
      }),
      { numRuns: 100 },
    );
  });

  it('mutated real-tool HARs (truncated, a character replaced, text inserted, a range deleted): read or har-malformed', async () => {
    const seen = { read: 0, rejected: 0 };
    const mutation = fc.oneof(
      fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
      fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), with: fc.constantFrom('"', '\\', '{', '}', '[', ']', ',', ':', 'x', '\u0000', '\n', '1') }),
      fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), with: fc.oneof(fc.string(), fc.constantFrom('{"a":', '[[[', '"\\', 'null,', '}]')) }),
      fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.nat({ max: 200 }) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...FIXTURES), fc.array(mutation, { minLength: 1, maxLength: 3 }), cuts, async (original, mutations, at) => {
        let text = original;
        for (const m of mutations) {
          const p = m.at % (text.length + 1);
          if (m.kind === 'truncate') text = text.slice(0, p);
          else if (m.kind === 'replace') text = text.slice(0, p) + m.with + text.slice(p + 1);
          else if (m.kind === 'insert') text = text.slice(0, p) + m.with + text.slice(p);
          else text = text.slice(0, p) + text.slice(p + m.length);
        }
        seen[await readOrReject(splitAt(text, at.map((n) => n % (text.length + 1))))]++;
      }),
      { numRuns: 400 },
    );
    assert.ok(seen.read > 10 && seen.rejected > 10, `both outcomes are exercised: ${JSON.stringify(seen)}`);
  });

  it('random text and random bytes decoded as UTF-8: har-malformed (or, rarely, a HAR)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string({ unit: 'binary' }), fc.uint8Array().map((b) => Buffer.from(b).toString('utf8')), fc.json()), cuts, async (text, at) => {
        await readOrReject(splitAt(text, at.map((n) => n % (text.length + 1))));
      }),
      { numRuns: 300 },
    );
  });

  it('deep nesting anywhere (inside an entry, beside entries, as the document) is rejected or read, never a stack overflow', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 20_000 }), fc.constantFrom('entry', 'beside', 'root', 'body'), async (depth, where) => {
        const nest = `${'['.repeat(depth)}${']'.repeat(depth)}`;
        const text =
          where === 'entry' ? `{"log":{"entries":[{"request":{"method":"GET","url":"https://a.example/","x":${nest}}}]}}`
          : where === 'beside' ? `{"log":{"pages":${nest},"entries":[]}}`
          : where === 'root' ? nest
          : harDocument([harEntryJson({ url: 'https://a.example/token', method: 'POST', body: 'grant_type=authorization_code', responseBody: nest })]);
        await readOrReject([text]);
      }),
      { numRuns: 40 },
    );
  });

  it('huge strings: a 20 MB body in a skipped entry and a 3 MB token body are read; the kept one is cut', async () => {
    const text = harDocument([
      harEntryJson({ url: 'https://cdn.example/bundle.js', responseBody: 'x'.repeat(20 * 1024 * 1024) }),
      harEntryJson({ method: 'POST', url: 'https://a.example/token', body: 'grant_type=authorization_code', responseBody: `{"error":"${'e'.repeat(3 * 1024 * 1024)}"}` }),
    ]);
    const { trace, classifier } = await traceOf(splitAt(text, [1, 1_000_000, 21_000_000]));
    assert.deepEqual(classifier.counts, { total: 2, used: 1, skipped: 1 });
    assert.equal(trace.filter((e) => e.type === 'event').length, 1);
    assert.equal(await readOrReject([text]), 'read');
  });
});
