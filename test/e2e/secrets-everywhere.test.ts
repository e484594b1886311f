// No secret of a run in any of its outputs: the built CLI runs `launch --sandbox --headless`
// once per output mode (--json, human, --verbose; stdout and stderr) with every file output
// (--har), for a clean run and every sandbox fault, its own sandbox and loopback listener
// wiretapped; every code, verifier, token, secret, assertion and cookie that crossed the
// wire (and every 16-character slice of one) must be absent from every output, unless
// --show-secrets, which must show them. Confidential clients (client_secret_basic/post,
// private_key_jwt with a key file) and `token --grant client_credentials` too.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FAULTS } from '../../src/sandbox/faults/index.js';
import { DEMO_REDIRECT_URIS } from '../../src/sandbox/clients.js';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/index.js';
import { leaksOf, OUTPUT_PRODUCERS, runEveryOutput, shownBy, type TappedRun } from '../helpers/leak-check.js';
import { REPO_ROOT, runCli } from '../helpers/run-cli.js';
import { basicPasswordsOf, keyFileSecrets, leakedSlices } from '../helpers/secrets.js';
import { tapHttpServers } from '../helpers/wiretap.js';

const LAUNCH = ['launch', '--sandbox', '--headless', '--callback-timeout', '10'];

/** Faults a headless public-client launch does not trip, and why (and where they are tripped). */
const UNTRIPPED: Record<string, string> = {
  'strict-client-auth-header': 'a public client sends no Authorization header to the token endpoint (token --assertion-in-header below trips it)',
};

function assertNoLeaks(runs: readonly TappedRun[], minSecrets: number): void {
  for (const run of runs) {
    assert.ok(run.secrets.size >= minSecrets, `${run.mode}: only ${run.secrets.size} secret(s) on the wire (exit ${run.result.code}): ${run.result.stderr}`);
    assert.deepEqual(leaksOf(run), [], `${run.mode} run (exit ${run.result.code})`);
  }
}

describe('no secret of a launch in its --json, human, --verbose or HAR output', { concurrency: 3 }, () => {
  it('a clean run', async () => {
    const runs = await runEveryOutput(LAUNCH);
    for (const run of runs) assert.equal(run.result.code, 0, run.result.stderr);
    // code, verifier, access, refresh and id tokens at least.
    assertNoLeaks(runs, 5);
  });

  it('an EHR launch with --refresh (the launch handle, the rotated refresh tokens)', async () => {
    const runs = await runEveryOutput([...LAUNCH, '--ehr', '--refresh']);
    for (const run of runs) assert.equal(run.result.code, 0, run.result.stderr);
    assertNoLeaks(runs, 8);
  });

  for (const fault of FAULTS) {
    it(`fault ${fault.name}`, async () => {
      const extra: string[] = [];
      if (fault.name === 'force-authn-stale-session') {
        // The fault needs a login session: a first run leaves one in the jar (its cookie is then a secret of every run).
        const jar = path.join(mkdtempSync(path.join(os.tmpdir(), 'smartctl-leak-fault-')), 'jar.json');
        assert.equal((await runCli([...LAUNCH, '--cookie-jar', jar])).code, 0);
        extra.push('--cookie-jar', jar, '--force-authn');
      }
      const runs = await runEveryOutput([...LAUNCH, '--sandbox-fault', fault.name, ...extra]);
      for (const run of runs) assert.ok(run.result.code === 0 || run.result.code === 1, `${run.mode}: exit ${run.result.code}: ${run.result.stderr}`);
      // The fault happened: its finding is in the run (unless this client cannot trip it).
      const json = runs.find((r) => r.mode === 'json');
      const ids = (JSON.parse(json?.result.stdout ?? '{}') as { findings?: Array<{ id: string }> }).findings?.map((f) => f.id) ?? [];
      if (!(fault.name in UNTRIPPED)) assert.ok(ids.includes(fault.findingId), `${fault.findingId} in ${ids.join(', ')}`);
      // Faults that stop the flow at discovery or authorize leave no secret on the wire at all.
      assertNoLeaks(runs, 0);
    });
  }
});

