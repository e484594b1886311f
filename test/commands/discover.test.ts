// discoverCommand with a real static server: the report's data, sections and findings.
import os from 'node:os';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { discoverCommand } from '../../src/commands/discover.js';
import type { CommandContext } from '../../src/commands/context.js';
import { isSmartctlError } from '../../src/errors.js';
import { redactReport } from '../../src/report/redact.js';
import { toJsonDocument } from '../../src/report/report.js';
import { startStaticServer } from '../helpers/static-server.js';
import { fixtureDiscoveryRoutes, fixtureRoute } from '../helpers/discovery-fixtures.js';

function context(): CommandContext & { narrated: string[] } {
  const narrated: string[] = [];
  return {
    narrated,
    globals: { json: false, color: false, verbose: false, quiet: false, debug: false, showSecrets: false, timeoutMs: 3000, insecure: false, noInput: true },
    env: {},
    cwd: process.cwd(),
    cacheDir: os.tmpdir(),
    narrate: { step: (m) => narrated.push(m), info: (m) => narrated.push(m), warn: (m) => narrated.push(m), action: (m) => narrated.push(m) },
    now: () => new Date('2026-06-01T00:00:00Z'),
    interactive: false,
    stdinIsTTY: false,
    readStdin: () => Promise.resolve(''),
    print: () => undefined,
    untilInterrupted: () => Promise.resolve(),
  };
}

test('a good server: ok report with endpoints, explained capabilities and expectations', async () => {
  const server = await startStaticServer(fixtureDiscoveryRoutes());
  try {
    const ctx = context();
    const report = await discoverCommand(ctx, `${server.url}/fhir`);
    assert.equal(report.command, 'discover');
    assert.equal(report.ok, true);
    assert.deepEqual(report.findings, []);
    const caps = report.data['capabilities'] as Array<{ name: string; known: boolean; explanation: string | null }>;
    assert.ok(caps.length > 5);
    assert.ok(caps.every((c) => c.known && typeof c.explanation === 'string'));
    assert.equal((report.data['endpoints'] as Record<string, string>)['token'], `${server.url}/oauth/token`);
    assert.deepEqual(report.sections.map((s) => s.title), [`Endpoints of ${server.url}/fhir`, 'Capabilities', 'What an app can expect']);
    assert.deepEqual(report.sections[0]?.rows?.map((r) => r[0]), ['authorize', 'token', 'introspect', 'revoke', 'jwksUri', 'issuer']);
    assert.match(report.summary ?? '', /6 endpoint\(s\), 14 capabilities$/);
    assert.deepEqual(ctx.narrated, [`discovering ${server.url}/fhir`]);
    assert.equal(report.trace?.length, 4);
  } finally {
    await server.close();
  }
});

test('a fallback to metadata shows in the trace and as a warning', async () => {
  const server = await startStaticServer(fixtureDiscoveryRoutes({ '/fhir/.well-known/smart-configuration': { status: 404, body: 'no' } }));
  try {
    const report = await discoverCommand(context(), `${server.url}/fhir`);
    assert.equal(report.ok, true);
    assert.deepEqual(report.findings.map((f) => [f.id, f.severity]), [['smart-configuration-missing', 'warning']]);
    assert.equal(report.trace?.find((e) => 'step' in e && e.step === 'discovery.smart-configuration' && 'response' in e && e.response?.status === 404) !== undefined, true);
    assert.deepEqual(report.data['capabilities'], []);
    assert.deepEqual(report.sections[1]?.lines, ['none advertised']);
  } finally {
    await server.close();
  }
});

test('unknown capabilities are marked in the data and the human rows', async () => {
  const server = await startStaticServer(fixtureDiscoveryRoutes({ '/fhir/.well-known/smart-configuration': fixtureRoute('broken/smart-configuration-inconsistent.json') }));
  try {
    const report = await discoverCommand(context(), `${server.url}/fhir`);
    const teleport = (report.data['capabilities'] as Array<{ name: string; known: boolean }>).find((c) => c.name === 'teleport');
    assert.deepEqual(teleport, { name: 'teleport', known: false, explanation: null });
    assert.deepEqual(report.sections[1]?.rows?.find((r) => r[0] === 'teleport'), ['teleport', 'not defined by SMART App Launch 2.x']);
    assert.ok(report.findings.some((f) => f.id === 'capability-inconsistent'));
  } finally {
    await server.close();
  }
});

test('redaction leaves scopes_supported and endpoints alone', async () => {
  const server = await startStaticServer(fixtureDiscoveryRoutes());
  try {
    const report = await discoverCommand(context(), `${server.url}/fhir`);
    const doc = toJsonDocument(redactReport(report, false));
    assert.deepEqual((doc['smartConfiguration'] as Record<string, unknown>)['scopes_supported'], (report.data['smartConfiguration'] as Record<string, unknown>)['scopes_supported']);
    assert.deepEqual(doc['endpoints'], report.data['endpoints']);
  } finally {
    await server.close();
  }
});

test('a bad URL is an input error; an unreachable one a network error', async () => {
  await assert.rejects(discoverCommand(context(), 'not a url'), (e: unknown) => isSmartctlError(e) && e.kind === 'input' && e.code === 'invalid-url');
  const server = await startStaticServer();
  const url = server.url;
  await server.close();
  await assert.rejects(discoverCommand(context(), `${url}/fhir`), (e: unknown) => isSmartctlError(e) && e.kind === 'network' && e.code === 'connection-refused');
});

test('the sandbox without code_challenge_methods_supported: one finding (discovery-missing-pkce-methods), not also the generic missing-field lint', async () => {
  const { startSandbox } = await import('../../src/sandbox/index.js');
  const sb = await startSandbox({ faults: ['pkce-not-advertised'] });
  try {
    const report = await discoverCommand(context(), sb.fhirBaseUrl);
    const about = report.findings.filter((f) => f.id === 'discovery-missing-pkce-methods' || f.title.includes('code_challenge_methods_supported'));
    assert.deepEqual(about.map((f) => [f.id, f.severity]), [['discovery-missing-pkce-methods', 'error']]);
    assert.equal(report.findings[0]?.id, 'discovery-missing-pkce-methods');
  } finally {
    await sb.close();
  }
});
