// `smartctl discover` against the sandbox: no error finding on a clean sandbox, and
// each discovery fault yields the finding id its registry line names.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startSandbox } from '../../src/sandbox/index.js';
import { findFault } from '../../src/sandbox/faults/index.js';
import { parseJsonOutput, runCli } from '../helpers/run-cli.js';

interface DiscoverFinding {
  id: string;
  severity: string;
}

async function discover(faults: string[]): Promise<{ code: number; findings: DiscoverFinding[] }> {
  const sb = await startSandbox({ faults });
  try {
    const r = await runCli(['discover', sb.fhirBaseUrl, '--json']);
    return { code: r.code, findings: parseJsonOutput(r)['findings'] as DiscoverFinding[] };
  } finally {
    await sb.close();
  }
}

describe('smartctl discover against the sandbox', () => {
  it('reports no error finding and exits 0', async () => {
    const { code, findings } = await discover([]);
    assert.deepEqual(findings.filter((f) => f.severity === 'error').map((f) => f.id), []);
    assert.equal(code, 0);
  });

  for (const fault of ['no-smart-configuration', 'pkce-not-advertised', 'issuer-mismatch', 'jwks-down']) {
    it(`finds the ${fault} fault by its finding id`, async () => {
      const expected = findFault(fault)?.findingId ?? '';
      const { findings } = await discover([fault]);
      assert.ok(findings.some((f) => f.id === expected), `expected ${expected} in ${findings.map((f) => f.id).join(', ')}`);
    });
  }
});
