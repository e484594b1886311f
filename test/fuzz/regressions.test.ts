// Regressions found by the fuzz tests of this folder, each with the counterexample it found.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import { discoverCommand } from '../../src/commands/discover.js';
import { isSmartctlError } from '../../src/errors.js';
import { tokenCommand } from '../../src/commands/token.js';
import { basicCredentials } from '../../src/protocol/client-auth/index.js';
import { explainCommand } from '../../src/commands/explain.js';
import { parseAuthParams, parseOAuthError } from '../../src/protocol/oauth-error.js';
import { pageText, withoutTags } from '../../src/diagnose/html-text.js';
import { fuzzContext } from './fuzz-kit.js';

// ---- auth-params: quadratic on a long run of letters ------------------------------------

/** The auth-param reader as it was: tried at every position of a run of word characters. */
function parseAuthParamsBefore(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /([A-Za-z_][\w-]*)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,"]+))/g;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const name = m[1];
    if (name === undefined || Object.hasOwn(out, name)) continue;
    Object.defineProperty(out, name, { value: m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : (m[3] ?? ''), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

test('regression: a response body of 100 000 letters is read in linear time (was quadratic: 59 988 "a" took 15 s in explain)', () => {
  // Fuzz counterexample: explain --status 400 --body "aaaa…a" (59 988 characters). Quadratic,
  // 100 000 letters took about 40 s; linear, a few milliseconds. The bound is far from both.
  for (const text of ['a'.repeat(100_000), `Bearer ${'x1_'.repeat(33_000)}`, `error=${'-'.repeat(50_000)}a${'b'.repeat(50_000)}`]) {
    const started = performance.now();
    parseOAuthError(text);
    parseAuthParams(text);
    const ms = performance.now() - started;
    assert.ok(ms < 3000, `${text.length} characters took ${Math.round(ms)} ms`);
  }
});

test('regression: explain of a 60 000-letter body answers in seconds', async () => {
  const started = performance.now();
  const report = await explainCommand(fuzzContext(), { status: 400, body: 'a'.repeat(60_000) });
  assert.equal(report.command, 'explain');
  const ms = performance.now() - started;
  assert.ok(ms < 5000, `took ${Math.round(ms)} ms`);
});

test('auth-params: the linear reader gives what the quadratic one gave, on any text of auth-param characters', () => {
  const piece = fc.constantFrom('a', 'Z', '_', '1', '-', '=', ' ', '\t', ',', '"', '\\', 'error', 'scope', '__proto__', 'é', ';');
  fc.assert(
    fc.property(fc.array(piece, { maxLength: 40 }).map((p) => p.join('')), (text) => {
      assert.deepEqual(parseAuthParams(text), parseAuthParamsBefore(text));
    }),
    { numRuns: 3000 },
  );
});

test('regression: a challenge parameter named "__proto__" is a parameter (was: dropped, the assignment set no member)', () => {
  const params = parseAuthParams('__proto__="x", error="invalid_token"');
  assert.equal(Object.hasOwn(params, '__proto__'), true);
  assert.deepEqual(Object.keys(params), ['__proto__', 'error']);
  assert.equal(Object.getPrototypeOf(params), Object.prototype);
});

// ---- HTML pages and Entra lines: quadratic on unclosed tags and runs of newlines ---------

/** The tag and script strippers as they were (pageText of rule.ts, the inline tag strip of evidence.ts and failure.ts). */
function pageTextBefore(html: string): string {
  return html
    .replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&apos;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}

function entraLineBefore(description: string, label: string): string | undefined {
  return new RegExp(`(?:^|[\\r\\n])\\s*${label}:\\s*([^\\r\\n]+)`, 'i').exec(description)?.[1];
}

function within(ms: number, what: string, run: () => unknown): void {
  const started = performance.now();
  run();
  const took = performance.now() - started;
  assert.ok(took < ms, `${what} took ${Math.round(took)} ms`);
}

test('regression: an HTML answer of 100 000 characters of unclosed "<a" (or "<script>") is read in linear time (was: 1.5 s in explain, quadratic)', async () => {
  // Fuzz counterexamples: explain --status 400 --body "<a<a<a…" (20 000 characters), and "<script>" x 5 000.
  for (const body of ['<a'.repeat(50_000), '<script>'.repeat(12_500), '<style'.repeat(16_000), `<p>${'<'.repeat(100_000)}`]) {
    within(3000, `pageText of ${body.slice(0, 8)}… (${body.length})`, () => pageText(body));
    within(3000, `withoutTags of ${body.slice(0, 8)}… (${body.length})`, () => withoutTags(body));
  }
  // 100 000 characters: over 10 s when quadratic, milliseconds now.
  for (const body of ['<a'.repeat(50_000), '<script>'.repeat(12_500)]) {
    const started = performance.now();
    await explainCommand(fuzzContext(), { status: 400, body, endpoint: 'authorize' });
    const ms = performance.now() - started;
    assert.ok(ms < 3000, `explain of ${body.slice(0, 8)}… took ${Math.round(ms)} ms`);
  }
});

test('regression: an error_description of 40 000 newlines is read in linear time (was: 1.8 s in explain, quadratic Entra line search)', async () => {
  // Fuzz counterexample: explain --status 400 --body '{"error":"invalid_request","error_description":"\n\n…"}' (20 000 newlines).
  const started = performance.now();
  await explainCommand(fuzzContext(), { status: 400, body: JSON.stringify({ error: 'invalid_request', error_description: '\n'.repeat(40_000) }) });
  await explainCommand(fuzzContext(), { status: 400, body: JSON.stringify({ error: 'invalid_request', error_description: `AADSTS50011: x${'\r\n \t'.repeat(20_000)}Trace ID: 1` }) });
  const ms = performance.now() - started;
  assert.ok(ms < 3000, `took ${Math.round(ms)} ms`);
});

test('html text: the linear strippers give what the old patterns gave on pages without a "<" inside a tag', () => {
  const piece = fc.constantFrom('<', '>', '</', 'script', 'SCRIPT', 'style', 'p', 'a', ' ', '\n', '&amp;', '&lt;', '&nbsp;', 'x', '"', '/');
  fc.assert(
    fc.property(fc.array(piece, { maxLength: 30 }).map((p) => p.join('')), (html) => {
      // The one intended difference: "<" inside a tag ("a < b <i>"), where the old pattern ran to the next ">".
      fc.pre(!/<[^>]*</.test(html));
      assert.equal(pageText(html), pageTextBefore(html));
      assert.equal(withoutTags(html), html.replace(/<[^>]*>/g, ' '));
    }),
    { numRuns: 3000 },
  );
});

test('entra lines: the linear search gives what the old one gave', async () => {
  const { correlationIdsOfResponse } = await import('../../src/report/correlation.js');
  const piece = fc.constantFrom('\n', '\r', '\r\n', ' ', '\t', '\u00a0', 'Trace ID:', 'trace id: ', 'Correlation ID:', 'Timestamp: ', 'x', '1', 'AADSTS50011');
  fc.assert(
    fc.property(fc.array(piece, { maxLength: 20 }).map((p) => p.join('')), (description) => {
      const ids = correlationIdsOfResponse({ headers: {}, body: JSON.stringify({ error: 'invalid_client', error_description: description }) }, { status: 400 });
      const trace = ids.find((i) => i.name === 'Entra Trace ID');
      const before = entraLineBefore(description, 'Trace ID');
      assert.equal(trace?.value, before === undefined || before.trim() === '' ? undefined : before.trim().slice(0, 200));
    }),
    { numRuns: 3000 },
  );
});

// ---- decode: claims under secret names shown in the human view ----------------------------

test('regression: decode masks a claim named as a secret in the human view as --json does (was: "client_secret" and "password" claims shown)', async () => {
  // Fuzz counterexample: decode <JWT with claims {"client_secret":"Zk9q-_A-Aa0_0--_0_-_--_a-A_-"}>.
  const { decodeCommand } = await import('../../src/commands/decode.js');
  const { renderAll } = await import('./fuzz-kit.js');
  const b64 = (s: string): string => Buffer.from(s).toString('base64url');
  const secret = 'Zk9q-_A-Aa0_0--_0_-_--_a-A_-';
  const jwt = `${b64(JSON.stringify({ alg: 'RS256', typ: 'JWT', password: 'hunter2-hunter2-hunter2' }))}.${b64(JSON.stringify({ sub: 'p1', client_secret: secret, code: 'SplxlOBeZQQYbYS6WxSbIA', scope: 'openid' }))}.c2ln`;
  const out = renderAll(await decodeCommand(fuzzContext(), jwt, {}));
  for (const [view, text] of Object.entries(out)) {
    assert.ok(!text.includes(secret), `${view}: the client_secret claim is shown`);
    assert.ok(!text.includes('hunter2-hunter2'), `${view}: the password header member is shown`);
    assert.ok(!text.includes('SplxlOBeZQQYbYS6WxSbIA'), `${view}: an issued-looking code claim is shown`);
  }
  assert.match(out.human, /client_secret\s+\[REDACTED\]/);
  assert.match(out.human, /sub\s+p1/, 'other claims are shown as they are');
  assert.match(out.human, /scope\s+openid/);
});

// ---- explain: refusals quoting a secret -----------------------------------------------------

test('regression: explain refusals quote the evidence with its secrets masked (was: the Bearer token of a bad header line, the code of a bad --url on stderr)', async () => {
  // Fuzz counterexample: explain --status 401 --body '{}' --request-header 'Authorization Bearer Zk9qaaaaA0-Aa_AaaA0-__-0aA0-'.
  const { isSmartctlError } = await import('../../src/errors.js');
  const secret = 'Zk9qaaaaA0-Aa_AaaA0-__-0aA0-';
  const cases: Array<[Record<string, unknown>, string]> = [
    [{ status: 401, body: '{}', requestHeader: [`Authorization Bearer ${secret}`] }, 'header-malformed'],
    [{ url: `/cb?state=x&code=${secret}` }, 'invalid-url'],
    [{ status: 400, body: '{}', method: `Bearer ${secret}` }, 'method-invalid'],
  ];
  for (const [opts, code] of cases) {
    await assert.rejects(explainCommand(fuzzContext(), opts), (error: unknown) => {
      assert.ok(isSmartctlError(error));
      assert.equal(error.code, code);
      assert.ok(!error.message.includes(secret.slice(0, 16)), `${code}: ${error.message}`);
      assert.match(error.message, /\[REDACTED\]/);
      return true;
    });
  }
});

// ---- redaction: quadratic on runs of "eyJ-" and unclosed PEM blocks ------------------------

test('regression: redaction of 200 000 characters of "eyJ-" (or of unclosed PEM BEGIN lines) takes linear time (was: 50 000 took 0.9 s, quadratic)', async () => {
  // Fuzz counterexample (redaction of every report string): "eyJ-eyJ-…" (50 000 characters) took 914 ms.
  const { redactString, redactValue } = await import('../../src/report/redact.js');
  for (const text of ['eyJ-'.repeat(50_000), '-----BEGIN PRIVATE KEY-----\n'.repeat(7_000), `eyJ${'a'.repeat(100_000)}.${'eyJ-'.repeat(25_000)}`]) {
    within(3000, `redactString of ${JSON.stringify(text.slice(0, 12))}… (${text.length})`, () => redactString(text));
    within(3000, `redactValue of a body ${JSON.stringify(text.slice(0, 12))}… (${text.length})`, () => redactValue({ body: text }));
  }
});

test('redaction: the linear JWT and PEM search masks what the old patterns masked', async () => {
  const { redactString } = await import('../../src/report/redact.js');
  const before = (text: string): string =>
    text
      .replace(/-----BEGIN ((?:RSA |EC |ENCRYPTED )?PRIVATE KEY)-----[\s\S]*?-----END \1-----/g, (m, label: string) => `-----BEGIN ${label}-----\n[REDACTED]\n-----END ${label}-----`)
      .replace(/\beyJ[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*)?/g, '[REDACTED]');
  const piece = fc.constantFrom('eyJ', 'eyJ', 'a', 'A0', '-', '_', '.', '..', ' ', 'x-', '/', '-----BEGIN PRIVATE KEY-----', '-----END PRIVATE KEY-----', '-----BEGIN RSA PRIVATE KEY-----', '-----END RSA PRIVATE KEY-----', '-----BEGIN EC PRIVATE KEY-----', 'MIIB', '\n');
  fc.assert(
    fc.property(fc.array(piece, { maxLength: 30 }).map((p) => p.join('')), (text) => {
      // Only texts the other patterns of redactString leave alone (no scheme word, quote or "=").
      assert.equal(redactString(text), before(text));
    }),
    { numRuns: 5000 },
  );
});

// ---- --report: a JWT header member that cannot be made a string ----------------------------

test('regression: --report of a token whose header kid is {"toString":""} is written (was: TypeError "Cannot convert object to primitive value", exit 70)', async () => {
  // Fuzz counterexample: decode '{"access_token":"eyJraWQiOnsidG9TdHJpbmciOiIifX0.e30."}' rendered as the Markdown report.
  const { decodeCommand } = await import('../../src/commands/decode.js');
  const { renderAll } = await import('./fuzz-kit.js');
  const b64 = (s: string): string => Buffer.from(s).toString('base64url');
  for (const header of ['{"kid":{"toString":""}}', '{"alg":[{"toString":1}],"kid":{"valueOf":null,"toString":null}}']) {
    const token = `${b64(header)}.e30.`;
    for (const input of [`{"access_token":"${token}"}`, token]) {
      const out = renderAll(await decodeCommand(fuzzContext(), input, {}));
      assert.match(out.markdown, /## Tokens/);
      assert.ok(out.markdown.includes('toString'), 'the member is shown as JSON');
    }
  }
});

// ---- "constructor" and "__proto__" as header and parameter names ----------------------------

test('regression: a curl header named "constructor" or "__proto__" is a header (was: [Function Object, "x"], and the map\'s prototype)', async () => {
  // Found reading the fuzz properties' hostile keys against parseCurl: -H 'constructor: x' read Object.prototype.constructor as an earlier value.
  const { parseCurl } = await import('../../src/diagnose/curl.js');
  const { headers } = parseCurl("curl -H 'constructor: x' -H '__proto__: y' -H '__proto__: z' -H 'valueOf: v' https://ehr.example/token");
  assert.equal(Object.getPrototypeOf(headers), Object.prototype);
  assert.deepEqual(Object.keys(headers), ['constructor', '__proto__', 'valueof']);
  assert.equal(headers['constructor'], 'x');
  assert.deepEqual(headers['__proto__'], ['y', 'z']);
});

test('regression: explain --header "__proto__: x" keeps the header (was: dropped)', async () => {
  const { parseHeaders } = await import('../../src/commands/explain.js');
  const h = parseHeaders(['__proto__: a', 'constructor: b'], '--header');
  assert.deepEqual(Object.keys(h), ['__proto__', 'constructor']);
  assert.equal(Object.getPrototypeOf(h), Object.prototype);
});

test('regression: a HAR JWT marker with a "__proto__" member rebuilds a token with that member (was: the member became the header\'s prototype)', async () => {
  const { restoreJwtMarkers } = await import('../../src/har/jwt-marker.js');
  const { decodeJwt } = await import('../../src/protocol/jwt/decode.js');
  const token = restoreJwtMarkers('[REDACTED jwt, 10 chars; header {alg: RS256, __proto__: [a, b]}; claims {iss: https://ehr.example, __proto__: x}]');
  const decoded = decodeJwt(token);
  assert.equal(decoded.kind, 'jwt');
  if (decoded.kind !== 'jwt') return;
  assert.deepEqual(JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString()), JSON.parse('{"alg":"RS256","__proto__":["a","b"]}'));
  assert.equal(Object.hasOwn(decoded.payload, '__proto__'), true);
});

// ---- a URL's password quoted in a finding -------------------------------------------------

test('regression: the password of a URL quoted in a finding is masked (was: "POST https://my-app:<secret>@ehr.example…" in every view)', async () => {
  // Fuzz counterexample: explain --url 'https://my-app:Zk9qa--aA-aaAAAa0_0A_A0a_aaa@ehr.example/oauth2/token' --status 400 --body '{"error":"invalid_client"}'.
  const { renderAll } = await import('./fuzz-kit.js');
  const { redactString } = await import('../../src/report/redact.js');
  const secret = 'Zk9qa--aA-aaAAAa0_0A_A0a_aaa';
  const out = renderAll(await explainCommand(fuzzContext(), { url: `https://my-app:${secret}@ehr.example/oauth2/token`, body: '{"error":"invalid_client"}', status: 400 }));
  for (const [view, text] of Object.entries(out)) assert.ok(!text.includes(secret.slice(0, 16)), `${view} shows the URL's password`);
  assert.equal(redactString(`GET https://app:${secret}@ehr.example/x and ftp://u:p%40ss@h/`), 'GET https://app:[REDACTED]@ehr.example/x and ftp://u:[REDACTED]@h/');
  assert.equal(redactString('mail me@example.org, see https://ehr.example/a@b and a:b@c'), 'mail me@example.org, see https://ehr.example/a@b and a:b@c', 'no URL password, nothing masked');
  within(3000, 'redactString of "a.a.…://" (200 000)', () => redactString(`${'a.'.repeat(100_000)}://x:y@`));
});

// ---- refusals echoing the whole input -------------------------------------------------------

test('regression: a refusal quotes at most a couple of hundred characters of the input (was: a 300 000-character --url echoed whole on stderr)', async () => {
  // Fuzz counterexample (long-input property): explain --url "x yx y…" (300 000 characters) -> a 300 074-character message.
  const { isSmartctlError } = await import('../../src/errors.js');
  const long = 'x y'.repeat(100_000);
  const cases: Array<[Record<string, unknown>, string]> = [
    [{ url: long }, 'invalid-url'],
    [{ status: 400, body: '{}', header: [long] }, 'header-malformed'],
    [{ status: 400, body: '{}', method: long }, 'method-invalid'],
    [{ curl: `curl -d @${'a'.repeat(100_000)}` }, 'curl-malformed'],
    [{ curl: `curl --data-urlencode ${'a'.repeat(100_000)}@f` }, 'curl-malformed'],
  ];
  for (const [opts, code] of cases) {
    await assert.rejects(explainCommand(fuzzContext(), opts), (error: unknown) => {
      assert.ok(isSmartctlError(error));
      assert.equal(error.code, code);
      assert.ok(error.message.length < 500, `${code}: ${error.message.length} characters`);
      assert.match(error.message, /more characters\)/, 'says how much was left out');
      return true;
    });
  }
});

// ---- client_secret_basic: a client id with a lone surrogate -----------------------------

test('regression: client_secret_basic with a client id holding a lone surrogate is encoded, not a URIError (exit 70)', async () => {
  // Fuzz counterexample (servers.test.ts): token --grant client_credentials --client-id $'\udfff'
  // --client-secret … --auth-method client_secret_basic threw "URIError: URI malformed".
  const [id, rest] = Buffer.from(basicCredentials('\udfff', 'a\ud800b'), 'base64').toString('utf8').split(':');
  assert.equal(id, '%EF%BF%BD');
  assert.equal(rest, 'a%EF%BF%BDb');
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"invalid_client"}'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const tokenUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/token`;
    const report = await tokenCommand(fuzzContext(), { grant: 'client_credentials', clientId: '\udfff', clientSecret: 'Zk9q__AA_-A0a-a__-0_a-A_-_A0', authMethod: 'client_secret_basic', tokenUrl });
    assert.equal(report.data['status'], 401);
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

// ---- an unsolicited 101 Switching Protocols ----------------------------------------------

test('regression: a server answering "101 Switching Protocols" gives a one-line network error, not undici\'s assert() source', async () => {
  // Fuzz counterexample (servers.test.ts): every discovery answer "HTTP/1.1 101 X". The error
  // was network-failure "… failed: The expression evaluated to a falsy value:\n\n  assert(upgrade)\n (ERR_ASSERTION)".
  const server = net.createServer((s) => s.once('data', () => s.end('HTTP/1.1 101 X\r\nConnection: close\r\nContent-Length: 2\r\n\r\n{}')));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/fhir`;
    await assert.rejects(discoverCommand(fuzzContext(), base), (e: unknown) => {
      assert.ok(isSmartctlError(e));
      assert.equal(e.code, 'network-failure');
      assert.doesNotMatch(e.message, /\n|assert\(|falsy/);
      assert.match(e.message, /101 Switching Protocols/);
      return true;
    });
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

test('regression: an @-argument of 200 000 characters is quoted, not echoed whole, when the file cannot be read (found by the long-input property: --body of "@" repeated)', async () => {
  const body = '@'.repeat(200_000);
  await assert.rejects(explainCommand(fuzzContext(), { status: 400, body }), (error: unknown) => {
    assert.ok(isSmartctlError(error));
    assert.equal(error.code, 'file-unreadable');
    assert.ok(error.message.length < 400, `a ${error.message.length}-character message`);
    assert.match(error.message, /^cannot read response body "@{200}… \(199 799 more characters\)"/);
    return true;
  });
});

test('regression: an OperationOutcome whose issue severity is not a string is read, not a TypeError (found by the explain fuzz property in CI, seed 1705477251)', async () => {
  const body = '{"resourceType":"OperationOutcome","issue":[{"severity":[{"toString":""}]}]}';
  const report = await explainCommand(fuzzContext(), { body });
  assert.ok(report.findings.length > 0);
});
