// The --json contract (README "JSON output"): every command prints ONE JSON document on
// stdout in every outcome, valid against schema/report.schema.json (checked with ajv):
// its report, its usage errors (exit 2, commander's own included) and its network errors (exit 3).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { startSandbox } from '../../src/sandbox/index.js';
import type { SandboxHandle } from '../../src/sandbox/types.js';
import { VERSION } from '../../src/version.js';
import { BIN, CLI_CACHE_HOME, REPO_ROOT, runCli, type CliResult } from '../helpers/run-cli.js';
import { unsignedJwt } from '../helpers/jwt.js';

type Doc = Record<string, unknown>;
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
const schema = JSON.parse(readFileSync(path.join(REPO_ROOT, 'schema/report.schema.json'), 'utf8')) as Doc;
const validate: ValidateFunction = addFormats(new Ajv2020({ allErrors: true, strict: true, strictRequired: false })).compile(schema);
const keyFixture = (name: string): string => path.join(REPO_ROOT, 'fixtures/keys', name);
const dir = mkdtempSync(path.join(os.tmpdir(), 'smartctl-json-contract-'));
const SECRET = 'json-contract-secret-0123456789';

/** stdout is exactly one JSON document, valid against the schema, of this command. */
function contract(r: CliResult, command: string): Doc {
  let doc: Doc;
  try {
    doc = JSON.parse(r.stdout) as Doc;
  } catch {
    throw new Error(`stdout is not one JSON document (exit ${r.code}):\n${r.stdout}\nstderr:\n${r.stderr}`);
  }
  assert.ok(validate(doc), `${command}: ${JSON.stringify(validate.errors, null, 2)}\n${r.stdout.slice(0, 2000)}`);
  assert.equal(doc['command'], command);
  assert.equal(doc['schemaVersion'], 1);
  assert.equal(doc['smartctl'], VERSION);
  return doc;
}

/** An error document: exit code, ok false, the error's code, and stderr's one-line `smartctl: …` kept. */
function errorDocument(r: CliResult, command: string, exitCode: number, kinds: string[], oneLine = true): Doc {
  assert.equal(r.code, exitCode, `${command}: stdout ${r.stdout}\nstderr ${r.stderr}`);
  const doc = contract(r, command);
  const error = doc['error'] as { kind: string; code: string; message: string } | undefined;
  assert.ok(error !== undefined, `${command}: no error member in ${r.stdout}`);
  assert.ok(kinds.includes(error.kind), `${command}: kind ${error.kind}`);
  assert.equal(doc['ok'], false);
  if (oneLine) assert.match(r.stderr, new RegExp(`^smartctl: ${error.message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').slice(0, 40)}`, 'm'));
  return doc;
}

