// Fuzz: explain --har (in process, reading a file as the CLI does) with generated HAR 1.2
// documents: a launch's requests (authorize, callback, token, FHIR) with fuzzed fields,
// wrong types, missing members, prototype-named keys, hostile and huge text, deep content.
// Property: a report or a typed error, the human view has no raw control or bidi
// character, --json parses back, and no secret planted in the HAR is in any rendering.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { explainCommand } from '../../src/commands/explain.js';
import { isSmartctlError } from '../../src/errors.js';
import { leakedSlices } from '../helpers/secrets.js';
import { describe, encodeParam, expectReportOrTypedError, FUZZ_DIR, fuzzContext, hostileJson, hostileKey, hostileString, jsonText, longText, secret, show } from './fuzz-kit.js';

const RUNS = Number(process.env['FUZZ_RUNS'] ?? 300);

let files = 0;
function harFile(doc: string): string {
  const file = path.join(FUZZ_DIR, `fuzz-${process.pid}-${files++}.har`);
  writeFileSync(file, doc);
  return file;
}

const anyValue = fc.oneof(hostileJson, hostileString, fc.integer(), fc.constant(null));
/** Sometimes the right type, sometimes anything. */
const maybe = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<unknown> => fc.oneof({ weight: 300, arbitrary: arb }, { weight: 1, arbitrary: anyValue });
const nameValues = (names: fc.Arbitrary<string>, values: fc.Arbitrary<string>): fc.Arbitrary<unknown> =>
  maybe(fc.array(fc.oneof({ weight: 100, arbitrary: fc.record({ name: names, value: maybe(values) }) }, { weight: 1, arbitrary: anyValue }), { maxLength: 5 }));
const headerName = fc.oneof(fc.constantFrom('authorization', 'Authorization', 'content-type', 'location', 'www-authenticate', 'set-cookie', 'cookie', 'x-request-id', 'date', ':path', 'traceparent'), hostileKey);
const base = fc.constantFrom('https://ehr.example/oauth2/authorize', 'https://app.example/callback', 'https://ehr.example/oauth2/token', 'https://ehr.example/fhir/r4/Patient/1', 'https://ehr.example/fhir/r4/.well-known/smart-configuration', 'https://ehr.example/fhir/r4/metadata', 'https://ehr.example/.well-known/jwks.json', 'https://cdn.example/app.js');
const queryParam = fc.tuple(fc.constantFrom('response_type', 'client_id', 'redirect_uri', 'scope', 'state', 'aud', 'code', 'error', 'error_description', 'code_challenge', 'launch', 'iss', '__proto__', 'constructor'), hostileString).map(([k, v]) => `${k}=${encodeParam(v)}`);
const url = fc.oneof({ weight: 6, arbitrary: fc.tuple(base, fc.array(queryParam, { maxLength: 6 })).map(([b, q]) => (q.length === 0 ? b : `${b}?${q.join('&')}`)) }, { weight: 1, arbitrary: hostileString }, { weight: 1, arbitrary: fc.webUrl({ withQueryParameters: true }) });
const text = fc.oneof(jsonText, hostileString, fc.array(queryParam, { maxLength: 6 }).map((q) => q.join('&')), fc.constantFrom('{"error":"invalid_grant","error_description":"\u001b]0;pwned\u0007"}', '{"access_token":"a","token_type":"Bearer","scope":"openid","__proto__":{"id_token":"x"}}', '<html><script>'));

const entry = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record(
      {
        startedDateTime: maybe(fc.constantFrom('2026-12-01T11:59:00.000Z', 'not a date', '')),
        time: maybe(fc.double()),
        request: maybe(
          fc.record(
            {
              method: maybe(fc.constantFrom('GET', 'POST', 'OPTIONS', 'get')),
              url: maybe(url),
              httpVersion: maybe(fc.constant('http/1.1')),
              headers: nameValues(headerName, fc.oneof(hostileString, fc.constant('Bearer abc'), fc.constant('application/x-www-form-urlencoded'))),
              queryString: nameValues(fc.oneof(fc.constantFrom('code', 'state', 'scope'), hostileKey), hostileString),
              cookies: nameValues(hostileKey, hostileString),
              postData: maybe(fc.record({ mimeType: maybe(fc.constantFrom('application/x-www-form-urlencoded', 'application/json')), text: maybe(text), params: nameValues(fc.oneof(fc.constantFrom('grant_type', 'code', 'client_id'), hostileKey), hostileString) }, { requiredKeys: [] })),
            },
            { requiredKeys: ['method', 'url'] },
          ),
        ),
        response: maybe(
          fc.record(
            {
              status: maybe(fc.oneof(fc.constantFrom(0, 200, 302, 400, 401, 403, 500), fc.integer())),
              statusText: maybe(hostileString),
              headers: nameValues(headerName, fc.oneof(hostileString, fc.constant('Bearer error="invalid_token"'))),
              cookies: nameValues(hostileKey, hostileString),
              content: maybe(fc.record({ size: maybe(fc.integer()), mimeType: maybe(fc.constantFrom('application/json', 'text/html', 'text/plain')), text: maybe(fc.oneof(text, longText)), encoding: maybe(fc.constantFrom('base64', 'utf8')) }, { requiredKeys: [] })),
              redirectURL: maybe(url),
              _error: maybe(hostileString),
            },
            { requiredKeys: [] },
          ),
        ),
        _resourceType: maybe(fc.constantFrom('document', 'fetch', 'xhr', 'script')),
        extra: fc.tuple(hostileKey, anyValue),
      },
      { requiredKeys: ['request'] },
    ).map(({ extra, ...e }) => {
      // A member named after a prototype property ("__proto__", "constructor") beside the HAR's own.
      if (extra !== undefined) Object.defineProperty(e, extra[0], { value: extra[1], enumerable: true, writable: true, configurable: true });
      return e;
    }),
  },
  { weight: 1, arbitrary: anyValue },
);

