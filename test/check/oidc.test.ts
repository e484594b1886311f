// check --oidc against oidc-provider on 127.0.0.1: with RS256, RS512, ES256 and ES512 and a
// userinfo endpoint the group passes (the live login through a --login script in Debian
// chromium); with fewer algorithms it names exactly the missing ones.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { generateKeyPairSync } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Provider from 'oidc-provider';
import { runCheck } from './helpers.js';
import { startOidcPeer } from '../helpers/oidc-peer.js';

const REDIRECT = 'http://127.0.0.1/callback';

function privateJwk(type: 'rsa' | 'ec', curve?: string): Record<string, unknown> {
  const { privateKey } = type === 'rsa' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ec', { namedCurve: curve ?? 'P-256' });
  return privateKey.export({ format: 'jwk' }) as Record<string, unknown>;
}

async function startProvider(algs: string[]): Promise<{ issuer: string; close(): Promise<void> }> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const provider = new Provider(issuer, {
    clients: [{ client_id: 'smart-server', client_secret: 'a-test-secret-of-enough-length', application_type: 'native', redirect_uris: [REDIRECT], grant_types: ['authorization_code'], response_types: ['code'], id_token_signed_response_alg: 'ES256' }],
    jwks: { keys: [privateJwk('rsa'), privateJwk('ec', 'P-256'), privateJwk('ec', 'P-521')] },
    enabledJWA: { idTokenSigningAlgValues: algs },
    scopes: ['openid', 'profile'],
    claims: { openid: ['sub'], profile: ['preferred_username', 'patient_id'] },
    features: { devInteractions: { enabled: true } },
    pkce: { required: () => true },
    findAccount: (_ctx: unknown, sub: string) => ({ accountId: sub, claims: () => ({ sub, preferred_username: `user-${sub}`, patient_id: 'patient-1' }) }),
  });
  server.on('request', provider.callback());
  return {
    issuer,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

const chromium = existsSync('/usr/bin/chromium') ? false : '/usr/bin/chromium is not installed';

describe('check --oidc against oidc-provider', () => {
  let full: { issuer: string; close(): Promise<void> };
  let dir: string;
  before(async () => {
    full = await startProvider(['RS256', 'RS512', 'ES256', 'ES512']);
    dir = await mkdtemp(path.join(tmpdir(), 'smartctl-oidc-'));
  });
  after(async () => {
    await full.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('RS256, RS512, ES256, ES512 and userinfo: every metadata test passes; --oidc alone runs only the oidc group', async () => {
    const { report, tests, byId } = await runCheck(undefined, { oidc: full.issuer });
    assert.deepEqual([...new Set(tests.map((t) => t.group))], ['oidc']);
    const notPassed = tests.filter((t) => t.result !== 'pass' && t.id !== 'oidc-live-login').map((t) => `${t.id} ${t.result} ${t.findings.map((f) => `${f.id}: ${f.detail}`).join('; ')}`);
    assert.deepEqual(notPassed, []);
    assert.equal(byId.get('oidc-live-login')?.result, 'skip');
    assert.match(byId.get('oidc-live-login')?.reason ?? '', /--oidc-client-id/);
    assert.equal(report.ok, true);
  });

  it('the discovery group passes against a SMART layer in front of oidc-provider (its missing CORS header warns)', async () => {
    const peer = await startOidcPeer({ redirectUri: REDIRECT });
    try {
      const { tests, report } = await runCheck(peer.fhirBaseUrl, { only: 'discovery' });
      const other = tests.filter((t) => t.result !== 'pass' && !(t.id === 'discovery-cors' && t.result === 'warn'));
      assert.deepEqual(other.map((t) => `${t.id} ${t.result}`), []);
      assert.equal(tests.find((t) => t.id === 'discovery-openid-configuration')?.result, 'pass');
      assert.equal(tests.find((t) => t.id === 'discovery-cors')?.findings[0]?.id, 'cors-not-allowed');
      assert.equal(report.ok, true, 'a warning alone does not fail the run');
    } finally {
      await peer.close();
    }
  });

  it('names exactly the missing algorithms when the provider offers fewer', async () => {
    const few = await startProvider(['RS256', 'ES256']);
    try {
      const { byId, report } = await runCheck(undefined, { oidc: few.issuer });
      const algs = byId.get('oidc-signing-algs');
      assert.equal(algs?.result, 'fail');
      const f = algs?.findings.find((x) => x.id === 'oidc-signing-alg-missing');
      assert.equal(f?.title, 'id_tokens cannot be signed with RS512, ES512');
      assert.match(f?.detail ?? '', /missing: RS512, ES512$/);
      assert.equal(report.ok, false);
      assert.equal(byId.get('oidc-endpoints-reachable')?.result, 'pass');
    } finally {
      await few.close();
    }
  });

  it('without a login script the live login needs a person: skipped with the reason', async () => {
    const { byId } = await runCheck(undefined, { oidc: full.issuer, oidcClientId: 'smart-server', oidcClientSecret: 'a-test-secret-of-enough-length', only: 'oidc' });
    const live = byId.get('oidc-live-login');
    assert.equal(live?.result, 'skip');
    assert.match(live?.reason ?? '', /needs a person .* --login/);
  });

  it('a --login script in headless chromium: the id_token verifies, userinfo sub matches, preferred_username and patient_id are there', { skip: chromium }, async () => {
    const script = path.join(dir, 'login.json');
    await writeFile(script, JSON.stringify([{ fill: 'input[name="login"]', with: '$OIDC_TEST_USER' }, { fill: 'input[name="password"]', with: 'any' }, { click: 'button[type="submit"]' }, { click: 'button[type="submit"]' }]));
    const { byId } = await runCheck(undefined, { oidc: full.issuer, oidcClientId: 'smart-server', oidcClientSecret: 'a-test-secret-of-enough-length', oidcClaim: ['patient_id'], login: script, only: 'oidc', scope: 'openid profile' }, { OIDC_TEST_USER: 'alice' });
    const live = byId.get('oidc-live-login');
    assert.equal(live?.result, 'pass', JSON.stringify(live?.findings));
    assert.ok(live?.exchanges.some((e) => e.step === 'userinfo' && e.response?.status === 200));
    // A claim the provider does not release fails the test, by name.
    const missing = await runCheck(undefined, { oidc: full.issuer, oidcClientId: 'smart-server', oidcClientSecret: 'a-test-secret-of-enough-length', oidcClaim: ['mrn'], login: script, only: 'oidc', skip: 'oidc-discovery,oidc-code-flow,oidc-client-secret-method,oidc-endpoints-reachable,oidc-scopes,oidc-pkce,oidc-signing-algs', scope: 'openid profile' }, { OIDC_TEST_USER: 'alice' });
    const f = missing.byId.get('oidc-live-login');
    assert.equal(f?.result, 'fail');
    assert.ok(f?.findings.some((x) => x.id === 'oidc-mapping-claim-missing' && x.title.includes('"mrn"')));
  });
});
