// Real HARs: Debian chromium (playwright-core recordHar, content embedded) runs a standalone
// launch through the sandbox's own pages — login, patient picker, consent — for a tiny app
// on 127.0.0.1 that does what a browser SMART client does with fetch (test/helpers/chromium-har.ts),
// once per sandbox fault. Then `explain --har` on the recorded file must name the fault's
// finding id first, and the HAR smartctl exports for the same fault must explain to the
// same top finding.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { explainCommand } from '../../src/commands/explain.js';
import { FAULTS } from '../../src/sandbox/faults/index.js';
import { startSandbox } from '../../src/sandbox/index.js';
import { PLANS, recordHar, startApp, type App } from '../helpers/chromium-har.js';
import { testContext } from '../helpers/command-context.js';
import { launchAssertionInHeaderWithHar, launchFaultWithHar, launchOptions, launchWithHar, type ExportedHar } from '../helpers/exported-har.js';
import { CHROMIUM, launchChromium } from '../helpers/launch-process.js';

/** Faults whose finding the HAR diagnosis cannot name first yet, and why (the test runs as todo until a rule exists). */
const NOT_YET: Record<string, string> = {
};

/** How smartctl's own run reproduces a fault where launch --sandbox --headless with the public client does not. */
const SMARTCTL_FLOW: Record<string, (fault: string) => Promise<ExportedHar>> = {
  // A public client sends no Authorization header; the chromium app's plan sends a Bearer JWT.
  'strict-client-auth-header': launchAssertionInHeaderWithHar,
};

const skip = existsSync(CHROMIUM) ? false : `${CHROMIUM} is not installed (.ci/run installs it)`;

describe('explain --har on HARs chromium recorded against the sandbox', { skip, concurrency: 1 }, () => {
  let browser: Browser;
  let app: App;
  const dir = mkdtempSync(path.join(tmpdir(), 'smartctl-har-e2e-'));
  before(async () => {
    browser = await launchChromium();
    app = await startApp();
  });
  after(async () => {
    await browser?.close();
    await app?.close();
    // SMARTCTL_KEEP_HARS=<dir> keeps the recorded HARs (fixtures/har/playwright-sandbox-*.har came from it).
    const keep = process.env['SMARTCTL_KEEP_HARS'];
    if (keep !== undefined && keep !== '') cpSync(dir, keep, { recursive: true });
    rmSync(dir, { recursive: true, force: true });
  });

  it('a clean launch: every step is in the HAR and nothing is an error', async () => {
    const sandbox = await startSandbox();
    try {
      const file = path.join(dir, 'clean.har');
      const outcomes = await recordHar(browser, sandbox, app, {}, file);
      assert.deepEqual(outcomes, ['token 200']);
      const report = await explainCommand(testContext(), { har: file });
      const har = (report.data['har'] ?? {}) as { steps?: string[]; skipped?: number };
      const steps = (har.steps ?? []).map((s) => s.split(' ')[0]);
      for (const step of ['discovery.smart-configuration', 'discovery.openid-configuration', 'authorize', 'callback', 'token', 'jwks', 'fhir.read']) assert.ok(steps.includes(step), `${step} in ${steps.join(', ')}`);
      assert.ok((har.skipped ?? 0) >= 3, 'the app pages and the login pages are skipped');
      const errors = report.findings.filter((f) => f.severity === 'error').map((f) => f.id);
      assert.deepEqual(errors, []);
    } finally {
      await sandbox.close();
    }
  });

  for (const fault of FAULTS) {
    const todo = NOT_YET[fault.name];
    it(`--fault ${fault.name}: the top finding is ${fault.findingId}`, { todo }, async () => {
      const sandbox = await startSandbox({ faults: [fault.name] });
      try {
        const file = path.join(dir, `${fault.name}.har`);
        const outcomes = await recordHar(browser, sandbox, app, PLANS[fault.name] ?? {}, file);
        const report = await explainCommand(testContext(), { har: file });
        const ids = report.findings.map((f) => `${f.id}(${f.severity},${f.role ?? '-'})`);
        assert.equal(report.findings[0]?.id, fault.findingId, `flow: ${outcomes.join(' / ')}; findings: ${ids.join(', ')}; steps: ${JSON.stringify((report.data['har'] as { steps?: unknown })?.steps)}`);
      } finally {
        await sandbox.close();
      }
    });
  }

  // Reads the HARs the tests above recorded (this suite runs in order, one test at a time).
  it("chromium's HAR and the HAR smartctl exports for the same run explain to the same top finding, clean and for every fault", async () => {
    const topOf = async (file: string): Promise<string> => (await explainCommand(testContext(), { har: file })).findings[0]?.id ?? 'none';
    const rows: string[] = [];
    const differ: string[] = [];
    for (const name of ['clean', ...FAULTS.map((f) => f.name)]) {
      const recorded = path.join(dir, `${name}.har`);
      const ours = name === 'clean' ? launchWithHar(launchOptions()) : (SMARTCTL_FLOW[name] ?? launchFaultWithHar)(name);
      const [chromium, exported] = await Promise.all([existsSync(recorded) ? topOf(recorded) : 'no HAR (its recording failed above)', ours.then(({ file }) => topOf(file))]);
      rows.push(`${name}: chromium ${chromium}, smartctl ${exported}`);
      if (chromium !== exported) differ.push(`${name}: chromium ${chromium}, smartctl ${exported}`);
    }
    assert.deepEqual(differ, [], rows.join('\n'));
  });
});
