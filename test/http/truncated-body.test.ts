// A body over the 10 MB cap is cut there and reported as cut: never as "not JSON",
// and never read as a token response (no "token received" from half a body).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { HttpClient, MAX_BODY_BYTES } from '../../src/http/client.js';
import { isSmartctlError } from '../../src/errors.js';
import { makeReport } from '../../src/report/report.js';
import { renderHuman } from '../../src/report/render/human.js';
import { Trace } from '../../src/report/trace.js';
import { startStaticServer } from '../helpers/static-server.js';
import { runCli } from '../helpers/run-cli.js';

/** A JSON object of about 11 MB: valid as a whole, not when cut at 10 MB. */
const HUGE = `{"access_token":"abc","token_type":"Bearer","expires_in":300,"scope":"system/Patient.rs","padding":"${'x'.repeat(11 * 1024 * 1024)}"}`;

test('regression: an 11 MB JSON body is recorded as truncated at 10 MB and requestJson says so (was "did not return JSON")', async () => {
  const server = await startStaticServer({ '/big': { body: HUGE, headers: { 'content-type': 'application/json' } } });
  const trace = new Trace();
  const client = new HttpClient({ trace, timeoutMs: 10_000 });
  try {
    await assert.rejects(client.requestJson({ step: 'discovery.smart-configuration', url: `${server.url}/big` }), (error: unknown) => {
      assert.ok(isSmartctlError(error));
      assert.equal(error.code, 'body-too-large');
      assert.match(error.message, /the body exceeded 10 MB and was truncated/);
      return true;
    });
    const [entry] = trace.exchanges();
    assert.equal(entry?.response?.truncated, true);
    assert.equal(Buffer.byteLength(entry?.response?.body ?? ''), MAX_BODY_BYTES);
    const verbose = renderHuman(makeReport({ command: 't', trace: trace.entries }), { color: false, verbose: true, quiet: false });
    assert.match(verbose, /the body exceeded the 10 MB cap and was truncated there/);
  } finally {
    await client.close();
    await server.close();
  }
});

test('regression: a token endpoint answering 11 MB is a network error naming the cut, not "token received" (exit 3)', async () => {
  const server = await startStaticServer({ '/token': { body: HUGE, headers: { 'content-type': 'application/json' } } });
  const dir = mkdtempSync(path.join(tmpdir(), 'smartctl-trunc-'));
  const secret = path.join(dir, 'secret');
  writeFileSync(secret, 's3cret', { mode: 0o600 });
  try {
    const r = await runCli(['token', '--grant', 'client_credentials', '--token-url', `${server.url}/token`, '--client-id', 'svc', '--client-secret-file', secret, '--scope', 'system/Patient.rs']);
    assert.equal(r.code, 3, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stderr, /the body exceeded 10 MB and was truncated; it was not read as a token response/);
    assert.doesNotMatch(r.stdout, /received/);
  } finally {
    await server.close();
  }
});

test('regression: a discovery document over 10 MB is reported as cut, not as "not JSON"', async () => {
  const server = await startStaticServer({ '/fhir/.well-known/smart-configuration': { body: HUGE, headers: { 'content-type': 'application/json' } } });
  try {
    const r = await runCli(['discover', '--json', `${server.url}/fhir`]);
    assert.notEqual(r.code, 70, r.stderr);
    const text = r.stdout + r.stderr;
    assert.match(text, /the body exceeded 10 MB and was truncated/);
    assert.doesNotMatch(text, /smart-configuration[^\n]*but not JSON/);
  } finally {
    await server.close();
  }
});