async function closedOrigin(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

describe('the schema can fail', () => {
  it('rejects a document without schemaVersion, an error document that says ok, and a finding with a non-kebab id', () => {
    const good = { schemaVersion: 1, smartctl: '0.1.0', command: 'decode', ok: true, findings: [] };
    assert.equal(validate(good), true);
    assert.equal(validate({ ...good, schemaVersion: undefined }), false);
    assert.equal(validate({ ...good, error: { kind: 'usage', code: 'unknown-option', message: 'x', hint: null } }), false);
    assert.equal(validate({ ...good, findings: [{ id: 'Not Kebab', severity: 'error', title: 't', detail: 'd' }] }), false);
    assert.equal(validate({ ...good, steps: ['token'] }), false, 'bare step names are gone');
  });
});

describe('every command: its --json report validates', () => {
  let sandbox: SandboxHandle;
  before(async () => {
    sandbox = await startSandbox({
      clients: [{ client_id: 'ci-service', client_secret: SECRET, token_endpoint_auth_method: 'client_secret_post', redirect_uris: [], grant_types: ['client_credentials'], scope: 'system/Patient.rs' }],
    });
  });
  after(async () => {
    await sandbox.close();
  });

  it('decode', async () => {
    const r = await runCli(['decode', '--json', unsignedJwt({ iss: 'https://ehr', sub: 'u', exp: 1000 })]);
    contract(r, 'decode');
  });
  it('diff-scopes', async () => {
    contract(await runCli(['diff-scopes', 'openid fhirUser patient/*.read', 'patient/*.read', '--json']), 'diff-scopes');
  });
  it('discover', async () => {
    const r = await runCli(['discover', sandbox.fhirBaseUrl, '--json', '--verbose']);
    assert.equal(r.code, 0, r.stderr);
    contract(r, 'discover');
  });
  it('explain', async () => {
    contract(await runCli(['explain', '--status', '401', '--body', '{"error":"invalid_client"}', '--json']), 'explain');
  });
  it('explain --report: reportFile and the identifiers validate; a non-string reportFile does not', async () => {
    const file = path.join(dir, 'explain.md');
    const doc = contract(await runCli(['explain', '--status', '401', '--body', '{"error":"invalid_client"}', '--header', 'X-Request-Id: r-1', '--report', file, '--json']), 'explain');
    assert.equal(doc['reportFile'], file);
    assert.equal(validate({ ...doc, reportFile: 1 }), false);
  });
  it('launch --sandbox: steps are objects', async () => {
    const r = await runCli(['launch', '--sandbox', '--headless', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const doc = contract(r, 'launch');
    assert.ok((doc['steps'] as unknown[]).length >= 5);
  });
  it('launch --sandbox with a fault that stops it at token: token failed, fhir.probe skipped', async () => {
    const r = await runCli(['launch', '--sandbox', '--headless', '--sandbox-fault', 'token-html', '--json']);
    assert.equal(r.code, 1, r.stderr);
    const doc = contract(r, 'launch');
    assert.equal(doc['stoppedAt'], 'token');
    const steps = doc['steps'] as Array<{ name: string; status: string }>;
    assert.deepEqual(steps.slice(-2).map((s) => `${s.name}:${s.status}`), ['token:failed', 'fhir.probe:skipped']);
  });
  it('token against the sandbox', async () => {
    const r = await runCli(['token', '--grant', 'client_credentials', '--iss', sandbox.fhirBaseUrl, '--client-id', 'ci-service', '--auth-method', 'client_secret_post', '--scope', 'system/Patient.rs', '--json'], { env: { SMARTCTL_CLIENT_SECRET: SECRET } });
    assert.equal(r.code, 0, r.stderr);
    contract(r, 'token');
  });
  it('jwt-assert', async () => {
    contract(await runCli(['jwt-assert', '--key', keyFixture('ec384.sec1.pem'), '--kid', 'ec384', '--client-id', 'app', '--aud', 'https://ehr/token', '--json']), 'jwt-assert');
  });
  it('keygen', async () => {
    contract(await runCli(['keygen', '--alg', 'ES384', '--out', path.join(dir, 'app'), '--json']), 'keygen');
  });
  it('check --sandbox', async () => {
    const r = await runCli(['check', '--sandbox', '--only', 'discovery', '--json']);
    assert.equal(r.code, 0, r.stderr);
    contract(r, 'check');
  });
  it('sandbox: its start-up line', async () => {
    const child = spawn(process.execPath, [BIN, 'sandbox', '--port', '0', '--json'], { cwd: REPO_ROOT, env: { ...process.env, NO_COLOR: '1', CI: '1', XDG_CACHE_HOME: CLI_CACHE_HOME } });
    const exit = new Promise<number>((done) => child.on('close', (code) => done(code ?? -1)));
    const line = await new Promise<string>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`no start-up line: ${out}`)), 30_000);
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('\n')) {
          clearTimeout(timer);
          resolve(out.split('\n')[0] ?? '');
        }
      });
    });
    child.kill('SIGINT');
    assert.equal(await exit, 0);
    contract({ code: 0, stdout: line, stderr: '' }, 'sandbox');
  });
});

