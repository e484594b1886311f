// Fuzz: explain (in process, as the corpus runs it) with generated evidence of every kind.
// Property: a report or a typed error, never another exception; the human view (colour
// off, plain and --verbose) has no raw control or bidi character; --json parses back; a
// secret planted where redaction must find it (a token response member, a body member, a
// Bearer header, a client_secret / client_assertion / password parameter) is in no output.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { explainCommand } from '../../src/commands/explain.js';
import { encodeParam, expectReportOrTypedError, fuzzContext, hostileJson, hostileString, jsonText, longText, secret, show } from './fuzz-kit.js';

const RUNS = Number(process.env['FUZZ_RUNS'] ?? 500);

/** A value explain reads as a literal (not @file or "-"). */
const literal = (s: string): string => (s.startsWith('@') || s === '-' ? ` ${s}` : s);

const statusArb = fc.oneof(fc.integer({ min: 100, max: 599 }), fc.integer(), fc.constantFrom(0, -1, 2 ** 31, Number.MAX_SAFE_INTEGER, 401, 400, 403));
const headerLine = fc.oneof(
  fc.tuple(fc.constantFrom('WWW-Authenticate', 'Content-Type', 'X-Request-Id', 'Location', '__proto__', 'constructor', 'toString', 'Set-Cookie', 'Retry-After', 'X-MS-Request-Id', 'opc-request-id'), hostileString).map(([n, v]) => `${n}: ${v}`),
  hostileString.map((v) => `WWW-Authenticate: Bearer error="${v}", error_description="${v}"`),
  hostileString,
);
const param = fc.tuple(fc.constantFrom('response_type', 'client_id', 'redirect_uri', 'scope', 'state', 'aud', 'iss', 'launch', 'code_challenge', 'code_challenge_method', '__proto__', 'constructor', 'to', 'error', 'x'), hostileString).map(([k, v]) => `${encodeParam(k)}=${encodeParam(v)}`);
const urlArb = fc.oneof(
  fc.webUrl({ withQueryParameters: true, withFragments: true }),
  fc.tuple(fc.constantFrom('https://ehr.example/oauth2/authorize', 'https://authorization.cerner.com/session-api/realm/t', 'https://ehr.example/fhir', 'https://login.microsoftonline.com/t/oauth2/v2.0/authorize'), fc.array(param, { maxLength: 12 }), fc.boolean()).map(([base, ps, repeat]) => `${base}?${(repeat ? [...ps, ...ps, ...ps] : ps).join('&')}`),
  fc.tuple(fc.constantFrom('https://ehr.example/authorize?response_type=code&scope=', 'https://ehr.example/launch?iss='), longText).map(([b, l]) => b + encodeParam(l)),
  hostileString,
  fc.constantFrom('http://[::1', 'https://', 'javascript:alert(1)', 'https://x.example/authorize?to=%E0%A4%A', 'https://ehr/authorize?response_type=code&to=%2F%2F%2E%2E', 'data:text/html,hi', 'https://a/authorize?'.padEnd(200_000, '&')),
);
const shellPiece = fc.oneof(
  fc.constantFrom('curl', ' ', ' ', '-X', 'POST', '-H', '-d', '--data-urlencode', '--data-raw', '--json', '-u', '--user', '--oauth2-bearer', '-b', '--url', '-G', '-XPOST', "'", '"', '\\', '\\\n', '^"', '^\n', "$'", '\\x1b', '\\u202e', '$', '`', '\n', 'https://ehr.example/token', 'grant_type=authorization_code', 'Content-Type: application/x-www-form-urlencoded', '@', '='),
  hostileString,
);
const curlArb = fc.oneof(
  fc.array(shellPiece, { maxLength: 16 }).map((p) => `curl ${p.join('')}`),
  fc.array(shellPiece, { maxLength: 16 }).map((p) => p.join(' ')),
  fc.tuple(fc.constantFrom('-d', '--data-raw', '-H', '--url', '-u', '--json'), hostileString, fc.constantFrom("'", '"', "$'", '')).map(([flag, v, q]) => `curl -X POST https://ehr.example/token ${flag} ${q}${v}${q}`),
);

