// check against the sandbox with each fault: the test the fault breaks fails (or, for
// a slow endpoint, warns) with the fault's finding id, and the other tests of the groups
// run still pass. Faults that leave the server conformant break nothing.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startSandbox } from '../../src/sandbox/index.js';
import { FAULTS, findFault } from '../../src/sandbox/faults/index.js';
import { findingIds, runCheck, sandboxFlags } from './helpers.js';

interface Expectation {
  /** Groups to run (the whole suite per fault would be slow for no gain). */
  only: string;
  /** The test the fault breaks, and how. */
  breaks?: { test: string; result: 'fail' | 'warn' } | undefined;
  /** Tests of those groups the fault also (rightly) breaks; every other one must pass. */
  alsoBroken?: readonly string[];
}

const EXPECT: Record<string, Expectation> = {
  // The scope test warns about the dropped openid (what it costs); the id_token test fails.
  'drop-openid': { only: 'standalone-launch', breaks: { test: 'standalone-launch-id-token', result: 'fail' }, alsoBroken: ['standalone-launch-scopes'] },
  // check never sends the vendor forceAuthn parameter, and never a needless Authorization header.
  'force-authn-stale-session': { only: 'standalone-launch' },
  'strict-client-auth-header': { only: 'standalone-launch,backend-services' },
  'id-token-unknown-kid': { only: 'standalone-launch', breaks: { test: 'standalone-launch-id-token', result: 'fail' } },
  'id-token-wrong-aud': { only: 'standalone-launch', breaks: { test: 'standalone-launch-id-token', result: 'fail' } },
  'clock-skew-future-iat': { only: 'standalone-launch', breaks: { test: 'standalone-launch-id-token', result: 'fail' } },
  'jwks-down': { only: 'discovery,standalone-launch', breaks: { test: 'discovery-jwks', result: 'fail' }, alsoBroken: ['standalone-launch-id-token'] },
  'no-smart-configuration': { only: 'discovery', breaks: { test: 'discovery-smart-configuration', result: 'fail' } },
  'v1-only-scopes': { only: 'standalone-launch', breaks: { test: 'standalone-launch-scopes', result: 'fail' } },
  'no-refresh-token': { only: 'refresh', breaks: { test: 'refresh-without-scope', result: 'fail' }, alsoBroken: ['refresh-with-scope', 'refresh-rotation', 'refresh-id-token'] },
  'redirect-uri-trailing-slash': { only: 'standalone-launch', breaks: { test: 'standalone-launch-authorize', result: 'fail' }, alsoBroken: ['standalone-launch-token-response', 'standalone-launch-no-store', 'standalone-launch-scopes', 'standalone-launch-context', 'standalone-launch-id-token', 'standalone-launch-fhir-read'] },
  'token-500': { only: 'standalone-launch', breaks: { test: 'standalone-launch-token-response', result: 'fail' }, alsoBroken: ['standalone-launch-no-store', 'standalone-launch-scopes', 'standalone-launch-context', 'standalone-launch-id-token', 'standalone-launch-fhir-read'] },
  'token-html': { only: 'standalone-launch', breaks: { test: 'standalone-launch-token-response', result: 'fail' }, alsoBroken: ['standalone-launch-no-store', 'standalone-launch-scopes', 'standalone-launch-context', 'standalone-launch-id-token', 'standalone-launch-fhir-read'] },
  'slow-token-endpoint': { only: 'standalone-launch', breaks: { test: 'standalone-launch-token-response', result: 'warn' } },
  'missing-patient-context': { only: 'standalone-launch', breaks: { test: 'standalone-launch-context', result: 'fail' } },
  'issuer-mismatch': { only: 'discovery', breaks: { test: 'discovery-openid-configuration', result: 'fail' } },
  'pkce-not-advertised': { only: 'discovery', breaks: { test: 'discovery-pkce', result: 'fail' } },
};

describe('check against the sandbox with each fault', () => {
  it('has an expectation for every fault', () => {
    assert.deepEqual(Object.keys(EXPECT).sort(), FAULTS.map((f) => f.name).sort());
  });

  for (const fault of FAULTS) {
    const e = EXPECT[fault.name];
    it(`${fault.name}: ${e?.breaks === undefined ? 'breaks nothing check tests' : `${e.breaks.test} ${e.breaks.result}s with ${fault.findingId}`}`, async () => {
      assert.ok(e !== undefined);
      const sb = await startSandbox({ faults: [fault.name] });
      try {
        const { byId, tests } = await runCheck(sb.fhirBaseUrl, { ...sandboxFlags(sb), only: e.only });
        if (e.breaks !== undefined) {
          const broken = byId.get(e.breaks.test);
          assert.equal(broken?.result, e.breaks.result, `${e.breaks.test}: ${JSON.stringify(broken?.findings.map((f) => f.id))}`);
          assert.ok(findingIds(broken).includes(findFault(fault.name)?.findingId ?? '?'), `${e.breaks.test} names ${fault.findingId}: got ${findingIds(broken).join(', ')}`);
        }
        const expectedBroken = new Set([e.breaks?.test, ...(e.alsoBroken ?? [])]);
        const others = tests.filter((t) => !expectedBroken.has(t.id) && t.result !== 'pass' && t.result !== 'skip');
        assert.deepEqual(others.map((t) => `${t.id}: ${t.result} ${findingIds(t).join(',')}`), []);
        for (const id of e.alsoBroken ?? []) assert.notEqual(byId.get(id)?.result, 'pass', `${id} is broken by ${fault.name} too`);
      } finally {
        await sb.close();
      }
    });
  }
});
