// --report <file.md> through the built CLI and in process, against the sandbox and small
// hostile servers on 127.0.0.1: every command that makes findings writes a Markdown report
// (mode 0600) whose structure a real parser reads back; the ids a vendor asks for are in
// it with their times; no secret of a run (nor any 16-character slice of one) is in it
// for any sandbox fault unless --show-secrets, which shows them all.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync, existsSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { launchCommand } from '../../src/commands/launch.js';
import { writeReportFile } from '../../src/commands/report-export.js';
import { tokenCommand } from '../../src/commands/token.js';
import type { Report } from '../../src/report/report.js';
import type { ReportEnvironment } from '../../src/report/render/markdown.js';
import { FAULTS } from '../../src/sandbox/faults/index.js';
import { startSandbox } from '../../src/sandbox/index.js';
import type { SandboxHandle } from '../../src/sandbox/types.js';
import { testContext } from '../helpers/command-context.js';
import { unsignedJwt } from '../helpers/jwt.js';
import { assertReportStructure } from '../helpers/markdown.js';
import { parseJsonOutput, REPO_ROOT, runCli } from '../helpers/run-cli.js';
import { leakedSlices, secretsOf } from '../helpers/secrets.js';

const tmp = (): string => mkdtempSync(path.join(os.tmpdir(), 'smartctl-report-'));
const ENV: ReportEnvironment = { smartctl: 'test', node: process.version, platform: process.platform, release: os.release(), arch: process.arch, generatedAt: new Date().toISOString() };

/** The report file, with its mode checked and its structure parsed. */
function readReport(file: string): { text: string; h2: string[]; html: string } {
  assert.equal(statSync(file).mode & 0o777, 0o600, 'mode 0600');
  const text = readFileSync(file, 'utf8');
  const doc = assertReportStructure(text, file);
  assert.ok(text.indexOf('## Summary') < Math.max(0, text.indexOf('<details>')) || !text.includes('<details>'), 'summary before details');
  return { text, h2: doc.headings.filter(([l]) => l === 2).map(([, t]) => t.replace(/ \(\d+\)$/, '')), html: doc.html };
}

function section(text: string, title: string): string {
  const start = text.indexOf(`## ${title}`);
  assert.ok(start >= 0, `no section ${title}`);
  const next = text.indexOf('\n## ', start + 3);
  return text.slice(start, next < 0 ? undefined : next);
}

let sb: SandboxHandle;
before(async () => {
  sb = await startSandbox({ autoApprove: true });
});
after(async () => {
  await sb.close();
});