const document = fc.record({ entries: fc.array(entry, { maxLength: 6 }), creator: maybe(fc.record({ name: hostileString, version: hostileString })), browser: maybe(fc.record({ name: hostileString, version: hostileString })), version: maybe(fc.constantFrom('1.2', '1.1')), extra: fc.option(fc.tuple(hostileKey, anyValue), { nil: undefined }) }).map(({ entries, creator, browser, version, extra }) => {
  const log: Record<string, unknown> = { version, creator, browser, entries };
  if (extra !== undefined) Object.defineProperty(log, extra[0], { value: extra[1], enumerable: true, writable: true, configurable: true });
  return JSON.stringify({ log });
});

test('explain --har: generated HAR documents give a report or a typed error, and render safely', async () => {
  let reports = 0;
  await fc.assert(
    fc.asyncProperty(fc.oneof({ weight: 8, arbitrary: document }, { weight: 1, arbitrary: jsonText }, { weight: 1, arbitrary: hostileString }), fc.array(hostileString, { maxLength: 2 }), fc.option(fc.oneof(hostileString, fc.constantFrom('openid fhirUser launch patient/*.rs', '__proto__ constructor toString')), { nil: undefined }), fc.option(hostileString, { nil: undefined }), async (doc, message, requestedScope, clientId) => {
      const file = harFile(doc);
      if ((await expectReportOrTypedError(`explain --har ${show(doc)} ${show({ message, requestedScope, clientId })}`, () => explainCommand(fuzzContext(), { har: file, message, requestedScope, clientId }))) !== undefined) reports++;
    }),
    { numRuns: RUNS },
  );
  assert.ok(reports > RUNS / 3, `${reports} of ${RUNS} HARs gave a report`);
});

