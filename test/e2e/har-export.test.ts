// --har: a run's own HAR, against the sandbox over real HTTP. It validates against the HAR 1.2
// schema (har-validator / har-schema), `explain --har` on it gives the run's own top finding
// for every sandbox fault, and no secret of the run (nor any 16-character slice of one)
// is in it unless --show-secrets, which keeps them all.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { explainCommand } from '../../src/commands/explain.js';
import { writeHarFile } from '../../src/commands/har-export.js';
import { launchCommand } from '../../src/commands/launch.js';
import { tokenCommand } from '../../src/commands/token.js';
import { FAULTS } from '../../src/sandbox/faults/index.js';
import { startSandbox } from '../../src/sandbox/index.js';
import { makeReport, type Report } from '../../src/report/report.js';
import { Trace } from '../../src/report/trace.js';
import { testContext } from '../helpers/command-context.js';
import { assertValidHar } from '../helpers/har.js';
import { launchAssertionInHeaderWithHar, launchFaultWithHar, launchOptions, launchWithHar, tmpHarDir } from '../helpers/exported-har.js';
import { parseJsonOutput, runCli } from '../helpers/run-cli.js';
import { leakedSlices, secretsOf } from '../helpers/secrets.js';

const tmp = tmpHarDir;

describe('--har: explain on a run\'s own HAR gives the run\'s own top finding', () => {
  for (const fault of FAULTS) {
    it(`fault ${fault.name}`, async () => {
      const { report, file, text } = await launchFaultWithHar(fault.name);
      await assertValidHar(file);
      const explained = await explainCommand(testContext(), { har: file });
      const both = `run: ${report.findings.map((f) => f.id).join(', ')}; explain: ${explained.findings.map((f) => f.id).join(', ')}`;
      const top = report.findings[0]?.id;
      if (top === undefined) {
        // The run saw nothing wrong (the fault needs a client that does what this one does not): nor does explain.
        assert.equal(report.ok, true);
        assert.equal(explained.ok, true, both);
      } else assert.equal(explained.findings[0]?.id, top, both);
      assert.deepEqual(leakedSlices(text, secretsOf(report.trace ?? [])), []);
    });
  }
});

describe('--har: redaction', () => {
  it('a completed launch: every request in order, valid HAR, no secret and no 16-character slice of one', async () => {
    const { report, file, text } = await launchWithHar(launchOptions({ refresh: true, scope: 'openid fhirUser launch/patient offline_access patient/*.rs' }));
    assert.equal(report.ok, true, report.findings.map((f) => f.id).join(', '));
    const doc = await assertValidHar(file);
    const entries = (doc['log'] as { entries: Array<{ _step: string; request: { url: string; postData?: { params?: Array<{ name: string; value: string }> } }; response: { status: number } }> }).entries;
    const steps = entries.map((e) => e._step);
    for (const step of ['discovery.smart-configuration', 'authorize.preflight', 'authorize', 'callback', 'token', 'refresh', 'fhir.probe']) assert.ok(steps.includes(step), step);
    const secrets = secretsOf(report.trace ?? []);
    // code, verifier, access, refresh (twice) and id tokens, and the Bearer credentials.
    assert.ok(secrets.size >= 5, `${secrets.size} secrets found`);
    assert.deepEqual(leakedSlices(text, secrets), []);
    const token = entries.find((e) => e._step === 'token');
    const verifier = token?.request.postData?.params?.find((p) => p.name === 'code_verifier')?.value ?? '';
    assert.match(verifier, /^\[REDACTED \d+ chars\]$/);
    // An id_token keeps its header and non-secret claims, in the marker.
    assert.match(text, /\[REDACTED jwt, \d+ chars; header \{alg: RS256, typ: JWT, kid: [^}]+\}; claims \{iss: http:\/\/127\.0\.0\.1:\d+\/oauth, aud: smartctl-public, exp: \d+, iat: \d+, [^}]*\}\]/);
  });

  it('--show-secrets keeps every secret of the run (so the check above can fail)', async () => {
    const { report, text } = await launchWithHar(launchOptions({ refresh: true, scope: 'openid fhirUser launch/patient offline_access patient/*.rs' }), true);
    const secrets = secretsOf(report.trace ?? []);
    assert.ok(secrets.size >= 5);
    assert.equal(leakedSlices(text, secrets).length, secrets.size);
    assert.doesNotMatch(text, /\[REDACTED \d+ chars\]/);
  });

  it('client secrets (basic and post) and a private_key_jwt assertion stay out of the HAR', async () => {
    const sb = await startSandbox({ autoApprove: true });
    try {
      const reports: Report[] = [];
      for (const method of ['client_secret_basic', 'client_secret_post']) reports.push(await launchCommand(testContext(), { ...launchOptions({ sandbox: undefined, iss: sb.fhirBaseUrl }), clientId: sb.demoClients.confidential, clientSecret: sb.clients.find((c) => c.client_id === sb.demoClients.confidential)?.client_secret, authMethod: method }));
      const key = sb.clients.find((c) => c.client_id === sb.demoClients.backend)?.private_key_file ?? '';
      reports.push(await tokenCommand(testContext(), { grant: 'client_credentials', iss: sb.fhirBaseUrl, clientId: sb.demoClients.backend, key, scope: 'system/*.rs' }));
      for (const report of reports) {
        const secrets = secretsOf(report.trace ?? []);
        const file = path.join(tmp(), 'run.har');
        await writeHarFile(file, report, { version: 'test', showSecrets: false });
        await assertValidHar(file);
        assert.ok(secrets.size >= 2, `${report.command}: ${secrets.size} secrets`);
        assert.deepEqual(leakedSlices(readFileSync(file, 'utf8'), secrets), [], report.command);
        const shown = path.join(tmp(), 'shown.har');
        await writeHarFile(shown, report, { version: 'test', showSecrets: true });
        assert.equal(leakedSlices(readFileSync(shown, 'utf8'), secrets).length, secrets.size, report.command);
      }
      const secret = sb.clients.find((c) => c.client_id === sb.demoClients.confidential)?.client_secret ?? '';
      assert.ok(secret.length >= 16);
      assert.ok(secretsOf(reports[1]?.trace ?? []).has(secret), 'client_secret_post sends the secret in the form');
      const assertion = [...secretsOf(reports[2]?.trace ?? [])].find((s) => s.startsWith('eyJ'));
      assert.ok(assertion !== undefined, 'the client assertion is a secret of the run');
    } finally {
      await sb.close();
    }
  });
});

