// The FHIR probe of launch, over real HTTP on 127.0.0.1: it reads only what the grant
// covers (a 403 on a resource the grant never covered is not the server's fault), and a
// launch whose every probe got no answer is a failed run, with the probes sent at once so
// three timeouts cost one. Regressions: "launch completed, 0 errors", exit 0, after every
// probe timed out; fhir-403-insufficient-scope (error) for a Patient read nobody granted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseJsonOutput, runCli } from '../helpers/run-cli.js';
import { discoveryFixtureText, fixtureDiscoveryRoutes } from '../helpers/discovery-fixtures.js';
import { startStaticServer } from '../helpers/static-server.js';

type Doc = Record<string, unknown>;
type Finding = { id: string; severity: string; detail: string };
const findings = (doc: Doc): Finding[] => doc['findings'] as Finding[];

test('launch probes only what the grant covers: no Patient read without a Patient scope, no 403 error', async () => {
  const r = await runCli(['launch', '--sandbox', '--headless', '--scope', 'openid fhirUser launch/patient patient/Observation.rs', '--json']);
  const doc = parseJsonOutput(r);
  assert.equal(r.code, 0, r.stdout);
  assert.deepEqual(findings(doc).filter((f) => f.id.startsWith('fhir-403')), []);
  const probe = doc['probe'] as Array<{ what: string; url: string; status?: number }>;
  assert.ok(!probe.some((p) => /\/Patient\//.test(p.url)), JSON.stringify(probe));
  assert.equal(probe.find((p) => p.what === 'search Observation')?.status, 200);
  // fhirUser was granted: SMART makes that permission to read the user's own resource.
  assert.equal(probe.find((p) => p.what === 'fhirUser')?.status, 200);
  const skipped = doc['probeSkipped'] as Array<{ what: string; why: string }>;
  assert.equal(skipped[0]?.what, 'launch patient');
  assert.match(skipped[0]?.why ?? '', /no granted scope reads Patient/);
});

test('a launch whose every FHIR probe times out fails (exit 1), and the probes run at once', async () => {
  const TIMEOUT_MS = 2500;
  // FHIR reads that never answer in time.
  const hang = { delayMs: 30_000, body: {} };
  const fhir = await startStaticServer(
    fixtureDiscoveryRoutes({
      '/fhir/Patient/p1': hang,
      '/fhir/Observation': hang,
      '/fhir/Encounter': hang,
    }),
  );
  // An authorization server that approves at once and issues a token for patient p1.
  const authz = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname === '/authorize') {
      const back = new URL(url.searchParams.get('redirect_uri') ?? '');
      back.searchParams.set('code', 'c0de-1234567890');
      back.searchParams.set('state', url.searchParams.get('state') ?? '');
      res.writeHead(302, { location: back.href }).end();
      return;
    }
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify({ access_token: 'at-0123456789abcdef', token_type: 'Bearer', expires_in: 3600, scope: 'launch/patient patient/*.rs', patient: 'p1' })));
  });
  await new Promise<void>((resolve) => authz.listen(0, '127.0.0.1', resolve));
  const authzOrigin = `http://127.0.0.1:${(authz.address() as AddressInfo).port}`;
  fhir.setRoute('/fhir/.well-known/smart-configuration', (origin) => ({
    body: { ...(JSON.parse(discoveryFixtureText('good/smart-configuration.json', origin)) as object), authorization_endpoint: `${authzOrigin}/authorize`, token_endpoint: `${authzOrigin}/token` },
  }));
  try {
    const r = await runCli(['launch', '--iss', `${fhir.origin}/fhir`, '--client-id', 'app', '--scope', 'launch/patient patient/*.rs', '--headless', '--timeout', String(TIMEOUT_MS), '--json'], { timeoutMs: 60_000 });
    const doc = parseJsonOutput(r);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.equal(doc['ok'], false);
    assert.equal(doc['stoppedAt'], 'fhir.probe');
    const f = findings(doc).find((x) => x.id === 'fhir-probe-unreachable');
    assert.equal(f?.severity, 'error');
    assert.match(f?.detail ?? '', /launch patient: GET .*\/fhir\/Patient\/p1 failed/);
    // Three probes, each waiting out the timeout, yet all in flight together.
    const probes = (doc['trace'] as Array<{ type: string; step?: string; startedAt?: string; durationMs?: number }>).filter((e) => e.step === 'fhir.probe');
    assert.equal(probes.length, 3);
    const starts = probes.map((p) => Date.parse(p.startedAt ?? ''));
    const ends = probes.map((p, i) => (starts[i] ?? 0) + (p.durationMs ?? 0));
    assert.ok(Math.max(...starts) < Math.min(...ends), `probes overlapped: starts ${starts.join(',')} ends ${ends.join(',')}`);
    assert.ok(Math.max(...ends) - Math.min(...starts) < 2 * TIMEOUT_MS, `three timeouts took ${Math.max(...ends) - Math.min(...starts)} ms`);
  } finally {
    await fhir.close();
    await new Promise<void>((resolve) => {
      authz.closeAllConnections();
      authz.close(() => resolve());
    });
  }
});
