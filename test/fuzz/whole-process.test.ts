// Whole-process runs through bin/smartctl.js with the worst inputs the fuzz tests found
// (and a few generated ones): the exit code is one of the documented ones (README "Exit
// codes": 0, 1, 2, 3), never 70; stderr holds no stack trace; no raw control or bidi
// character reaches the terminal; --json stdout is one JSON document; a planted secret is
// on neither stream.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { runCli, type CliResult } from '../helpers/run-cli.js';
import { leakedSlices } from '../helpers/secrets.js';
import { hostileJson, hostileString, RAW_CONTROL } from './fuzz-kit.js';

const DIR = mkdtempSync(path.join(os.tmpdir(), 'smartctl-fuzz-bin-'));
let n = 0;
function file(text: string): string {
  const f = path.join(DIR, `in-${n++}`);
  writeFileSync(f, text);
  return `@${f}`;
}

const SECRET = 'Zk9qWholeProcessSecret-0123456789_abc';
const b64 = (s: string): string => Buffer.from(s).toString('base64url');
const STACK = /^\s+at .+(?:\(.+:\d+:\d+\)|:\d+:\d+)$/m;

function checkRun(what: string, r: CliResult, json: boolean): void {
  assert.notEqual(r.code, 70, `${what}: internal error\n${r.stderr.slice(0, 2000)}`);
  assert.ok([0, 1, 2, 3].includes(r.code), `${what}: exit ${r.code}\n${r.stderr.slice(0, 500)}`);
  assert.doesNotMatch(r.stderr, STACK, `${what}: a stack trace on stderr`);
  assert.doesNotMatch(r.stderr, /internal error/, `${what}: an internal error`);
  const m = RAW_CONTROL.exec(r.stderr + (json ? '' : r.stdout));
  assert.equal(m, null, `${what}: raw control U+${m?.[0].charCodeAt(0).toString(16) ?? ''} on the terminal`);
  assert.deepEqual(leakedSlices(r.stdout + r.stderr, [SECRET]), [], `${what}: the planted secret is in the output`);
  if (json) {
    assert.doesNotThrow(() => JSON.parse(r.stdout), `${what}: --json stdout is not one JSON document:\n${r.stdout.slice(0, 300)}`);
    assert.equal(RAW_CONTROL.exec(r.stdout.replace(/\n/g, '')), null, `${what}: raw control in the JSON`);
  }
}

async function both(what: string, argv: string[], stdin?: string): Promise<void> {
  checkRun(what, await runCli(argv, { stdin, timeoutMs: 60_000 }), false);
  checkRun(`${what} --json`, await runCli(['--json', ...argv], { stdin, timeoutMs: 60_000 }), true);
}

