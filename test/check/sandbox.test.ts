// check against the sandbox started in process with its default settings: every group
// passes (or skips with a reason); --only, --skip, --fail-on and the JSON shape.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startSandbox } from '../../src/sandbox/index.js';
import type { SandboxHandle } from '../../src/sandbox/types.js';
import { SMART_TESTS } from '../../src/check/suite.js';
import { GROUPS } from '../../src/check/types.js';
import { toJsonDocument } from '../../src/report/report.js';
import { redactReport } from '../../src/report/redact.js';
import { runCheck, sandboxFlags } from './helpers.js';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

describe('check against the sandbox (default settings)', () => {
  let sb: SandboxHandle;
  before(async () => {
    sb = await startSandbox();
  });
  after(async () => {
    await sb.close();
  });

  it('passes every test of every group with the demo clients', async () => {
    const { report, tests } = await runCheck(sb.fhirBaseUrl, sandboxFlags(sb));
    const notPassed = tests.filter((t) => t.result !== 'pass' && !(t.group === 'oidc' && t.result === 'skip' && /--oidc/.test(t.reason ?? ''))).map((t) => `${t.id}: ${t.result} ${t.reason ?? ''} ${t.findings.map((f) => `${f.id} ${f.title}`).join('; ')}`);
    assert.deepEqual(notPassed, []);
    assert.equal(tests.length, SMART_TESTS.length);
    assert.equal(report.ok, true);
    const oidc = SMART_TESTS.filter((t) => t.group === 'oidc').length;
    assert.ok(oidc >= 8);
    assert.deepEqual(report.data['summary'], { passed: SMART_TESTS.length - oidc, failed: 0, warned: 0, skipped: oidc });
    for (const g of GROUPS.filter((g) => g !== 'oidc')) assert.ok(tests.some((t) => t.group === g), `group ${g} ran`);
  });

  it('gives every test its own trace: exchanges and evidence ids from it, spec URLs, durations', async () => {
    const confidential = sb.clients.find((c) => c.client_id === sb.demoClients.confidential);
    const dir = await mkdtemp(path.join(tmpdir(), 'smartctl-second-'));
    const secretFile = path.join(dir, 'secret');
    await writeFile(secretFile, confidential?.client_secret ?? '');
    const { tests } = await runCheck(sb.fhirBaseUrl, { ...sandboxFlags(sb), only: 'hardening,backend-services', secondClientId: sb.demoClients.confidential, secondClientSecretFile: secretFile });
    await rm(dir, { recursive: true, force: true });
    for (const t of tests) {
      assert.ok(t.exchanges.length > 0, `${t.id} has exchanges`);
      const ids = new Set(t.exchanges.map((e) => e.id));
      for (const id of t.evidence) assert.ok(ids.has(id), `${t.id} evidence #${id} is one of its exchanges`);
      assert.match(t.spec, /^https:\/\//);
      assert.ok(t.durationMs >= 0);
    }
    // With a second registered client (the sandbox's confidential one) the code binding itself is tested.
    assert.match(tests.find((t) => t.id === 'hardening-code-bound-to-client')?.reason ?? '', /invalid_grant; by registered client "smartctl-confidential"/);
    const replay = tests.find((t) => t.id === 'backend-services-refuses-replayed-jti');
    assert.deepEqual(replay?.exchanges.map((e) => e.step), ['client-credentials', 'client-credentials.replay']);
  });

  it('skips, with the reason, what the inputs do not allow', async () => {
    const { report, byId } = await runCheck(sb.fhirBaseUrl, {});
    assert.equal(report.ok, true);
    assert.equal(byId.get('discovery-smart-configuration')?.result, 'pass');
    assert.equal(byId.get('hardening-fhir-without-token')?.result, 'pass');
    assert.equal(byId.get('standalone-launch-token-response')?.result, 'skip');
    assert.match(byId.get('standalone-launch-token-response')?.reason ?? '', /--client-id/);
    assert.match(byId.get('backend-services-token')?.reason ?? '', /--backend-client-id and --backend-key/);
    assert.match(byId.get('ehr-launch-receive')?.reason ?? '', /--ehr-launch-url/);
  });

  it('--only runs the named groups and --skip leaves out test ids', async () => {
    const { tests } = await runCheck(sb.fhirBaseUrl, { ...sandboxFlags(sb), only: 'discovery,refresh', skip: 'discovery-cors,refresh-rotation' });
    assert.deepEqual([...new Set(tests.map((t) => t.group))], ['discovery', 'refresh']);
    assert.ok(!tests.some((t) => t.id === 'discovery-cors' || t.id === 'refresh-rotation'));
    assert.equal(tests.length, SMART_TESTS.filter((t) => t.group === 'discovery' || t.group === 'refresh').length - 2);
  });

  it('refuses an unknown group or test id before any request (usage error)', async () => {
    await assert.rejects(runCheck(sb.fhirBaseUrl, { only: 'discovery,nope' }), (e: Error & { code?: string; kind?: string }) => e.code === 'check-unknown-group' && e.kind === 'usage' && /"nope"/.test(e.message));
    await assert.rejects(runCheck(sb.fhirBaseUrl, { skip: 'discovery-typo' }), (e: Error & { code?: string }) => e.code === 'check-unknown-test');
    await assert.rejects(runCheck(undefined, {}), (e: Error & { code?: string }) => e.code === 'option-missing');
    await assert.rejects(runCheck(sb.fhirBaseUrl, { sandbox: true }), (e: Error & { code?: string }) => e.code === 'option-conflict');
    await assert.rejects(runCheck(sb.fhirBaseUrl, { backendClientId: 'x' }), (e: Error & { code?: string }) => e.code === 'option-missing');
  });

  it('--json document: command, ok, summary, tests with id/group/title/result/spec/durationMs/findings/exchanges, findings; secrets redacted', async () => {
    const { report } = await runCheck(sb.fhirBaseUrl, { ...sandboxFlags(sb), only: 'standalone-launch' });
    const doc = toJsonDocument(redactReport(report, false));
    assert.equal(doc['command'], 'check');
    assert.equal(doc['ok'], true);
    assert.deepEqual(Object.keys(doc['summary'] as object), ['passed', 'failed', 'warned', 'skipped']);
    assert.ok(Array.isArray(doc['findings']));
    const tests = doc['tests'] as Array<Record<string, unknown>>;
    for (const key of ['id', 'group', 'title', 'result', 'spec', 'durationMs', 'findings', 'exchanges']) assert.ok(key in (tests[0] ?? {}), key);
    const text = JSON.stringify(doc);
    assert.doesNotMatch(text, /"access_token":"(?!\[REDACTED\])/);
    assert.doesNotMatch(text, /eyJ[A-Za-z0-9_-]{10,}\./, 'no JWT survives redaction');
    assert.match(text, /\[REDACTED\]/);
  });

  it('--sandbox starts its own sandbox with the demo clients', async () => {
    const { report, tests } = await runCheck(undefined, { sandbox: true, only: 'backend-services,ehr-launch' });
    assert.equal(report.ok, true);
    assert.ok(tests.every((t) => t.result === 'pass'), JSON.stringify(tests.filter((t) => t.result !== 'pass').map((t) => t.id)));
  });
});