test('explain: generated evidence of every kind gives a report or a typed error, and renders safely', async () => {
  const options = fc.record(
    {
      status: statusArb,
      body: fc.oneof(jsonText, hostileString, longText),
      header: fc.array(headerLine, { maxLength: 4 }),
      requestHeader: fc.array(headerLine, { maxLength: 3 }),
      requestBody: fc.oneof(hostileString, fc.array(param, { maxLength: 6 }).map((p) => p.join('&'))),
      method: fc.constantFrom('GET', 'post', 'BREW', '', 'GET\n'),
      endpoint: fc.constantFrom('token', 'authorize', 'fhir', 'discovery', 'introspect', 'x'),
      tokenResponse: fc.oneof(jsonText, hostileJson.map((v) => JSON.stringify({ access_token: 'abc', token_type: 'Bearer', scope: v, patient: v, expires_in: v }))),
      requestedScope: hostileString,
      url: urlArb,
      curl: curlArb,
      message: fc.array(fc.oneof(hostileString, longText), { maxLength: 3 }),
      clientId: hostileString,
      tokenUrl: fc.oneof(hostileString, fc.webUrl()),
    },
    { requiredKeys: [] },
  );
  await fc.assert(
    fc.asyncProperty(options, async (o) => {
      const opts: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(o)) opts[k] = typeof v === 'string' ? literal(v) : Array.isArray(v) ? v.map((x: string) => literal(x)) : v;
      await expectReportOrTypedError(`explain ${show(opts)}`, () => explainCommand(fuzzContext(), opts));
    }),
    { numRuns: RUNS },
  );
});

/** Bodies shaped like what servers send (an OAuth error, an OperationOutcome, a discovery document), every member hostile. */
const v = fc.oneof({ weight: 3, arbitrary: hostileString }, { weight: 1, arbitrary: hostileJson });
const shapedBody = fc.oneof(
  fc.record({ error: fc.oneof(fc.constantFrom('invalid_grant', 'invalid_client', 'invalid_scope', 'invalid_request', 'access_denied', 'unauthorized_client', 'invalid_token', 'insufficient_scope', 'server_error', 'temporarily_unavailable', 'login_required', 'consent_required', 'interaction_required'), v), error_description: v, error_uri: fc.oneof(fc.webUrl(), v), error_codes: v, trace_id: v, correlation_id: v, timestamp: v, message: v, code: v }, { requiredKeys: ['error'] }),
  fc.record({ resourceType: fc.constant('OperationOutcome'), issue: fc.oneof(fc.array(fc.record({ severity: fc.oneof(fc.constantFrom('error', 'fatal', 'warning'), v), code: fc.oneof(fc.constantFrom('security', 'forbidden', 'login', 'expired', 'not-found'), v), diagnostics: v, details: fc.oneof(fc.record({ text: v, coding: fc.oneof(fc.array(fc.record({ system: v, code: v, display: v }, { requiredKeys: [] }), { maxLength: 3 }), v) }, { requiredKeys: [] }), v), expression: v }, { requiredKeys: [] }), { maxLength: 4 }), v) }, { requiredKeys: ['resourceType'] }),
  fc.record({ issuer: fc.oneof(fc.webUrl(), v), authorization_endpoint: fc.oneof(fc.webUrl(), v), token_endpoint: fc.oneof(fc.webUrl(), v), capabilities: fc.oneof(fc.array(hostileString, { maxLength: 5 }), v), code_challenge_methods_supported: v, grant_types_supported: v, scopes_supported: v, token_endpoint_auth_methods_supported: v }, { requiredKeys: [] }),
).map((o) => JSON.stringify(o));