/** A launch recorded as a HAR, with secrets where a browser puts them. */
function launchHar(s: string, noise: unknown, field: string): string {
  const nv = (o: Record<string, string>): Array<{ name: string; value: string }> => Object.entries(o).map(([name, value]) => ({ name, value }));
  const entry = (method: string, url: string, headers: Record<string, string>, body: string | undefined, status: number, responseHeaders: Record<string, string>, responseBody: string): Record<string, unknown> => ({
    startedDateTime: '2026-12-01T11:59:00.000Z',
    time: 5,
    request: { method, url, httpVersion: 'http/1.1', headers: nv(headers), queryString: [...new URL(url).searchParams].map(([name, value]) => ({ name, value })), cookies: [], headersSize: -1, bodySize: -1, ...(body === undefined ? {} : { postData: { mimeType: 'application/x-www-form-urlencoded', text: body, params: [...new URLSearchParams(body)].map(([name, value]) => ({ name, value })) } }) },
    response: { status, statusText: '', httpVersion: 'http/1.1', headers: nv(responseHeaders), cookies: [], content: { size: -1, mimeType: 'application/json', text: responseBody }, redirectURL: responseHeaders['location'] ?? '', headersSize: -1, bodySize: -1 },
    cache: {},
    timings: { send: 0, wait: 1, receive: 1 },
  });
  const entries = [
    entry('GET', 'https://ehr.example/oauth2/authorize?response_type=code&client_id=app&redirect_uri=https%3A%2F%2Fapp.example%2Fcb&scope=openid%20launch&state=st4te&aud=https%3A%2F%2Fehr.example%2Ffhir', { cookie: `session=${s}` }, undefined, 302, { location: `https://app.example/cb?code=${s}&state=st4te`, 'set-cookie': `session=${s}; Path=/; HttpOnly` }, ''),
    entry('POST', 'https://ehr.example/oauth2/token', { authorization: `Basic ${Buffer.from(`app:${s}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' }, `grant_type=authorization_code&code=${s}&redirect_uri=https%3A%2F%2Fapp.example%2Fcb&code_verifier=${s}&${field}=${s}`, 200, { 'content-type': 'application/json' }, JSON.stringify({ access_token: s, token_type: 'Bearer', refresh_token: s, id_token: s, scope: 'openid launch', noise, [field]: s })),
    entry('GET', 'https://ehr.example/oauth2/authorize?response_type=token&client_id=app&redirect_uri=https%3A%2F%2Fapp.example%2Fcb', { 'proxy-authorization': `Basic ${Buffer.from(`u:${s}`).toString('base64')}` }, undefined, 302, { location: `https://app.example/cb#access_token=${s}&id_token=${s}&state=st4te` }, ''),
    entry('POST', 'https://app.example/cb', { 'content-type': 'application/x-www-form-urlencoded' }, `state=st4te&code=${s}&id_token=${s}`, 200, {}, ''),
    entry('POST', `https://app:${s}@ehr.example/oauth2/token`, { 'content-type': 'application/x-www-form-urlencoded' }, `grant_type=refresh_token&refresh_token=${s}&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer&client_assertion=${s}`, 401, { 'content-type': 'application/json' }, JSON.stringify({ error: 'invalid_client', error_description: `client app:${s} rejected`.replace(`:${s}`, ''), noise })),
    entry('GET', 'https://ehr.example/fhir/Patient/1', { authorization: `Bearer ${s}` }, undefined, 401, { 'www-authenticate': 'Bearer error="invalid_token"' }, JSON.stringify({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'security', diagnostics: noise }] })),
  ];
  return JSON.stringify({ log: { version: '1.2', creator: { name: 'fuzz', version: '1' }, entries } });
}

test('explain --har: secrets a launch HAR holds (codes, tokens, client secrets, cookies) are in no rendering', async () => {
  await fc.assert(
    fc.asyncProperty(secret, hostileJson, fc.constantFrom('client_secret', 'client_assertion', 'password', 'refresh_token', 'code_verifier'), async (s, noise, field) => {
      const file = harFile(launchHar(s, noise, field));
      const report = await expectReportOrTypedError(`explain --har (secret ${field}, noise ${show(noise)})`, () => explainCommand(fuzzContext(), { har: file }), [s]);
      assert.notEqual(report, undefined, 'a well-formed launch HAR gives a report');
    }),
    { numRuns: Math.min(RUNS, 100) },
  );
});

/** The HAR read into a trace (as explain --har does), then as a run's report with that trace: --verbose shows every exchange, --har writes them. */
async function traceReport(doc: string): Promise<{ report: import('../../src/report/report.js').Report; har: string } | undefined> {
  const { traceOf } = await import('../har/har-text.js');
  const { traceToHar } = await import('../../src/har/write.js');
  const { makeReport } = await import('../../src/report/report.js');
  let trace;
  try {
    ({ trace } = await traceOf([doc]));
  } catch (error) {
    assert.ok(isSmartctlError(error), describe(error));
    return undefined;
  }
  return { report: makeReport({ command: 'launch', trace }), har: JSON.stringify(traceToHar(trace, { version: '0.0.0', command: 'launch', showSecrets: false })) };
}

test('a trace from a generated HAR renders safely with --verbose and is written back as HAR (redacted, parseable)', async () => {
  await fc.assert(
    fc.asyncProperty(document, async (doc) => {
      const out = await traceReport(doc);
      if (out === undefined) return;
      await expectReportOrTypedError(`trace of ${show(doc)}`, () => Promise.resolve(out.report));
      assert.doesNotThrow(() => JSON.parse(out.har), 'the written HAR parses');
    }),
    { numRuns: RUNS },
  );
});

test('the secrets of a launch HAR are in neither the --verbose trace nor the HAR written from it', async () => {
  await fc.assert(
    fc.asyncProperty(secret, hostileJson, fc.constantFrom('client_secret', 'client_assertion', 'password', 'refresh_token', 'code_verifier'), async (s, noise, field) => {
      const out = await traceReport(launchHar(s, noise, field));
      assert.notEqual(out, undefined);
      if (out === undefined) return;
      await expectReportOrTypedError(`trace (secret ${field}, noise ${show(noise)})`, () => Promise.resolve(out.report), [s]);
      assert.deepEqual(leakedSlices(out.har, [s]), [], 'the planted secret is in the written HAR');
    }),
    { numRuns: Math.min(RUNS, 100) },
  );
});
