// parseCurl on the shapes people paste: Chrome's and Firefox's "Copy as cURL" (bash and
// cmd), Postman's snippets, forum posts; and anything else is read or refused with our
// input error, never a crash.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseCurl, shellWords } from '../../src/diagnose/curl.js';
import { isSmartctlError } from '../../src/errors.js';

test('Chrome "Copy as cURL (bash)": URL, headers, --data-raw, POST implied', () => {
  const r = parseCurl(`curl 'https://fhir.example.org/oauth2/token' \\
  -H 'accept: */*' \\
  -H 'content-type: application/x-www-form-urlencoded' \\
  -H 'origin: http://localhost:3000' \\
  --data-raw 'grant_type=authorization_code&code=abc&redirect_uri=http%3A%2F%2F127.0.0.1%3A8080%2Fcallback&code_verifier=xyz'`);
  assert.equal(r.method, 'POST');
  assert.equal(r.url, 'https://fhir.example.org/oauth2/token');
  assert.equal(r.headers['origin'], 'http://localhost:3000');
  assert.equal(new URLSearchParams(r.body).get('redirect_uri'), 'http://127.0.0.1:8080/callback');
});

test('Chrome "Copy as cURL (cmd)": ^" quoting and ^ line ends', () => {
  const r = parseCurl('curl ^"https://ehr.example/token^" ^\r\n  -H ^"content-type: application/x-www-form-urlencoded^" ^\r\n  --data-raw ^"grant_type=client_credentials^&scope=system/Patient.rs^"');
  assert.equal(r.url, 'https://ehr.example/token');
  assert.equal(r.headers['content-type'], 'application/x-www-form-urlencoded');
  assert.equal(r.body, 'grant_type=client_credentials&scope=system/Patient.rs');
});

test("Firefox: -X POST, $'…' quoting with escapes", () => {
  const r = parseCurl(`curl 'https://ehr.example/token' -X POST -H 'Accept: application/json' --data-raw $'grant_type=refresh_token&refresh_token=a\\'b'`);
  assert.equal(r.method, 'POST');
  assert.equal(r.body, "grant_type=refresh_token&refresh_token=a'b");
});

test('Postman: --location, --header, --data-urlencode (values encoded)', () => {
  const r = parseCurl(`curl --location 'https://ehr.example/token' --header 'Content-Type: application/x-www-form-urlencoded' --data-urlencode 'grant_type=client_credentials' --data-urlencode 'client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer' --data-urlencode 'scope=system/Observation.rs system/Patient.rs'`);
  const form = new URLSearchParams(r.body);
  assert.equal(form.get('client_assertion_type'), 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
  assert.equal(form.get('scope'), 'system/Observation.rs system/Patient.rs');
});

test('forum posts: -u becomes Basic, bundled -sX, -H without a space, a bearer header, -d joined with &', () => {
  const r = parseCurl('curl -sX POST -u "my-app:s3cr=t" -H"Accept: application/json" https://ehr.example/token -d grant_type=client_credentials -d scope=system%2FPatient.read');
  assert.equal(r.method, 'POST');
  assert.equal(r.headers['authorization'], `Basic ${Buffer.from('my-app:s3cr=t').toString('base64')}`);
  assert.equal(r.headers['accept'], 'application/json');
  assert.equal(r.body, 'grant_type=client_credentials&scope=system%2FPatient.read');
  const fhir = parseCurl(`curl -H "Authorization: Bearer eyJhbGciOiJSUzI1NiJ9.e30.sig" "https://fhir.example/r4/Patient/123"`);
  assert.equal(fhir.method, 'GET');
  assert.equal(fhir.headers['authorization'], 'Bearer eyJhbGciOiJSUzI1NiJ9.e30.sig');
});

test('-G moves data into the query; --json sets the content type', () => {
  assert.equal(parseCurl("curl -G https://ehr/authorize -d response_type=code -d client_id=a").url, 'https://ehr/authorize?response_type=code&client_id=a');
  const j = parseCurl(`curl --json '{"a":1}' https://ehr/x`);
  assert.equal(j.headers['content-type'], 'application/json');
  assert.equal(j.method, 'POST');
});

test('refused with curl-malformed: not curl, no URL, unclosed quote, a body from @file, multipart', () => {
  for (const bad of ['wget https://x', 'curl -X POST', "curl 'https://x", 'curl https://x -d @body.txt', 'curl https://x -F a=b', '']) {
    assert.throws(() => parseCurl(bad), (e: unknown) => isSmartctlError(e) && e.kind === 'input' && e.code === 'curl-malformed', bad);
  }
});

test('shellWords: backslash-newline continues, adjacent quotes join', () => {
  assert.deepEqual(shellWords(`a 'b c'"d" \\\ne`), ['a', 'b cd', 'e']);
  assert.deepEqual(shellWords(`x\\\ny`), ['xy']);
});

test('property: any text is parsed or refused with our input error', () => {
  fc.assert(
    fc.property(fc.oneof(fc.string(), fc.string().map((s) => `curl ${s}`), fc.array(fc.constantFrom('curl', '-X', 'POST', '-H', "'a: b'", '-d', '"x=1"', 'https://e/t', '^', '^"', "$'\\x41'", '\\', '--data-urlencode', '=v', '-u', '-G'), { maxLength: 12 }).map((w) => w.join(' '))), (line) => {
      try {
        const r = parseCurl(line);
        assert.ok(URL.canParse(r.url));
      } catch (e) {
        assert.ok(isSmartctlError(e) && e.code === 'curl-malformed', String(e));
      }
    }),
    { numRuns: 2000 },
  );
});
