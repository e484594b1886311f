import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseJsonOutput, runCli } from '../helpers/run-cli.js';

const SEED = '{"error":"invalid_client","error_uri":"https://authorization.cerner.com/errors/urn%3Acerner%3Aerror%3Aauthorization-server%3Aoauth2%3Atoken%3Ainvalid-authorization-header/instances/abc?client=unknown&tenant=xyz"}';

test('explain: the seed case names the diagnosis and exits 1', async () => {
  const r = await runCli(['explain', '--status', '401', '--body', SEED, '--json']);
  assert.equal(r.code, 1);
  const ids = (parseJsonOutput(r)['findings'] as Array<{ id: string }>).map((f) => f.id);
  assert.deepEqual(ids, ['client-assertion-in-authorization-header']);
});

test('explain: a token response from a file with openid dropped', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'smartctl-explain-'));
  writeFileSync(path.join(dir, 't.json'), JSON.stringify({ access_token: 'secret-access', token_type: 'Bearer', scope: 'launch patient/Patient.read' }));
  const r = await runCli(['explain', '--token-response', `@${path.join(dir, 't.json')}`, '--requested-scope', 'launch openid profile patient/Patient.read', '--json']);
  assert.equal(r.code, 1);
  assert.ok((parseJsonOutput(r)['findings'] as Array<{ id: string }>).some((f) => f.id === 'openid-scope-dropped'));
  assert.ok(!r.stdout.includes('secret-access'));
});

test('explain: clean evidence exits 0', async () => {
  const r = await runCli(['explain', '--token-response', '{"access_token":"a","token_type":"Bearer","scope":"openid fhirUser","id_token":"x"}', '--requested-scope', 'openid fhirUser']);
  assert.equal(r.code, 0, r.stdout);
});

test('explain: bad input exits 2 with one or two lines', async () => {
  for (const args of [['explain'], ['explain', '--token-response', '{nope'], ['explain', '--body', '@/no/such/file'], ['explain', '--status', '401', '--header', 'no colon here'], ['explain', '--url', 'not a url']]) {
    const r = await runCli(args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.ok(r.stderr.trim().split('\n').length <= 3, r.stderr);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  }
});

test('explain --help shows the seed case among its examples', async () => {
  const r = await runCli(['explain', '--help']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /invalid-authorization-header/);
  assert.match(r.stdout, /--request-header/);
});

test('explain: a 400 to an authorize URL with forceAuthn=true names force-authn-rejected and prompt=login', async () => {
  const url = 'https://ehr.example/authorize?response_type=code&client_id=a&scope=openid&state=s&aud=https%3A%2F%2Fehr%2Ffhir&code_challenge=x&code_challenge_method=S256&forceAuthn=true';
  const r = await runCli(['explain', '--status', '400', '--body', 'Bad Request', '--url', url]);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /force-authn-rejected/);
  assert.match(r.stdout, /prompt=login/);
  assert.match(r.stdout, /--fresh-session/);
});
