// explain --har over the fixture HARs of each tool, in process and as the built executable.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { explainCommand } from '../../src/commands/explain.js';
import { isSmartctlError } from '../../src/errors.js';
import { toJsonDocument } from '../../src/report/report.js';
import { testContext } from '../helpers/command-context.js';
import { parseJsonOutput, runCli } from '../helpers/run-cli.js';
import { HAR_FIXTURES, harDocument, harEntryJson } from './har-text.js';

const EXPECTED: Record<string, string> = {
  'chrome-devtools-no-id-token.har': 'openid-scope-dropped',
  'playwright-fhir-expired-token.har': 'fhir-401-expired-token',
  'firefox-invalid-scope.har': 'invalid-scope',
  'mitmproxy-backend-bearer.har': 'client-assertion-in-authorization-header',
  'charles-cerner-forceauthn.har': 'force-authn-rejected',
  'fiddler-token-500.har': 'token-endpoint-server-error',
  // Recorded by chromium through playwright recordHar against the sandbox (test/e2e/har-chromium.test.ts, SMARTCTL_KEEP_HARS).
  'playwright-sandbox-drop-openid.har': 'openid-scope-dropped',
  'playwright-sandbox-force-authn.har': 'force-authn-rejected',
};

describe('explain --har', () => {
  for (const [file, id] of Object.entries(EXPECTED)) {
    it(`${file}: the top finding is ${id}, a root cause`, async () => {
      const report = await explainCommand(testContext(), { har: path.join(HAR_FIXTURES, file) });
      assert.equal(report.findings[0]?.id, id, report.findings.map((f) => f.id).join(', '));
      assert.equal(report.findings[0]?.role, 'root-cause');
      assert.equal(report.ok, false);
    });
  }

  it('reports the HAR stats: entries read, used, skipped, the steps, the tool', async () => {
    const report = await explainCommand(testContext(), { har: path.join(HAR_FIXTURES, 'chrome-devtools-no-id-token.har') });
    const har = toJsonDocument(report)['har'] as Record<string, unknown>;
    assert.equal(har['entries'], 11);
    assert.equal(har['used'], 5);
    assert.equal(har['skipped'], 6);
    assert.equal(har['creator'], 'WebInspector 537.36');
    assert.deepEqual(har['steps'], ['discovery.smart-configuration 200', 'authorize 302', 'callback 200', 'token 200', 'fhir.read 200']);
    const rows = report.sections.find((s) => s.title === 'HAR')?.rows ?? [];
    assert.deepEqual(rows.find((r) => r[0] === 'entries'), ['entries', '11 read, 5 used, 6 skipped (not part of the flow)']);
  });

  it('a HAR with no flow in it says so (info, not a failure)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'smartctl-har-'));
    const file = path.join(dir, 'images.har');
    writeFileSync(file, harDocument([harEntryJson({ url: 'https://cdn.example/logo.png', resourceType: 'image' })]));
    const report = await explainCommand(testContext(), { har: file });
    assert.equal(report.findings[0]?.id, 'nothing-recognised');
    assert.equal(report.findings[0]?.title, 'the HAR holds no OAuth or SMART request');
    assert.equal(report.ok, true);
  });

  it('--har with --status is a usage error; a missing file and a malformed HAR are input errors', async () => {
    await assert.rejects(explainCommand(testContext(), { har: 'x.har', status: 401 }), (e: unknown) => isSmartctlError(e) && e.kind === 'usage' && e.code === 'har-with-other-evidence' && /--status/.test(e.message));
    await assert.rejects(explainCommand(testContext(), { har: path.join(HAR_FIXTURES, 'missing.har') }), (e: unknown) => isSmartctlError(e) && e.kind === 'input' && e.code === 'file-unreadable' && /no such file/.test(e.message));
    await assert.rejects(explainCommand(testContext(), { har: HAR_FIXTURES }), (e: unknown) => isSmartctlError(e) && e.code === 'file-unreadable' && /directory/.test(e.message));
  });

  it('the executable: --json top finding and exit 1; a malformed HAR exits 2 with one line and no stack', async () => {
    const ok = await runCli(['explain', '--har', path.join(HAR_FIXTURES, 'firefox-invalid-scope.har'), '--json']);
    assert.equal(ok.code, 1, ok.stderr);
    const doc = parseJsonOutput(ok);
    assert.equal((doc['findings'] as Array<{ id: string }>)[0]?.id, 'invalid-scope');
    const dir = mkdtempSync(path.join(tmpdir(), 'smartctl-har-'));
    const file = path.join(dir, 'cut.har');
    writeFileSync(file, readFileSync(path.join(HAR_FIXTURES, 'firefox-invalid-scope.har'), 'utf8').slice(0, 3000));
    const bad = await runCli(['explain', '--har', file]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^smartctl: the HAR ends inside entry 2 \(line \d+\): the file is truncated\n/);
    assert.doesNotMatch(bad.stderr, /\n\s+at /);
  });
});
