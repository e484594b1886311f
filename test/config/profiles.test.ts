// Profiles and config: the file format and its errors (file, field or line, why), secrets
// only by reference, the lookup order, and precedence flag > environment > profile.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { loadConfig, parseConfig, pickProfile, resolveSecret } from '../../src/config/profiles.js';
import { checkCommand } from '../../src/commands/check.js';
import { isSmartctlError } from '../../src/errors.js';
import { startSandbox } from '../../src/sandbox/index.js';
import type { SandboxHandle } from '../../src/sandbox/types.js';
import type { TestResult } from '../../src/check/types.js';
import { testContext } from '../helpers/command-context.js';
import { runCli } from '../helpers/run-cli.js';

function rejectsWith(fn: () => unknown, code: string, message: RegExp): void {
  assert.throws(fn, (e: unknown) => isSmartctlError(e) && e.code === code && message.test(e.message));
}

describe('config file format', () => {
  it('reads profiles, resolves paths against the file, keeps secret references', () => {
    const c = parseConfig(JSON.stringify({ defaultProfile: 'a', profiles: { a: { fhirBase: 'https://ehr.example/fhir', clientId: 'app', key: 'keys/app.pem', clientSecret: { env: 'APP_SECRET' }, oidcClaims: ['patient_id'] } } }), '/etc/smartctl/config.json');
    assert.equal(c.defaultProfile, 'a');
    assert.equal(c.profiles['a']?.key, '/etc/smartctl/keys/app.pem');
    assert.deepEqual(c.profiles['a']?.clientSecret, { env: 'APP_SECRET' });
    assert.deepEqual(c.profiles['a']?.oidcClaims, ['patient_id']);
  });

  it('refuses a literal secret, naming the file and field and saying why', () => {
    rejectsWith(() => parseConfig('{"profiles":{"epic":{"clientSecret":"hunter2"}}}', 'smartctl.config.json'), 'config-invalid', /^smartctl\.config\.json: profiles\.epic\.clientSecret: a literal secret is not allowed/);
    rejectsWith(() => parseConfig('{"profiles":{"epic":{"oidcClientSecret":{"value":"x"}}}}', 'c.json'), 'config-invalid', /profiles\.epic\.oidcClientSecret: expected \{"env"/);
  });

  it('names the line and column of a JSON syntax error', () => {
    rejectsWith(() => parseConfig('{\n  "profiles": {\n    "a": { "clientId": "x", }\n  }\n}', 'c.json'), 'config-invalid', /^c\.json: not JSON \(line 3, column \d+\)/);
  });

  it('names an unknown field, a wrong type, a bad URL and a bad defaultProfile', () => {
    rejectsWith(() => parseConfig('{"profiles":{"a":{"clientID":"x"}}}', 'c.json'), 'config-invalid', /profiles\.a\.clientID: unknown field/);
    rejectsWith(() => parseConfig('{"profiles":{"a":{"clientId":3}}}', 'c.json'), 'config-invalid', /profiles\.a\.clientId: must be a non-empty string, got 3/);
    rejectsWith(() => parseConfig('{"profiles":{"a":{"fhirBase":"ehr.example"}}}', 'c.json'), 'config-invalid', /profiles\.a\.fhirBase: "ehr\.example" is not an absolute URL/);
    rejectsWith(() => parseConfig('{"defaultProfile":"b","profiles":{"a":{}}}', 'c.json'), 'config-invalid', /defaultProfile: must name one of the profiles \(a\)/);
    rejectsWith(() => parseConfig('[]', 'c.json'), 'config-invalid', /top level/);
  });

  it('any text is read or refused with config-invalid, never a crash (property)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json(), fc.record({ profiles: fc.dictionary(fc.string(), fc.dictionary(fc.constantFrom('clientId', 'fhirBase', 'clientSecret', 'oidcClaims', 'key', 'x'), fc.jsonValue())) }).map((v) => JSON.stringify(v))), (text) => {
        try {
          parseConfig(text, 'c.json');
        } catch (e) {
          assert.ok(isSmartctlError(e) && e.code === 'config-invalid', String(e));
        }
      }),
    );
  });

  it('profile choice: --profile, else SMARTCTL_PROFILE, else defaultProfile; unknown names are usage errors', () => {
    const c = parseConfig('{"defaultProfile":"a","profiles":{"a":{"clientId":"A"},"b":{"clientId":"B"}}}', 'c.json');
    assert.equal(pickProfile(c, 'b', { SMARTCTL_PROFILE: 'a' })?.name, 'b');
    assert.equal(pickProfile(c, undefined, { SMARTCTL_PROFILE: 'b' })?.name, 'b');
    assert.equal(pickProfile(c, undefined, {})?.name, 'a');
    assert.throws(() => pickProfile(c, 'zz', {}), (e: unknown) => isSmartctlError(e) && e.code === 'profile-unknown' && /profiles: a, b/.test(e.message));
    assert.throws(() => pickProfile(undefined, 'a', {}), (e: unknown) => isSmartctlError(e) && e.code === 'config-missing');
  });

  it('resolves secret references from the environment or a file, and names what is missing', async () => {
    assert.equal(await resolveSecret({ env: 'S' }, 'p', { S: 'value' }), 'value');
    await assert.rejects(resolveSecret({ env: 'NOPE' }, 'profile "a"', {}), (e: unknown) => isSmartctlError(e) && /NOPE is not set/.test(e.message));
    await assert.rejects(resolveSecret({ file: '/nonexistent/secret' }, 'p', {}), (e: unknown) => isSmartctlError(e) && /does not exist/.test(e.message));
  });
});