describe('explain --har reads a redacted client assertion back from its marker', () => {
  it('in the form body: the redacted HAR explains as the --show-secrets one does (assertion-aud-mismatch first)', async () => {
    const b64 = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');
    const now = Math.floor(Date.now() / 1000);
    const assertion = `${b64({ alg: 'ES384', kid: 'k1', typ: 'JWT' })}.${b64({ iss: 'svc', sub: 'svc', aud: 'https://ehr.example/fhir', exp: now + 60, iat: now, jti: 'jti-0123456789' })}.${'c2lnbmF0dXJl'.repeat(8)}`;
    const trace = new Trace();
    const body = new URLSearchParams({ grant_type: 'client_credentials', scope: 'system/*.rs', client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: assertion }).toString();
    trace.addExchange({ step: 'client-credentials', request: { method: 'POST', url: 'https://ehr.example/token', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body }, response: { status: 401, headers: { 'content-type': 'application/json', date: new Date(now * 1000).toUTCString() }, body: '{"error":"invalid_client"}' }, startedAt: new Date(now * 1000).toISOString(), durationMs: 3 });
    const ids: string[][] = [];
    for (const showSecrets of [true, false]) {
      const file = path.join(tmp(), 'assertion.har');
      await writeHarFile(file, makeReport({ command: 'token', trace: trace.entries }), { version: 'test', showSecrets });
      assert.equal(readFileSync(file, 'utf8').includes(assertion), showSecrets);
      ids.push((await explainCommand(testContext(), { har: file })).findings.map((f) => f.id));
    }
    assert.equal(ids[0]?.[0], 'assertion-aud-mismatch');
    assert.deepEqual(ids[1], ids[0]);
  });

  it('as "Authorization: Bearer" (strict-client-auth-header): explain gives the run\'s own top finding, and no finding about the withheld sub and jti', async () => {
    const { report, file } = await launchAssertionInHeaderWithHar('strict-client-auth-header');
    assert.equal(report.findings[0]?.id, 'client-assertion-in-authorization-header', report.findings.map((f) => f.id).join(', '));
    const explained = await explainCommand(testContext(), { har: file });
    assert.deepEqual(explained.findings.map((f) => f.id), ['client-assertion-in-authorization-header']);
    assert.match(explained.findings[0]?.detail ?? '', /not checked {2}assertion-jti-reused: jti not in the HAR/);
  });
});

describe('--har on the command line', () => {
  it('launch --sandbox --headless --sandbox-fault drop-openid --har: mode 0600, harFile in --json, explain names the fault', async () => {
    const file = path.join(tmp(), 'x.har');
    const r = await runCli(['launch', '--sandbox', '--headless', '--sandbox-fault', 'drop-openid', '--har', file, '--json']);
    assert.equal(r.code, 1, r.stderr);
    assert.equal(parseJsonOutput(r)['harFile'], file);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    await assertValidHar(file);
    const explained = await runCli(['explain', '--har', file, '--json']);
    assert.equal((parseJsonOutput(explained)['findings'] as Array<{ id: string }>)[0]?.id, 'openid-scope-dropped');
  });

  it('a run that ends in a network error (exit 3) still writes its exchanges, the failed one with status 0 and _error', async () => {
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const file = path.join(tmp(), 'refused.har');
    const r = await runCli(['discover', `http://127.0.0.1:${port}/fhir`, '--har', file]);
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /refused/);
    const doc = await assertValidHar(file);
    const entries = (doc['log'] as { entries: Array<{ response: { status: number; _error?: string } }> }).entries;
    assert.ok(entries.length >= 1);
    assert.equal(entries[0]?.response.status, 0);
    assert.match(entries[0]?.response._error ?? '', /^connection-refused: /);
    assert.equal(statSync(file).mode & 0o777, 0o600);
  });

  it('discover --har writes the discovery exchanges; an unwritable path is an input error (exit 2)', async () => {
    const sb = await startSandbox({});
    try {
      const file = path.join(tmp(), 'd.har');
      const r = await runCli(['discover', sb.fhirBaseUrl, '--har', file]);
      assert.equal(r.code, 0, r.stderr);
      const doc = await assertValidHar(file);
      const urls = (doc['log'] as { entries: Array<{ request: { url: string } }> }).entries.map((e) => e.request.url);
      assert.ok(urls.includes(`${sb.fhirBaseUrl}/.well-known/smart-configuration`), urls.join(' '));
      const bad = await runCli(['discover', sb.fhirBaseUrl, '--har', path.join(tmp(), 'no', 'such', 'd.har')]);
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /^smartctl: cannot write HAR file ".*d\.har": no such folder\n/m);
    } finally {
      await sb.close();
    }
  });
});
