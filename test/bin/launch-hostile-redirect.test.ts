// launch --headless against a server whose authorize endpoint redirects somewhere no
// client can go: the server's fault, exit 1 with a finding (was exit 70 or exit 2).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixtureDiscoveryRoutes } from '../helpers/discovery-fixtures.js';
import { startStaticServer } from '../helpers/static-server.js';
import { parseJsonOutput, runCli } from '../helpers/run-cli.js';

for (const [name, location, title] of [
  ['a Location that is not a URL', 'http://[not-a-host', /not a URL/],
  ['a redirect to file:', 'file:///etc/passwd', /redirected to a file: URL/],
] as const) {
  test(`regression: launch --headless, authorize answers ${name}: exit 1 with authorize-redirect-invalid`, async () => {
    const server = await startStaticServer(fixtureDiscoveryRoutes({ '/oauth/authorize': { status: 302, headers: { location } } }));
    try {
      const r = await runCli(['launch', '--iss', `${server.url}/fhir`, '--client-id', 'app', '--headless', '--no-open', '--callback-timeout', '5', '--json'], { timeoutMs: 30_000 });
      assert.equal(r.code, 1, `${r.stdout}\n${r.stderr}`);
      const doc = parseJsonOutput(r);
      const finding = (doc['findings'] as Array<{ id: string; title: string }>).find((f) => f.id === 'authorize-redirect-invalid');
      assert.ok(finding !== undefined, JSON.stringify(doc['findings']));
      assert.match(finding.title, title);
      assert.equal(doc['stoppedAt'], 'authorize');
    } finally {
      await server.close();
    }
  });
}