describe('--report through the CLI, one test per command', () => {
  it('launch --sandbox --headless --sandbox-fault drop-openid: the fault\'s finding first, reportFile in --json, narrated on stderr', async () => {
    const dir = tmp();
    const file = path.join(dir, 'launch.md');
    const r = await runCli(['launch', '--sandbox', '--headless', '--sandbox-fault', 'drop-openid', '--report', file, '--json']);
    assert.equal(r.code, 1, r.stderr);
    assert.equal(parseJsonOutput(r)['reportFile'], file);
    const { text, h2 } = readReport(file);
    assert.deepEqual(h2.slice(0, 5), ['Summary', 'Findings', 'Identifiers for the vendor', 'Environment', 'Server and client']);
    assert.ok(h2.includes('Steps and exchanges') && h2.includes('Scopes') && h2.includes('Tokens'), h2.join(', '));
    assert.match(section(text, 'Summary'), /\*\*Root cause:\*\* openid was requested but not granted.*\(`openid-scope-dropped`, error\)/);
    assert.match(section(text, 'Summary'), /\*\*Verdict:\*\* \*\*failed\*\*/);
    assert.match(section(text, 'Findings'), /^### 1\. .*\n\n\*\*Finding id:\*\* `openid-scope-dropped`/m);
    assert.match(section(text, 'Scopes'), /\| openid \| requested \| dropped \|/);
    assert.match(section(text, 'Server and client'), /\| client id \| smartctl-public \|/);
    assert.match(section(text, 'Environment'), new RegExp(`\\| Node.js \\| ${process.version.replace(/\./g, '\\.')} \\|`));
    const plain = await runCli(['launch', '--sandbox', '--headless', '--report', path.join(dir, 'ok.md')]);
    assert.equal(plain.code, 0, plain.stderr);
    assert.match(plain.stderr, new RegExp(`wrote report to ${path.join(dir, 'ok.md').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(mode 0600, secrets redacted\\)`));
    assert.match(readReport(path.join(dir, 'ok.md')).text, /^# smartctl launch report: ok$/m);
  });

  it('token (client_credentials, private_key_jwt) against the sandbox: endpoint, client id, the decoded access token and the assertion, never the assertion itself', async () => {
    const file = path.join(tmp(), 'token.md');
    const key = sb.clients.find((c) => c.client_id === sb.demoClients.backend)?.private_key_file ?? '';
    const r = await runCli(['token', '--grant', 'client_credentials', '--iss', sb.fhirBaseUrl, '--client-id', sb.demoClients.backend, '--key', key, '--scope', 'system/*.rs', '--report', file]);
    assert.equal(r.code, 0, r.stderr);
    const { text, h2 } = readReport(file);
    assert.deepEqual(h2, ['Summary', 'Findings', 'Identifiers for the vendor', 'Environment', 'Server and client', 'Scopes', 'Tokens', 'Steps and exchanges', 'What smartctl showed']);
    assert.match(section(text, 'Server and client'), new RegExp(`\\| token endpoint \\| ${sb.issuer}/token \\|`));
    assert.match(section(text, 'Server and client'), new RegExp(`\\| client id \\| ${sb.demoClients.backend} \\|`));
    assert.match(section(text, 'Tokens'), /\| access\\_token \| exchange \d+ token \(response\) \| /);
    assert.match(section(text, 'Tokens'), /\| client\\_assertion \| exchange \d+ token \(request\) \| jwt \|/);
    assert.match(section(text, 'Scopes'), /\| system\/\\\*\.rs \| requested \| granted-as-asked \|/);
    assert.doesNotMatch(text, /eyJ[A-Za-z0-9_-]{10,}\.eyJ/, 'no JWT in the report');
  });

  it('discover: the endpoints of the server, every discovery exchange in a <details>', async () => {
    const file = path.join(tmp(), 'discover.md');
    const r = await runCli(['discover', sb.fhirBaseUrl, '--report', file]);
    assert.equal(r.code, 0, r.stderr);
    const { text, html } = readReport(file);
    assert.match(section(text, 'Server and client'), new RegExp(`\\| FHIR base \\(iss\\) \\| ${sb.fhirBaseUrl} \\|`));
    assert.match(section(text, 'Server and client'), /\| endpoint token \| http:\/\/127\.0\.0\.1:\d+\/oauth\/token \|/);
    assert.match(html, /<summary>\d+ · discovery\.smart-configuration — GET http:\/\/127\.0\.0\.1:\d+\/fhir\/\.well-known\/smart-configuration → 200 \(\d+ ms\)<\/summary>/);
  });

  it('explain --status/--body with an Oracle Health error_uri: the instance id (and X-Request-Id) in the identifiers', async () => {
    const file = path.join(tmp(), 'explain.md');
    const uri = 'https://authorization.cerner.com/errors/urn%3Acerner%3Aerror%3Aauthorization-server%3Aoauth2%3Atoken%3Ainvalid-authorization-header/instances/3f9e2c1a-77b4-4d0e-9a51-6c2b8d0e4f13?client=unknown&tenant=ec2458f2-1e24-41c8-b71b-0e701af7583d';
    const r = await runCli(['explain', '--status', '401', '--endpoint', 'token', '--body', JSON.stringify({ error: 'invalid_client', error_uri: uri }), '--header', 'X-Request-Id: ecd13b72-4fde-11e9-8674-8b0a57a130fd', '--request-header', 'Authorization: Bearer eyJhbGciOiJSUzM4NCJ9.eyJpc3MiOiJhcHAifQ.c2ln', '--report', file, '--json']);
    assert.equal(r.code, 1, r.stderr);
    const json = parseJsonOutput(r);
    assert.equal(json['reportFile'], file);
    assert.deepEqual(((json['identifiers'] as Array<{ name: string; value: string }>) ?? []).map((i) => i.value), ['ecd13b72-4fde-11e9-8674-8b0a57a130fd', '3f9e2c1a-77b4-4d0e-9a51-6c2b8d0e4f13']);
    const { text } = readReport(file);
    const ids = section(text, 'Identifiers for the vendor');
    assert.match(ids, /\| Oracle Health error instance \| 3f9e2c1a-77b4-4d0e-9a51-6c2b8d0e4f13 \| saved evidence \| 401 \| not recorded \|/);
    assert.match(ids, /URN urn:cerner:error:authorization-server:oauth2:token:invalid-authorization-header, client=unknown, tenant=ec2458f2/);
    assert.match(ids, /\| X-Request-Id \| ecd13b72-4fde-11e9-8674-8b0a57a130fd \|/);
    assert.match(section(text, 'Summary'), /\*\*Identifiers for the vendor:\*\* X-Request-Id ecd13b72/);
    assert.match(section(text, 'Summary'), /`client-assertion-in-authorization-header`/);
  });

  it('explain --har: the report shows the HAR exchanges the diagnosis read, redacted (was: no exchange at all)', async () => {
    const file = path.join(tmp(), 'explain-har.md');
    const har = path.join(REPO_ROOT, 'fixtures', 'har', 'chrome-devtools-no-id-token.har');
    const r = await runCli(['explain', '--har', har, '--report', file, '--json']);
    assert.ok(r.code === 0 || r.code === 1, r.stderr);
    assert.equal(parseJsonOutput(r)['trace'], undefined, 'the JSON document does not repeat the HAR');
    const { text, html } = readReport(file);
    const steps = section(text, 'Steps and exchanges');
    assert.match(steps, /\| token \|/);
    assert.match(html, /<summary>\d+ · token — POST https:\/\/auth\.ehr\.example\.org\/oauth2\/token → 200 \(\d+ ms\)<\/summary>/);
    assert.match(html, /<summary>\d+ · fhir[^<]* — GET https:\/\/fhir\.ehr\.example\.org\/r4\/Patient\/12724066 → 200/);
    for (const secret of ['opaque-access-token-1', 'SplxlOBeZQQYbYS6WxSbIA']) assert.ok(!text.includes(secret), `${secret} in the report`);
  });

  it('decode: the token\'s header and claims, no signature', async () => {
    const file = path.join(tmp(), 'decode.md');
    const jwt = unsignedJwt({ iss: 'https://ehr.example/oauth', sub: 'u1', aud: 'my-app', nonce: 'n-1', exp: 1_900_000_000, iat: 1_899_999_000, fhirUser: 'Practitioner/1' });
    const r = await runCli(['decode', jwt, '--report', file]);
    // An unsigned id_token has lint findings (exit 1); the report is what is tested.
    assert.ok(r.code === 0 || r.code === 1, r.stderr);
    const { text } = readReport(file);
    assert.match(section(text, 'Tokens'), /"fhirUser": "Practitioner\/1"/);
    assert.match(section(text, 'Tokens'), /\| `exp` \| 1900000000 \| 2030-03-17T17:46:40.000Z \(in \d+ days\) \|/);
    assert.ok(!text.includes(jwt.split('.')[2] ?? 'x'), 'no signature');
  });

  it('diff-scopes: the scope table', async () => {
    const file = path.join(tmp(), 'diff.md');
    const r = await runCli(['diff-scopes', 'openid fhirUser patient/*.read', 'fhirUser patient/*.rs', '--report', file]);
    assert.equal(r.code, 1, r.stderr);
    const scopes = section(readReport(file).text, 'Scopes');
    assert.match(scopes, /\| openid \| requested \| dropped \|/);
    assert.match(scopes, /\| patient\/\\\*\.read \| requested \| granted-equivalent \|/);
  });

  it('check --sandbox: the tests table, verdict ok', async () => {
    const file = path.join(tmp(), 'check.md');
    const r = await runCli(['check', '--sandbox', '--only', 'discovery', '--report', file], { timeoutMs: 120_000 });
    assert.equal(r.code, 0, r.stderr);
    const { text } = readReport(file);
    assert.match(text, /^# smartctl check report: ok$/m);
    assert.match(section(text, 'Tests'), /\| `[a-z0-9-]+` \| discovery \| pass \|/);
  });

  it('jwt-assert: the claims of the assertion it built, never the assertion (it is a credential in a ticket)', async () => {
    const dir = tmp();
    const key = sb.clients.find((c) => c.client_id === sb.demoClients.backend)?.private_key_file ?? '';
    const file = path.join(dir, 'assert.md');
    const r = await runCli(['jwt-assert', '--key', key, '--client-id', 'svc', '--aud', 'https://ehr.example/token', '--report', file, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const assertion = String(parseJsonOutput(r)['assertion']);
    assert.match(assertion, /^eyJ/);
    const { text } = readReport(file);
    assert.deepEqual(leakedSlices(text, [assertion]), []);
    assert.match(section(text, 'Tokens'), /"aud": "https:\/\/ehr\.example\/token"/);
  });

  it('an unwritable path is an input error (exit 2) with one clear line and a hint; nothing is written', async () => {
    const file = path.join(tmp(), 'no', 'such', 'r.md');
    const r = await runCli(['diff-scopes', 'a', 'a', '--report', file]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^smartctl: cannot write report file ".*r\.md": no such folder\n  hint: Check the path and that its folder exists\.\n$/m);
    assert.ok(!existsSync(file));
  });

  it('a run that ends in a network error (exit 3) still writes its report: the error and the failed exchange', async () => {
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const file = path.join(tmp(), 'refused.md');
    const r = await runCli(['discover', `http://127.0.0.1:${port}/fhir`, '--report', file]);
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /wrote report of the failed run to /);
    const { text } = readReport(file);
    assert.match(section(text, 'Summary'), /\*\*Error:\*\* .*refused.* \(`[a-z-]+`\)/);
    assert.match(text, /failed: connection-refused/);
  });
});

describe('--report: the identifiers a vendor asks for, from a hostile server', () => {
  const CERNER_URI = 'https://authorization.cerner.com/errors/urn%3Acerner%3Aerror%3Aauthorization-server%3Aoauth2%3Atoken%3Ainvalid-client-credentials/instances/0d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6?client=app&tenant=t-1';
  let server: http.Server;
  let base = '';
  before(async () => {
    server = http.createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      if (url.pathname === '/fhir/.well-known/smart-configuration') {
        res.writeHead(200, { 'content-type': 'application/json', 'x-request-id': 'req-1 <script>alert(1)</script> | `x`', traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' });
        res.end(JSON.stringify({ issuer: `${base}/oauth`, authorization_endpoint: `${base}/oauth/authorize`, token_endpoint: `${base}/oauth/token`, capabilities: ['client-confidential-symmetric'], code_challenge_methods_supported: ['S256'] }));
        return;
      }
      if (url.pathname === '/oauth/token') {
        res.writeHead(400, { 'content-type': 'application/json', 'x-ms-request-id': 'ms-7c1d', 'x-correlation-id': 'corr-</details>' });
        res.end(
          JSON.stringify({
            error: 'invalid_client',
            error_description: 'AADSTS7000215: Invalid client secret provided.\r\nTrace ID: 1b2c3d4e-0000-4000-8000-00000000aaaa\r\nCorrelation ID: 9f8e7d6c-0000-4000-8000-00000000bbbb\r\nTimestamp: 2026-12-02 01:02:03Z',
            error_codes: [7000215],
            error_uri: CERNER_URI,
          }),
        );
        return;
      }
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('X-Request-Id, traceparent, x-ms-request-id, X-Correlation-Id, Entra Trace/Correlation ID and the Oracle instance, each with the time of its exchange', async () => {
    const file = path.join(tmp(), 'ids.md');
    const secret = 'a-client-secret-of-32-characters';
    const r = await runCli(['token', '--grant', 'client_credentials', '--iss', `${base}/fhir`, '--client-id', 'app', '--auth-method', 'client_secret_post', '--report', file], { env: { SMARTCTL_CLIENT_SECRET: secret } });
    assert.equal(r.code, 1, r.stderr);
    const { text, html } = readReport(file);
    const ids = section(text, 'Identifiers for the vendor');
    const row = (name: string, value: string, step: string, status: number): RegExp => new RegExp(`\\| ${name} \\| ${value} \\| \\d+ ${step} \\| ${status} \\| \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z \\|`);
    assert.match(ids, row('X-Request-Id', 'req-1 \\\\<script\\\\>alert\\(1\\)\\\\</script\\\\> \\\\\\| \\\\`x\\\\`', 'discovery\\.smart-configuration', 200));
    assert.match(ids, row('traceparent trace id', '0af7651916cd43dd8448eb211c80319c', 'discovery\\.smart-configuration', 200));
    assert.match(ids, row('x-ms-request-id', 'ms-7c1d', 'token', 400));
    assert.match(ids, row('X-Correlation-Id', 'corr-\\\\</details\\\\>', 'token', 400));
    assert.match(ids, new RegExp(`${row('Entra Trace ID', '1b2c3d4e-0000-4000-8000-00000000aaaa', 'token', 400).source} 2026-12-02 01:02:03Z \\|`));
    assert.match(ids, row('Entra Correlation ID', '9f8e7d6c-0000-4000-8000-00000000bbbb', 'token', 400));
    assert.match(ids, row('Oracle Health error instance', '0d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6', 'token', 400));
    // The exchange time in the table is the token exchange's own start.
    const started = /\*\*Started:\*\* (\S+) · \*\*Duration:\*\* \d+ ms · \*\*Step:\*\* token/.exec(text)?.[1];
    assert.ok(started !== undefined && ids.includes(`| ${started} |`), `token exchange started ${started}`);
    // The summary names the token answer's ids, which the top finding cites.
    assert.match(section(text, 'Summary'), /\*\*Identifiers for the vendor:\*\* .*x-ms-request-id ms-7c1d/);
    assert.doesNotMatch(html, /<script/);
    assert.deepEqual(leakedSlices(text, [secret]), []);
  });
});

function launchOptions(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { sandbox: true, headless: true, callbackTimeout: 10, pkce: true, open: true, ...extra };
}

async function reportTexts(report: Report): Promise<{ redacted: string; shown: string }> {
  const dir = tmp();
  await writeReportFile(path.join(dir, 'r.md'), report, { environment: ENV, showSecrets: false });
  await writeReportFile(path.join(dir, 's.md'), report, { environment: ENV, showSecrets: true });
  return { redacted: readReport(path.join(dir, 'r.md')).text, shown: readFileSync(path.join(dir, 's.md'), 'utf8') };
}

describe('--report: no secret of a run in the report, for every sandbox fault; --show-secrets shows them all', () => {
  for (const fault of FAULTS) {
    it(`fault ${fault.name}`, async () => {
      let extra: Record<string, unknown> = {};
      if (fault.name === 'force-authn-stale-session') {
        // The fault needs a login session: a first run leaves one in the jar.
        const jar = path.join(tmp(), 'jar.json');
        await launchCommand(testContext(), launchOptions({ cookieJar: jar }));
        extra = { cookieJar: jar, forceAuthn: true };
      }
      if (fault.name === 'no-refresh-token') extra = { scope: 'openid fhirUser launch/patient offline_access patient/*.rs' };
      const report = await launchCommand(testContext(), launchOptions({ sandboxFault: [fault.name], refresh: fault.name === 'no-refresh-token' ? undefined : true, ...extra }));
      const secrets = secretsOf(report.trace ?? []);
      // A run that reached the token endpoint sent a code and a verifier at least (faults that stop earlier have fewer secrets).
      if ((report.trace ?? []).some((e) => e.type === 'exchange' && e.step === 'token')) assert.ok(secrets.size >= 2, `${secrets.size} secrets`);
      const { redacted, shown } = await reportTexts(report);
      assert.deepEqual(leakedSlices(redacted, secrets), []);
      assert.equal(leakedSlices(shown, secrets).length, secrets.size, 'every secret shows with --show-secrets');
      const top = report.findings[0]?.id;
      if (top !== undefined) assert.match(section(redacted, 'Summary'), new RegExp(`\\(\`${top}\`, `), 'the summary names the top finding');
    });
  }

  it('client secrets (basic and post), a private_key_jwt assertion and cookies stay out; --show-secrets shows them', async () => {
    const confidential = sb.clients.find((c) => c.client_id === sb.demoClients.confidential);
    const secret = confidential?.client_secret ?? '';
    assert.ok(secret.length >= 16);
    const reports: Report[] = [];
    for (const method of ['client_secret_basic', 'client_secret_post']) reports.push(await launchCommand(testContext(), { ...launchOptions({ sandbox: undefined, iss: sb.fhirBaseUrl, refresh: true }), clientId: sb.demoClients.confidential, clientSecret: secret, authMethod: method }));
    const key = sb.clients.find((c) => c.client_id === sb.demoClients.backend)?.private_key_file ?? '';
    reports.push(await tokenCommand(testContext(), { grant: 'client_credentials', iss: sb.fhirBaseUrl, clientId: sb.demoClients.backend, key, scope: 'system/*.rs' }));
    const jar = path.join(tmp(), 'jar.json');
    await launchCommand(testContext(), launchOptions({ cookieJar: jar }));
    reports.push(await launchCommand(testContext(), launchOptions({ cookieJar: jar })));
    const all = new Set<string>();
    for (const report of reports) {
      const secrets = secretsOf(report.trace ?? []);
      for (const s of secrets) all.add(s);
      const { redacted, shown } = await reportTexts(report);
      assert.deepEqual(leakedSlices(redacted, secrets), [], report.command);
      assert.equal(leakedSlices(shown, secrets).length, secrets.size, report.command);
    }
    assert.ok(all.has(secret), 'client_secret_post sends the secret in the form');
    assert.ok([...all].some((s) => s.startsWith('eyJ') && secretsOf(reports[2]?.trace ?? []).has(s)), 'the client assertion is a secret of the run');
    const cookieSent = (reports[3]?.trace ?? []).some((e) => e.type === 'exchange' && Object.keys(e.request.headers).some((h) => h.toLowerCase() === 'cookie'));
    assert.ok(cookieSent, 'the second run sent the session cookie');
  });
});

describe('README: the --report section stays true', () => {
  const readme = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
  const part = readme.slice(readme.indexOf('<!-- section:report -->'), readme.indexOf('<!-- /section:report -->'));

  it('its sandbox example runs and writes the report, whose sections are the ones the README lists, in that order', async () => {
    assert.ok(part.length > 1000);
    const examples = [...part.matchAll(/^smartctl (.*--sandbox.*)$/gm)].map((m) => m[1] ?? '');
    assert.equal(examples.length, 1);
    const dir = tmp();
    const args = (examples[0] ?? '').split(' ');
    const r = await runCli(args, { cwd: dir });
    assert.equal(r.code, 1, r.stderr);
    const file = path.join(dir, args[args.indexOf('--report') + 1] ?? '');
    const { h2 } = readReport(file);
    const listed = [...part.matchAll(/^- \*\*([^*]+)\*\*/gm)].map((m) => m[1] ?? '');
    assert.deepEqual(listed, ['Summary', 'Findings', 'Identifiers for the vendor', 'Environment', 'Server and client', 'Scopes', 'Tokens', 'Tests']);
    const shown = h2.filter((h) => listed.includes(h) || h === 'Steps and exchanges');
    assert.deepEqual(shown, [...listed.filter((h) => h !== 'Tests'), 'Steps and exchanges']);
  });

  it('the headers it names are the ones read (ID_HEADERS)', async () => {
    const { ID_HEADERS } = await import('../../src/report/correlation.js');
    for (const h of ID_HEADERS) assert.ok(part.includes(`\`${h.name}\``), `${h.name} in the README`);
  });
});