/** The counterexamples of test/fuzz/regressions.test.ts and other worst cases, as a user would pass them. */
const WORST: Array<[string, () => string[], string?]> = [
  ['60 000-letter body (auth-params were quadratic)', () => ['explain', '--status', '400', '--body', file('a'.repeat(60_000))]],
  ['unclosed tags (HTML stripping was quadratic)', () => ['explain', '--status', '400', '--endpoint', 'authorize', '--body', file('<a'.repeat(50_000))]],
  ['40 000 newlines in error_description (Entra lines were quadratic)', () => ['explain', '--status', '400', '--body', file(JSON.stringify({ error: 'invalid_request', error_description: '\n'.repeat(40_000) }))]],
  ['"eyJ-" x 50 000 (JWT redaction was quadratic)', () => ['explain', '--status', '400', '--body', file('eyJ-'.repeat(50_000))]],
  ['a client_secret claim (shown in the human view)', () => ['decode', `${b64('{"alg":"RS256","typ":"JWT"}')}.${b64(JSON.stringify({ sub: 'p', client_secret: SECRET, password: SECRET }))}.c2ln`]],
  ['a Bearer token in a header line without a colon (quoted on stderr)', () => ['explain', '--status', '401', '--body', '{}', '--request-header', `Authorization Bearer ${SECRET}`]],
  ['a code in a relative --url (quoted on stderr)', () => ['explain', '--url', `/cb?state=x&code=${SECRET}`]],
  ['terminal escapes and bidi controls everywhere', () => ['explain', '--status', '400', '--body', JSON.stringify({ error: 'invalid_grant\u001b]52;c;aGk=\u0007', error_description: '\u202eevil.example\u2066\u0085\u009b31m\u0000', error_uri: 'https://x.example/\u001b[2J' }), '--header', 'WWW-Authenticate: Bearer error="\u001b[31m\u2028"', '--message', '\u001b]0;title\u0007\r\u202e']],
  ['"__proto__" members in every JSON input', () => ['explain', '--status', '400', '--body', '{"__proto__":{"error":"invalid_grant","access_token":"x"},"error":{"__proto__":null},"constructor":1}', '--token-response', `{"__proto__":{"scope":"openid"},"access_token":"${SECRET}","token_type":"Bearer","scope":{"toString":1}}`, '--requested-scope', '__proto__ constructor toString']],
  ['deep nesting', () => ['explain', '--status', '400', '--body', file(`${'['.repeat(100_000)}${']'.repeat(100_000)}`), '--token-response', file(`${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`)]],
  ['lone surrogates and NUL (argv cannot hold a NUL: a file does)', () => ['explain', '--status', '400', '--body', file('{"error":"invalid_grant\u0000\u0007","error_description":"\\ud800\\u0000 x\u0000y \\udfff\\ud83d"}'), '--message', '\ud800 lone \udfff']],
  ['an unbalanced curl line with a secret', () => ['explain', '--curl', `curl -X POST https://ehr.example/token -H 'Authorization: Bearer ${SECRET} -d "client_secret=${SECRET}`]],
  ['a curl line with a secret form body', () => ['explain', '--status', '401', '--body', '{"error":"invalid_client"}', '--curl', `curl -X POST https://ehr.example/token -u 'app:${SECRET}' -d 'grant_type=client_credentials&client_secret=${SECRET}&client_assertion=${SECRET}'`]],
  ['--report of a token whose header kid is {"toString":""} (was a TypeError, exit 70)', () => ['decode', '--report', path.join(DIR, `r-${n++}.md`), `{"access_token":"${b64('{"kid":{"toString":""},"alg":[{"toString":1}]}')}.e30."}`]],
  ['a URL password quoted in a finding (was shown)', () => ['explain', '--url', `https://my-app:${SECRET}@ehr.example/oauth2/token`, '--status', '400', '--body', '{"error":"invalid_client"}']],
  ['curl headers named constructor and __proto__', () => ['explain', '--status', '401', '--body', '{"error":"invalid_token"}', '--curl', `curl -H 'constructor: x' -H '__proto__: y' -H 'Authorization: Bearer ${SECRET}' https://ehr.example/fhir/Patient`]],
  ['huge exp and non-string alg', () => ['decode', `${b64('{"alg":1e400,"kid":{"__proto__":1}}')}.${b64('{"exp":1e400,"iat":-1e308,"nbf":"x","__proto__":{"exp":1}}')}.c2ln`]],
  ['a token response on stdin', () => ['decode', '-'], `{"access_token":"${b64('{"alg":"none"}')}.${b64(`{"refresh_token":"${SECRET}"}`)}.","token_type":"Bearer","refresh_token":"${SECRET}","scope":"\u001b[2J"}`],
  ['diff-scopes with prototype names and 200 000 characters', () => ['diff-scopes', file(`__proto__ constructor ${'patient/*.'.repeat(20_000)}`), file('{"access_token":"a","scope":"toString hasOwnProperty __proto__"}')]],
  ['a HAR with secrets and escapes', () => ['explain', '--har', file(JSON.stringify({ log: { version: '1.2', creator: { name: '\u001b]0;x\u0007', version: '\u202e' }, entries: [{ startedDateTime: '2026-12-01T11:59:00.000Z', time: 1, request: { method: 'POST', url: 'https://ehr.example/token', headers: [{ name: 'Authorization', value: `Bearer ${SECRET}` }, { name: '__proto__', value: 'x' }], queryString: [], cookies: [{ name: 'sid', value: SECRET }], postData: { mimeType: 'application/x-www-form-urlencoded', text: `grant_type=refresh_token&refresh_token=${SECRET}` } }, response: { status: 400, headers: [{ name: 'content-type', value: 'application/json' }], cookies: [], content: { mimeType: 'application/json', text: `{"error":"invalid_grant","error_description":"\u001b[2J","access_token":"${SECRET}"}` }, redirectURL: '' } }] } }))]],
];

for (const [name, argv, stdin] of WORST) {
  test(`whole process: ${name}`, async () => {
    await both(name, argv(), stdin);
  });
}

test('whole process: generated evidence for explain, decode and diff-scopes', async () => {
  // An argument cannot hold a NUL (execve ends it there: spawn refuses it); the files above carry NULs.
  const arg = (s: string): string => {
    const text = s.replaceAll('\u0000', '');
    return text.startsWith('-') || text.startsWith('@') ? ` ${text}` : text;
  };
  const run = fc.oneof(
    fc.tuple(fc.integer({ min: -1, max: 999 }), fc.oneof(hostileString, hostileJson.map((v) => JSON.stringify(v)))).map(([status, body]) => ['explain', '--status', String(status), '--body', arg(body)]),
    fc.tuple(hostileJson, hostileString).map(([claims, h]) => ['decode', `${b64(JSON.stringify({ alg: h }))}.${b64(JSON.stringify(claims))}.c2ln`]),
    fc.tuple(hostileString, hostileString).map(([a, b]) => ['diff-scopes', arg(a), arg(b)]),
  );
  await fc.assert(
    fc.asyncProperty(run, async (argv) => {
      checkRun(`smartctl ${JSON.stringify(argv)}`, await runCli(argv), false);
    }),
    { numRuns: 12 },
  );
});