/** One kind of evidence alone (with a status), so each reaches the rules instead of an earlier refusal. */
const single = fc.oneof(
  fc.record({ status: statusArb, body: shapedBody, header: fc.array(headerLine, { maxLength: 3 }), endpoint: fc.constantFrom('token', 'authorize', 'fhir', 'discovery'), requestBody: fc.array(param, { maxLength: 6 }).map((p) => p.join('&')), url: fc.webUrl({ withQueryParameters: true }) }, { requiredKeys: ['body'] }),
  fc.record({ status: statusArb, body: fc.oneof(jsonText, hostileString, longText), header: fc.array(headerLine, { maxLength: 3 }), endpoint: fc.constantFrom('token', 'authorize', 'fhir', 'discovery') }, { requiredKeys: ['body'] }),
  fc.record({ url: urlArb, message: fc.array(hostileString, { maxLength: 2 }) }, { requiredKeys: ['url'] }),
  fc.record({ curl: curlArb, status: statusArb, body: jsonText }, { requiredKeys: ['curl'] }),
  fc.record({ tokenResponse: fc.oneof(jsonText, hostileJson.map((v) => JSON.stringify({ access_token: 'abc', token_type: 'Bearer', scope: v, patient: v, expires_in: v, id_token: v }))), requestedScope: hostileString }, { requiredKeys: ['tokenResponse'] }),
  fc.record({ message: fc.array(fc.oneof(hostileString, longText), { minLength: 1, maxLength: 3 }) }),
  fc.record({ status: statusArb, body: jsonText, requestHeader: fc.array(headerLine, { maxLength: 3 }), requestBody: fc.array(param, { maxLength: 6 }).map((p) => p.join('&')), url: fc.webUrl({ withQueryParameters: true }) }),
);

test('explain: one kind of generated evidence at a time reaches the rules and renders safely', async () => {
  let reports = 0;
  await fc.assert(
    fc.asyncProperty(single, async (o) => {
      const opts: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(o)) opts[k] = typeof v === 'string' ? literal(v) : Array.isArray(v) ? v.map((x: string) => literal(x)) : v;
      if ((await expectReportOrTypedError(`explain ${show(opts)}`, () => explainCommand(fuzzContext(), opts))) !== undefined) reports++;
    }),
    { numRuns: RUNS },
  );
  // Most runs must get as far as a report, or the property tests the refusals only.
  assert.ok(reports > RUNS / 2, `${reports} of ${RUNS} runs gave a report`);
});

test('explain: a secret planted where redaction must find it is in no rendering', async () => {
  const place = fc.constantFrom('token-response', 'body', 'request-header', 'header-cookie', 'curl-bearer', 'curl-form', 'curl-user', 'request-body', 'url', 'body-form', 'message-param', 'location-fragment', 'request-header-basic', 'request-header-dpop', 'url-userinfo', 'body-text-json', 'nested-token-response', 'curl-oauth2-bearer', 'curl-data-urlencode', 'form-post-callback');
  const field = fc.constantFrom('access_token', 'refresh_token', 'id_token', 'client_secret', 'client_assertion', 'password', 'code_verifier');
  await fc.assert(
    fc.asyncProperty(place, field, secret, hostileJson, fc.integer({ min: 100, max: 599 }), async (where, name, s, noise, status) => {
      const opts: Record<string, unknown> = { status };
      const noisy = JSON.stringify({ error: 'invalid_grant', noise, [name]: s });
      switch (where) {
        case 'token-response':
          opts['tokenResponse'] = JSON.stringify({ access_token: name === 'access_token' ? s : 'abc', token_type: 'Bearer', scope: 'openid', noise, [name]: s });
          break;
        case 'body':
          opts['body'] = noisy;
          break;
        case 'body-form':
          opts['body'] = `error=invalid_grant&${name}=${encodeParam(s)}`;
          break;
        case 'request-header':
          opts['requestHeader'] = [`Authorization: Bearer ${s}`];
          opts['body'] = noisy;
          opts['endpoint'] = 'fhir';
          break;
        case 'header-cookie':
          opts['header'] = [`Set-Cookie: session=${s}; Path=/`];
          opts['requestHeader'] = [`Cookie: sid=${s}`];
          opts['body'] = '{"error":"invalid_request"}';
          break;
        case 'curl-bearer':
          opts['curl'] = `curl -H 'Authorization: Bearer ${s}' https://ehr.example/fhir/Patient`;
          break;
        case 'curl-form':
          opts['curl'] = `curl -X POST https://ehr.example/token -d 'grant_type=client_credentials&${name}=${s}'`;
          opts['body'] = '{"error":"invalid_client"}';
          break;
        case 'curl-user':
          opts['curl'] = `curl -u 'my-client:${s}' -d grant_type=client_credentials https://ehr.example/token`;
          opts['body'] = '{"error":"invalid_client"}';
          break;
        case 'request-body':
          opts['requestBody'] = `grant_type=refresh_token&${name}=${s}`;
          opts['body'] = noisy;
          opts['endpoint'] = 'token';
          break;
        case 'url':
          opts['url'] = `https://ehr.example/authorize?response_type=code&client_id=a&${name}=${s}`;
          break;
        case 'location-fragment':
          opts['header'] = [`Location: https://app.example/cb#state=x&${name}=${s}&token_type=Bearer`];
          opts['status'] = 302;
          opts['endpoint'] = 'authorize';
          break;
        case 'request-header-basic':
          opts['requestHeader'] = [`Authorization: Basic ${Buffer.from(`my-app:${s}`).toString('base64')}`];
          opts['body'] = '{"error":"invalid_client"}';
          opts['endpoint'] = 'token';
          break;
        case 'request-header-dpop':
          opts['requestHeader'] = [`Authorization: DPoP ${s}`, `Proxy-Authorization: Bearer ${s}`];
          opts['body'] = noisy;
          break;
        case 'url-userinfo':
          opts['url'] = `https://my-app:${s}@ehr.example/oauth2/token`;
          opts['body'] = '{"error":"invalid_client"}';
          break;
        case 'body-text-json':
          opts['body'] = `<html><pre>{"token_type":"Bearer","${name}": "${s}"}</pre> ${JSON.stringify(noise)}</html>`;
          break;
        case 'nested-token-response':
          opts['tokenResponse'] = JSON.stringify({ access_token: 'abc', token_type: 'Bearer', scope: 'openid', fhirContext: [{ reference: 'Patient/1', [name]: s }], noise: [noise, { [name]: s }] });
          break;
        case 'curl-oauth2-bearer':
          opts['curl'] = `curl --oauth2-bearer ${s} https://ehr.example/fhir/Patient`;
          opts['status'] = 401;
          break;
        case 'curl-data-urlencode':
          opts['curl'] = `curl https://ehr.example/token --data-urlencode '${name}=${s}' --data-urlencode 'grant_type=client_credentials'`;
          opts['body'] = '{"error":"invalid_client"}';
          break;
        case 'form-post-callback':
          opts['requestBody'] = `state=x&${name}=${s}&code=${s}&id_token=${s}`;
          opts['url'] = 'https://app.example/cb';
          opts['method'] = 'POST';
          break;
        case 'message-param':
          opts['message'] = [`POST /token failed: ${name}=${s}`];
          break;
      }
      await expectReportOrTypedError(`explain ${show(opts)}`, () => explainCommand(fuzzContext(), opts), [s]);
    }),
    { numRuns: RUNS },
  );
});