describe('every command: usage errors (exit 2) are one JSON document', () => {
  const cases: Array<[command: string, args: string[]]> = [
    ['decode', ['decode', '--json', '@/nonexistent/token.txt']],
    ['diff-scopes', ['diff-scopes', '@/nonexistent/scopes.txt', 'openid', '--json']],
    ['discover', ['discover', 'not a url', '--json']],
    ['explain', ['explain', '--json']],
    ['launch', ['launch', '--json', '--sandbox', '--iss', 'https://ehr.example/fhir']],
    ['token', ['token', '--json', '--grant', 'client_credentials']],
    ['jwt-assert', ['jwt-assert', '--client-id', 'app', '--aud', 'https://ehr/token', '--json']],
    ['keygen', ['keygen', '--alg', 'HS256', '--json']],
    ['sandbox', ['sandbox', '--fault', 'bogus', '--json']],
    ['check', ['check', '--json']],
  ];
  for (const [command, args] of cases) {
    it(`${command}: a typed usage or input error`, async () => {
      errorDocument(await runCli(args, { env: { SMARTCTL_CLIENT_SECRET: undefined } }), command, 2, ['usage', 'input']);
    });
    it(`${command}: commander's unknown option`, async () => {
      const doc = errorDocument(await runCli([command, '--json', '--no-such-option']), command, 2, ['usage']);
      // token checks its mandatory --grant first.
      assert.equal((doc['error'] as { code: string }).code, command === 'token' ? 'missing-mandatory-option-value' : 'unknown-option');
    });
  }
  it('an unknown command and no command at all', async () => {
    const unknown = errorDocument(await runCli(['--json', 'lanch']), 'smartctl', 2, ['usage']);
    assert.equal((unknown['error'] as { code: string }).code, 'unknown-command');
    // A bare smartctl shows its help on stderr, not a one-line error.
    const bare = await runCli(['--json']);
    const none = errorDocument(bare, 'smartctl', 2, ['usage'], false);
    assert.match(bare.stderr, /^Usage: smartctl/);
    assert.equal((none['error'] as { code: string }).code, 'missing-command');
  });
  it('--output (one value for scripts) with --json: options-conflict, as one valid document', async () => {
    for (const [command, args] of [
      ['launch', ['launch', '--sandbox', '--headless', '--output', 'access_token', '--json']],
      ['token', ['token', '--grant', 'client_credentials', '--token-url', 'https://ehr.example/token', '--client-id', 'x', '--output', 'id_token', '--json']],
      ['keygen', ['keygen', '--out', '/nonexistent/k', '--output', 'jwks', '--json']],
    ] as const) {
      const doc = errorDocument(await runCli([...args]), command, 2, ['usage']);
      assert.equal((doc['error'] as { code: string }).code, 'options-conflict');
    }
  });
  it('without --json stdout stays empty', async () => {
    const r = await runCli(['decode', '--no-such-option']);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
  });
});

describe('every networked command: network errors (exit 3) are one JSON document', () => {
  let origin: string;
  before(async () => {
    origin = await closedOrigin();
  });
  const cases: Array<[command: string, args: () => string[]]> = [
    ['decode', () => ['decode', '--verify', '--jwks', `${origin}/jwks`, '--json', unsignedJwt({ iss: 'https://ehr', sub: 'u' })]],
    ['discover', () => ['discover', `${origin}/fhir`, '--json']],
    ['launch', () => ['launch', '--iss', `${origin}/fhir`, '--client-id', 'app', '--headless', '--json']],
    ['token', () => ['token', '--grant', 'client_credentials', '--token-url', `${origin}/token`, '--client-id', 'x', '--client-secret', 's', '--json']],
    ['jwt-assert', () => ['jwt-assert', '--key', keyFixture('ec384.sec1.pem'), '--client-id', 'app', '--iss', `${origin}/fhir`, '--json']],
    ['check', () => ['check', `${origin}/fhir`, '--json']],
  ];
  for (const [command, args] of cases) {
    it(command, async () => {
      const r = await runCli(args());
      assert.equal(r.code, 3, `${command}: ${r.stdout}\n${r.stderr}`);
      const doc = contract(r, command);
      assert.equal(doc['ok'], false);
      // check reports an unreachable server as its own report (server-unreachable); the others as an error document.
      if (command === 'check') assert.equal((doc['findings'] as Array<{ id: string }>)[0]?.id, 'server-unreachable');
      else assert.equal((doc['error'] as { kind?: string } | undefined)?.kind, 'network', r.stdout);
    });
  }
});