describe('--show-secrets shows them (so the checks above can fail)', () => {
  it('a clean run: the HAR and --json hold every secret, every other output at least one', async () => {
    const runs = await runEveryOutput(LAUNCH, { showSecrets: true });
    for (const run of runs) {
      assert.ok(run.secrets.size >= 5);
      const shown = shownBy(run);
      assert.equal(shown['har file'], run.secrets.size, run.mode);
      // The Markdown report shows the exchanges unredacted too (tokens are decoded, not quoted whole, so not every secret).
      assert.ok((shown['markdown file'] ?? 0) >= 3, `markdown: ${JSON.stringify(shown)}`);
      if (run.mode === 'json') assert.equal(shown['json stdout'], run.secrets.size);
      else assert.ok((shown[`${run.mode} stdout`] ?? 0) + (shown[`${run.mode} stderr`] ?? 0) >= 1, `${run.mode}: ${JSON.stringify(shown)}`);
    }
  });
});

/** The client secret a token request of the run sent (a Basic password or the client_secret form field). */
function clientSecretSent(run: TappedRun): string | undefined {
  const posted = run.wire.map((e) => (e.request.body === undefined ? null : new URLSearchParams(e.request.body).get('client_secret'))).find((v) => v !== null);
  return posted ?? [...basicPasswordsOf(run.wire)][0];
}