test('explain: a secret inside evidence that is refused (a bad URL, header line, method, curl line) is not in the error message', async () => {
  const bearer = (s: string): fc.Arbitrary<string> => fc.constantFrom(`Bearer ${s}`, `access_token=${s}`, `client_secret=${s}`, `code=${s}`, `"refresh_token":"${s}"`, `password=${s}`);
  const refused = (s: string): fc.Arbitrary<Record<string, unknown>> =>
    fc.oneof(
      fc.tuple(fc.constantFrom('/cb?', 'https://a b/cb?', 'ehr.example/authorize?', 'https://[::1/cb?', 'http://ehr:99999/cb?'), fc.constantFrom('code', 'access_token', 'client_secret', 'refresh_token', 'client_assertion')).map(([u, p]) => ({ url: `${u}state=x&${p}=${s}` })),
      fc.tuple(fc.constantFrom('Authorization', 'Cookie', 'X Bad'), bearer(s)).map(([n, v]) => ({ status: 401, body: '{}', requestHeader: [`${n} ${v}`] })),
      bearer(s).map((v) => ({ status: 401, body: '{}', header: [`Bad Name: ${v}`] })),
      bearer(s).map((v) => ({ status: 400, body: '{}', method: v })),
      fc.tuple(fc.constantFrom("curl -H 'Authorization: ", 'curl -H "Authorization: ', "curl -d '", "curl $'", 'curl https://ehr/token -d ', 'wget -H "Authorization: '), bearer(s), fc.constantFrom('', ' -F x=1', ' -d')).map(([a, v, b]) => ({ curl: `${a}${v}${b}` })),
    );
  await fc.assert(
    fc.asyncProperty(secret.chain((s) => fc.tuple(fc.constant(s), refused(s))), async ([s, opts]) => {
      await expectReportOrTypedError(`explain ${show(opts)}`, () => explainCommand(fuzzContext(), opts), [s]);
    }),
    { numRuns: RUNS },
  );
});
