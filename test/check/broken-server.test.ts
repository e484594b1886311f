// check against a deliberately broken server (answers FHIR without a token, reuses
// codes, redirects unregistered URIs, drops state on error redirects, accepts alg none):
// each hardening and backend test fails with a clear finding.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { REPO_ROOT } from '../helpers/run-cli.js';
import { findingIds, runCheck, startBrokenServer, type BrokenServer } from './helpers.js';
import type { TestResult } from '../../src/check/types.js';

const KEY = path.join(REPO_ROOT, 'fixtures', 'keys', 'ec384.pkcs8.pem');

const HARDENING: Record<string, string> = {
  'hardening-fhir-without-token': 'fhir-answers-without-token',
  'hardening-fhir-invalid-token': 'fhir-accepts-invalid-token',
  'hardening-fhir-expired-token': 'fhir-accepts-expired-token',
  'hardening-code-single-use': 'authorization-code-reused',
  'hardening-code-bound-to-client': 'authorization-code-not-bound-to-client',
  'hardening-code-bound-to-redirect-uri': 'authorization-code-not-bound-to-redirect-uri',
  'hardening-pkce-required': 'pkce-not-required',
  'hardening-pkce-wrong-verifier': 'pkce-verifier-not-checked',
  'hardening-pkce-plain-refused': 'pkce-plain-accepted',
  'hardening-unknown-client-not-redirected': 'unknown-client-redirected',
  'hardening-unregistered-redirect-not-redirected': 'unregistered-redirect-uri-redirected',
  'hardening-error-redirect-keeps-state': 'error-redirect-drops-state',
  'hardening-wrong-aud-no-code': 'wrong-aud-accepted',
  'hardening-refresh-token-not-bearer': 'refresh-token-accepted-as-bearer',
  'hardening-patient-compartment': 'patient-compartment-not-enforced',
};

const BACKEND: Record<string, string> = {
  'backend-services-refuses-wrong-assertion-type': 'assertion-type-not-checked',
  'backend-services-refuses-malformed': 'assertion-malformed-accepted',
  'backend-services-refuses-bad-signature': 'assertion-bad-signature-accepted',
  'backend-services-refuses-alg-none': 'assertion-alg-none-accepted',
  'backend-services-refuses-expired': 'assertion-expired-accepted',
  'backend-services-refuses-exp-far-future': 'assertion-exp-far-future-accepted',
  'backend-services-refuses-wrong-aud': 'assertion-wrong-aud-accepted',
  'backend-services-refuses-iss-not-sub': 'assertion-iss-not-sub-accepted',
  'backend-services-refuses-unregistered-kid': 'assertion-unregistered-kid-accepted',
  'backend-services-refuses-replayed-jti': 'assertion-jti-replay-accepted',
};

describe('check against a deliberately broken server', () => {
  let server: BrokenServer;
  let byId: Map<string, TestResult>;
  let ok: boolean;
  before(async () => {
    server = await startBrokenServer();
    const run = await runCheck(server.fhirBase, { clientId: 'any-app', backendClientId: 'any-service', backendKey: KEY, only: 'hardening,backend-services,standalone-launch' });
    byId = run.byId;
    ok = run.report.ok;
  });
  after(async () => {
    await server.close();
  });

  it('fails the run', () => {
    assert.equal(ok, false);
  });

  for (const [test, id] of Object.entries({ ...HARDENING, ...BACKEND })) {
    it(`${test} fails with ${id}, a root cause with a title, detail, fix and the exchange`, () => {
      const t = byId.get(test);
      assert.equal(t?.result, 'fail', `${test}: ${t?.result} ${t?.reason ?? ''}`);
      const f = t?.findings.find((x) => x.id === id);
      assert.ok(f !== undefined, `${test} names ${id}: got ${findingIds(t).join(', ')}`);
      assert.equal(f.severity, 'error');
      assert.equal(t?.findings[0]?.id, id, 'the first finding explains the failure');
      assert.ok(f.title.length > 10 && f.detail.length > 10 && (f.fix ?? '').length > 10);
      assert.ok((f.exchanges ?? []).length > 0 || test === 'hardening-pkce-required' || test === 'hardening-pkce-plain-refused');
    });
  }

  it('the happy path of the broken server still works (the failures are the negative cases only)', () => {
    assert.equal(byId.get('standalone-launch-authorize')?.result, 'pass');
    assert.equal(byId.get('standalone-launch-fhir-read')?.result, 'pass');
    assert.equal(byId.get('backend-services-token')?.result, 'pass');
  });
});