describe('confidential clients: no client secret, assertion or key in any output', () => {
  const SERVICE_SECRET = 'svc-Secret-0123456789-abcdefghijKLMNOP';
  const jwkFile = path.join(REPO_ROOT, 'fixtures/keys/ec384.private.jwk.json');
  let sb: SandboxHandle;
  let tap: ReturnType<typeof tapHttpServers>;
  before(async () => {
    const jwks = JSON.parse(readFileSync(path.join(REPO_ROOT, 'fixtures/keys/public.jwks.json'), 'utf8')) as { keys: Array<Record<string, unknown>> };
    // strict-client-auth-header only touches token requests with an Authorization header their client's method does not call for.
    sb = await startSandbox({
      autoApprove: true,
      faults: ['strict-client-auth-header'],
      clients: [
        { client_id: 'pkjwt-app', token_endpoint_auth_method: 'private_key_jwt', jwks, redirect_uris: [...DEMO_REDIRECT_URIS], grant_types: ['authorization_code', 'refresh_token'], scope: 'openid fhirUser launch/patient offline_access patient/*.rs' },
        { client_id: 'svc-secret', client_secret: SERVICE_SECRET, token_endpoint_auth_method: 'client_secret_post', redirect_uris: [], grant_types: ['client_credentials'], scope: 'system/*.rs' },
      ],
    });
    const port = Number(new URL(sb.fhirBaseUrl).port);
    tap = tapHttpServers((p) => p === port);
  });
  after(async () => {
    tap.stop();
    await sb.close();
  });

  for (const method of ['client_secret_basic', 'client_secret_post']) {
    it(`launch --sandbox with the demo confidential client, ${method}`, async () => {
      const runs = await runEveryOutput([...LAUNCH, '--client-id', 'smartctl-confidential', '--auth-method', method, '--refresh']);
      for (const run of runs) {
        assert.equal(run.result.code, 0, run.result.stderr);
        // The sandbox's demo secret (a fresh one per start) is among the secrets the wire showed.
        const secret = clientSecretSent(run);
        assert.ok(secret !== undefined && run.secrets.has(secret), 'the client secret');
      }
      assertNoLeaks(runs, 6);
    });
  }

  it('launch --iss with a private_key_jwt app and a JWK key file', async () => {
    const runs = await runEveryOutput(['launch', '--iss', sb.fhirBaseUrl, '--client-id', 'pkjwt-app', '--key', jwkFile, '--headless', '--callback-timeout', '10'], { serverTap: tap, extraSecrets: keyFileSecrets(jwkFile) });
    for (const run of runs) assert.equal(run.result.code, 0, run.result.stderr);
    assert.ok(runs.every((r) => [...r.secrets].some((s) => s.startsWith('eyJ') && r.wire.some((e) => e.request.body?.includes(`client_assertion=${s}`)))), 'the client assertion');
    assertNoLeaks(runs, 6);
  });

  it('token --grant client_credentials: private_key_jwt with the demo backend key (PEM), client_secret_post with --client-secret', async () => {
    const backend = sb.clients.find((c) => c.client_id === sb.demoClients.backend)?.private_key_file ?? '';
    const keyed = await runEveryOutput(['token', '--grant', 'client_credentials', '--iss', sb.fhirBaseUrl, '--client-id', sb.demoClients.backend, '--key', backend, '--scope', 'system/*.rs'], { serverTap: tap, extraSecrets: keyFileSecrets(backend) });
    const posted = await runEveryOutput(['token', '--grant', 'client_credentials', '--iss', sb.fhirBaseUrl, '--client-id', 'svc-secret', '--client-secret', SERVICE_SECRET, '--auth-method', 'client_secret_post', '--scope', 'system/*.rs'], { serverTap: tap });
    for (const run of [...keyed, ...posted]) assert.equal(run.result.code, 0, run.result.stderr);
    assert.ok(posted.every((r) => r.secrets.has(SERVICE_SECRET)));
    // The assertion, the access token and the key.
    assertNoLeaks(keyed, 3);
    assertNoLeaks(posted, 2);
    // --show-secrets: --json and the HAR hold the assertion and the client secret (so the checks above can fail).
    const producers = OUTPUT_PRODUCERS.filter((p) => p.name === 'json' || p.name === 'har');
    const [shownKeyed] = await runEveryOutput(['token', '--grant', 'client_credentials', '--iss', sb.fhirBaseUrl, '--client-id', sb.demoClients.backend, '--key', backend, '--scope', 'system/*.rs'], { serverTap: tap, producers, showSecrets: true });
    const [shownPosted] = await runEveryOutput(['token', '--grant', 'client_credentials', '--iss', sb.fhirBaseUrl, '--client-id', 'svc-secret', '--client-secret', SERVICE_SECRET, '--auth-method', 'client_secret_post', '--scope', 'system/*.rs'], { serverTap: tap, producers, showSecrets: true });
    const assertion = shownKeyed?.wire.map((e) => new URLSearchParams(e.request.body ?? '').get('client_assertion')).findLast((a) => a !== null) ?? '';
    for (const [run, secret] of [[shownKeyed, assertion], [shownPosted, SERVICE_SECRET]] as const) {
      assert.ok(secret.length >= 16 && run !== undefined);
      for (const t of run.texts.filter((x) => x.where !== 'json stderr')) assert.equal(leakedSlices(t.text, [secret]).length, 1, t.where);
    }
  });

  it('token --assertion-in-header (401 invalid_client from strict-client-auth-header): the assertion stays out of the findings', async () => {
    const backend = sb.clients.find((c) => c.client_id === sb.demoClients.backend)?.private_key_file ?? '';
    const runs = await runEveryOutput(['token', '--grant', 'client_credentials', '--iss', sb.fhirBaseUrl, '--client-id', sb.demoClients.backend, '--key', backend, '--scope', 'system/*.rs', '--assertion-in-header'], { serverTap: tap, extraSecrets: keyFileSecrets(backend) });
    for (const run of runs) assert.equal(run.result.code, 1, run.result.stderr);
    assert.match(runs.find((r) => r.mode === 'json')?.result.stdout ?? '', /"client-assertion-in-authorization-header"/);
    assertNoLeaks(runs, 2);
  });

  it('token with a code, verifier and refresh token given on the command line', async () => {
    // A refresh token is single use: each run gets its own, from a launch that saved it.
    const refreshTokenOf = async (mode: string): Promise<string> => {
      const saved = path.join(mkdtempSync(path.join(os.tmpdir(), `smartctl-leak-token-${mode}-`)), 'session.json');
      const launch = await runCli(['launch', '--iss', sb.fhirBaseUrl, '--client-id', sb.demoClients.public, '--headless', '--scope', 'openid fhirUser launch/patient offline_access patient/*.rs', '--save', saved]);
      assert.equal(launch.code, 0, launch.stderr);
      return (JSON.parse(readFileSync(saved, 'utf8')) as { tokenResponse: { refresh_token: string } }).tokenResponse.refresh_token;
    };
    const refreshed = await runEveryOutput(async (mode) => ['token', '--grant', 'refresh_token', '--iss', sb.fhirBaseUrl, '--client-id', sb.demoClients.public, '--refresh-token', await refreshTokenOf(mode)], { serverTap: tap });
    // A made-up code and verifier: the server refuses them (invalid_grant), and they are still secrets.
    const code = 'Zq8xW2vLp0RtY7uNcE4sKd9aB3mH';
    const verifier = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
    const exchanged = await runEveryOutput(['token', '--grant', 'authorization_code', '--iss', sb.fhirBaseUrl, '--client-id', sb.demoClients.public, '--code', code, '--code-verifier', verifier, '--redirect-uri', 'http://127.0.0.1:9/callback'], { serverTap: tap, extraSecrets: [code, verifier] });
    for (const run of refreshed) assert.equal(run.result.code, 0, run.result.stderr);
    for (const run of exchanged) assert.equal(run.result.code, 1, run.result.stderr);
    assertNoLeaks(refreshed, 3);
    assertNoLeaks(exchanged, 2);
  });
});