describe('config in use: check with profiles against the sandbox', () => {
  let sb: SandboxHandle;
  let dir: string;
  before(async () => {
    sb = await startSandbox();
    dir = await mkdtemp(path.join(tmpdir(), 'smartctl-config-'));
    const backend = sb.clients.find((c) => c.client_id === sb.demoClients.backend);
    await writeFile(
      path.join(dir, 'smartctl.config.json'),
      JSON.stringify({
        defaultProfile: 'wrong-client',
        profiles: {
          sandbox: { fhirBase: sb.fhirBaseUrl, clientId: sb.demoClients.public, backendClientId: sb.demoClients.backend, backendKey: path.relative(dir, backend?.private_key_file ?? '') },
          'wrong-client': { fhirBase: sb.fhirBaseUrl, clientId: 'not-registered' },
          confidential: { fhirBase: sb.fhirBaseUrl, clientId: sb.demoClients.confidential, clientSecret: { env: 'CONF_SECRET' } },
        },
      }),
    );
  });
  after(async () => {
    await sb.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function run(env: Record<string, string>, flags: Record<string, unknown>, base?: string): Promise<Map<string, TestResult>> {
    const narrated: string[] = [];
    const ctx = { ...testContext(env), cwd: dir, globals: { ...testContext().globals, verbose: true }, narrate: { step: () => undefined, info: (m: string) => narrated.push(m), warn: () => undefined, action: () => undefined } };
    const report = await checkCommand(ctx, base, { only: 'standalone-launch,backend-services', skip: 'standalone-launch-no-store,standalone-launch-scopes,standalone-launch-context,standalone-launch-id-token,standalone-launch-fhir-read,standalone-launch-token-response', ...flags });
    const tests = report.data['tests'] as TestResult[];
    const map = new Map(tests.map((t) => [t.id, t]));
    map.set('__narrated', { reason: narrated.join('\n') } as TestResult);
    return map;
  }

  it('--profile gives the FHIR base, clients and a key path relative to the file; --verbose names the sources', async () => {
    const r = await run({}, { profile: 'sandbox' });
    assert.equal(r.get('standalone-launch-authorize')?.result, 'pass');
    assert.equal(r.get('backend-services-token')?.result, 'pass');
    assert.match(r.get('__narrated')?.reason ?? '', /--client-id: from profile "sandbox" \(.*smartctl\.config\.json\)/);
  });

  it('precedence: SMARTCTL_CLIENT_ID beats the profile, a flag beats both', async () => {
    const fromDefault = await run({}, {});
    assert.equal(fromDefault.get('standalone-launch-authorize')?.result, 'fail', 'defaultProfile: an unregistered client');
    const fromEnv = await run({ SMARTCTL_CLIENT_ID: sb.demoClients.public }, {});
    assert.equal(fromEnv.get('standalone-launch-authorize')?.result, 'pass');
    assert.match(fromEnv.get('__narrated')?.reason ?? '', /--client-id: from SMARTCTL_CLIENT_ID/);
    const fromFlag = await run({ SMARTCTL_CLIENT_ID: 'also-wrong' }, { clientId: sb.demoClients.public });
    assert.equal(fromFlag.get('standalone-launch-authorize')?.result, 'pass');
    const profileEnv = await run({ SMARTCTL_PROFILE: 'sandbox' }, {});
    assert.equal(profileEnv.get('backend-services-token')?.result, 'pass');
  });

  it('a secret by reference: {"env": ...} is read, and its absence is a usage error naming the variable', async () => {
    const secret = sb.clients.find((c) => c.client_id === sb.demoClients.confidential)?.client_secret ?? '';
    const r = await run({ CONF_SECRET: secret }, { profile: 'confidential' });
    assert.equal(r.get('standalone-launch-authorize')?.result, 'pass');
    await assert.rejects(run({}, { profile: 'confidential' }), (e: unknown) => isSmartctlError(e) && e.kind === 'usage' && /CONF_SECRET is not set/.test(e.message));
  });

  it('finds $XDG_CONFIG_HOME/smartctl/config.json when the directory has none', async () => {
    const xdg = path.join(dir, 'xdg');
    await mkdir(path.join(xdg, 'smartctl'), { recursive: true });
    await writeFile(path.join(xdg, 'smartctl', 'config.json'), '{"profiles":{"x":{"clientId":"from-xdg"}}}');
    const c = await loadConfig({ cwd: xdg, env: { XDG_CONFIG_HOME: xdg } });
    assert.equal(c?.profiles['x']?.clientId, 'from-xdg');
    assert.equal(await loadConfig({ cwd: xdg, env: {} }), undefined);
  });

  it('a malformed config file is exit 2 with the file and field (subprocess)', async () => {
    const bad = path.join(dir, 'bad.json');
    await writeFile(bad, '{"profiles":{"ci":{"clientSecret":"literal"}}}');
    const r = await runCli(['check', '--config', bad, '--profile', 'ci', 'http://127.0.0.1:9/fhir']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /bad\.json: profiles\.ci\.clientSecret: a literal secret is not allowed/);
    assert.match(r.stderr, /hint: Refer to it instead/);
  });
});
