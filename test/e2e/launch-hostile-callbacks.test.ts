// launch against callbacks it must refuse, over real HTTP on 127.0.0.1: a wrong-state
// callback from another local process is a warning and the run still completes (its
// verdict is about the run); a headless run whose server redirects with a wrong state, or
// to a path that only starts with the redirect path, ends at once with a finding naming
// what the server did, instead of waiting the whole --callback-timeout.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseJsonOutput, runCli } from '../helpers/run-cli.js';
import { launchWaiting } from '../helpers/launch-process.js';
import { discoveryFixtureText, fixtureDiscoveryRoutes } from '../helpers/discovery-fixtures.js';
import { startStaticServer, type StaticServer } from '../helpers/static-server.js';

type Finding = { id: string; severity: string; detail: string };
const findings = (doc: Record<string, unknown>): Finding[] => doc['findings'] as Finding[];

test('a wrong-state callback from another process is a warning; the run completes and exits 0', async () => {
  const run = launchWaiting(['--sandbox', '--json', '--callback-timeout', '30']);
  const authorizeUrl = new URL(await run.url);
  const redirect = authorizeUrl.searchParams.get('redirect_uri') ?? '';
  const foreign = await fetch(`${redirect}?code=from-elsewhere&state=not-this-run`);
  assert.equal(foreign.status, 400);
  const approved = await fetch(authorizeUrl, { redirect: 'manual', headers: { 'x-sandbox-auto-approve': '1' } });
  const callback = approved.headers.get('location') ?? '';
  assert.equal((await fetch(callback)).status, 200);
  const r = await run.done;
  const doc = parseJsonOutput(r);
  assert.equal(r.code, 0, r.stdout);
  assert.equal(doc['ok'], true);
  const refused = findings(doc).find((f) => f.id === 'callback-state-mismatch');
  assert.equal(refused?.severity, 'warning');
  assert.match(refused?.detail ?? '', /"not-this-run"/);
  assert.equal(doc['stoppedAt'], null);
});

/** An authorization server whose authorize endpoint redirects to `where(redirect_uri, state)`. */
async function hostileAuthorizer(where: (redirectUri: string, state: string) => string): Promise<{ discovery: StaticServer; close: () => Promise<void> }> {
  const authz = http.createServer((req, res) => {
    const q = new URL(req.url ?? '/', 'http://127.0.0.1').searchParams;
    res.writeHead(302, { location: where(q.get('redirect_uri') ?? '', q.get('state') ?? '') }).end();
  });
  await new Promise<void>((resolve) => authz.listen(0, '127.0.0.1', resolve));
  const authorizeEndpoint = `http://127.0.0.1:${(authz.address() as AddressInfo).port}/authorize`;
  const discovery = await startStaticServer(
    fixtureDiscoveryRoutes({
      '/fhir/.well-known/smart-configuration': (origin) => ({ body: { ...(JSON.parse(discoveryFixtureText('good/smart-configuration.json', origin)) as object), authorization_endpoint: authorizeEndpoint } }),
    }),
  );
  return {
    discovery,
    close: async () => {
      await discovery.close();
      await new Promise<void>((resolve) => authz.close(() => resolve()));
    },
  };
}

for (const [name, where, id, detail] of [
  ['a wrong state', (uri: string) => `${uri}?code=c0de&state=forged`, 'redirect-state-mismatch', /state: expected "[^"]+", got "forged"/],
  ['no state', (uri: string) => `${uri}?code=c0de`, 'redirect-state-mismatch', /got none/],
  ['a path that only starts with the redirect path', (uri: string, state: string) => `${uri}-evil?code=c0de&state=${state}`, 'redirect-path-mismatch', /callback-evil/],
  ['a path below the redirect path', (uri: string, state: string) => `${uri}/more?code=c0de&state=${state}`, 'redirect-path-mismatch', /callback\/more/],
  ['neither code nor error', (uri: string, state: string) => `${uri}?state=${state}&session_state=x`, 'headless-callback-refused', /answered 400: "No code/],
] as const) {
  test(`headless: a server redirecting with ${name} ends the run at once with ${id}`, async () => {
    const server = await hostileAuthorizer(where);
    try {
      const started = Date.now();
      const r = await runCli(['launch', '--iss', `${server.discovery.origin}/fhir`, '--client-id', 'app', '--scope', 'openid patient/*.rs', '--headless', '--callback-timeout', '25', '--json'], { timeoutMs: 40_000 });
      const elapsed = Date.now() - started;
      const doc = parseJsonOutput(r);
      assert.equal(r.code, 1, r.stdout + r.stderr);
      const f = findings(doc).find((x) => x.id === id);
      assert.ok(f, `${id} in ${findings(doc).map((x) => x.id).join(',')}`);
      assert.equal(f.severity, 'error');
      assert.match(f.detail, detail);
      assert.ok(!findings(doc).some((x) => x.id === 'callback-timeout'), 'did not wait for the callback timeout');
      assert.ok(elapsed < 15_000, `took ${elapsed} ms with --callback-timeout 25`);
    } finally {
      await server.close();
    }
  });
}
