// --profile / --config / SMARTCTL_* on launch, token, discover and jwt-assert, in process
// against the sandbox started through its API: the values a profile gives, flag > env >
// profile, --verbose naming each value's source, and a literal secret refused (exit 2).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, copyFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { discoverCommand } from '../../src/commands/discover.js';
import { jwtAssertCommand } from '../../src/commands/jwt-assert.js';
import { launchCommand } from '../../src/commands/launch.js';
import { tokenCommand } from '../../src/commands/token.js';
import { isSmartctlError } from '../../src/errors.js';
import { decodeJwt } from '../../src/protocol/jwt/decode.js';
import { startSandbox } from '../../src/sandbox/index.js';
import type { SandboxHandle } from '../../src/sandbox/types.js';
import { testContext } from '../helpers/command-context.js';

function configDir(profiles: Record<string, unknown>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'smartctl-profiles-'));
  writeFileSync(path.join(dir, 'smartctl.config.json'), JSON.stringify({ profiles }));
  return dir;
}

function verboseContext(env: Record<string, string | undefined>, cwd: string): ReturnType<typeof testContext> {
  const ctx = testContext(env);
  return { ...ctx, cwd, globals: { ...ctx.globals, verbose: true } };
}

async function withSandbox(run: (sandbox: SandboxHandle) => Promise<void>): Promise<void> {
  const sandbox = await startSandbox({ autoApprove: true });
  try {
    await run(sandbox);
  } finally {
    await sandbox.close();
  }
}

function backendKeyFile(sandbox: SandboxHandle): string {
  const file = sandbox.clients.find((c) => c.client_id === sandbox.demoClients.backend)?.private_key_file;
  assert.ok(file);
  return file;
}

const literalSecretRefused = (e: unknown): boolean => isSmartctlError(e) && e.kind === 'input' && e.code === 'config-invalid' && /profiles\.ci\.clientSecret/.test(e.message) && /literal secret is not allowed/.test(e.message);

test('token: a profile gives iss, client id, key (relative to the config file) and scope; --verbose names each source', async () => {
  await withSandbox(async (sandbox) => {
    const dir = configDir({});
    copyFileSync(backendKeyFile(sandbox), path.join(dir, 'svc.pem'));
    writeFileSync(path.join(dir, 'smartctl.config.json'), JSON.stringify({ profiles: { svc: { fhirBase: sandbox.fhirBaseUrl, clientId: sandbox.demoClients.backend, key: 'svc.pem', scope: 'system/Patient.rs' } } }));
    const ctx = verboseContext({}, dir);
    const report = await tokenCommand(ctx, { grant: 'client_credentials', profile: 'svc' });
    assert.equal(report.ok, true, JSON.stringify(report.findings, null, 2));
    assert.equal(report.data['clientId'], sandbox.demoClients.backend);
    assert.equal(report.data['authMethod'], 'private_key_jwt');
    assert.equal((report.data['tokenResponse'] as Record<string, unknown>)['scope'], 'system/Patient.rs');
    const from = `profile "svc" (${path.join(dir, 'smartctl.config.json')})`;
    for (const flag of ['--iss', '--client-id', '--key', '--scope']) assert.ok(ctx.narrated.includes(`${flag}: from ${from}`), `${flag}: ${ctx.narrated.join(' | ')}`);
  });
});

test('token: precedence flag > SMARTCTL_CLIENT_ID > profile, and SMARTCTL_PROFILE picks the profile', async () => {
  await withSandbox(async (sandbox) => {
    const dir = configDir({ svc: { fhirBase: sandbox.fhirBaseUrl, clientId: 'from-profile', key: backendKeyFile(sandbox), scope: 'system/Patient.rs' } });
    const byEnv = verboseContext({ SMARTCTL_PROFILE: 'svc', SMARTCTL_CLIENT_ID: sandbox.demoClients.backend }, dir);
    const envWins = await tokenCommand(byEnv, { grant: 'client_credentials' });
    assert.equal(envWins.data['clientId'], sandbox.demoClients.backend);
    assert.equal(envWins.ok, true, JSON.stringify(envWins.findings, null, 2));
    assert.ok(byEnv.narrated.includes('--client-id: from SMARTCTL_CLIENT_ID'), byEnv.narrated.join(' | '));
    const byFlag = verboseContext({ SMARTCTL_PROFILE: 'svc', SMARTCTL_CLIENT_ID: 'from-env' }, dir);
    const flagWins = await tokenCommand(byFlag, { grant: 'client_credentials', clientId: sandbox.demoClients.backend });
    assert.equal(flagWins.data['clientId'], sandbox.demoClients.backend);
    assert.ok(byFlag.narrated.includes('--client-id: from --client-id'), byFlag.narrated.join(' | '));
    const profileOnly = await tokenCommand(verboseContext({ SMARTCTL_PROFILE: 'svc' }, dir), { grant: 'client_credentials' });
    assert.equal(profileOnly.data['clientId'], 'from-profile');
    assert.equal(profileOnly.ok, false, 'an unregistered client id from the profile is refused by the server');
  });
});

test('token: a profile secret by {"env"} is used; a literal secret is refused with exit-2 input error naming the field', async () => {
  await withSandbox(async (sandbox) => {
    const confidential = sandbox.clients.find((c) => c.client_id === sandbox.demoClients.confidential);
    assert.ok(confidential?.client_secret);
    const dir = configDir({ ci: { fhirBase: sandbox.fhirBaseUrl, clientId: confidential.client_id, clientSecret: { env: 'DEMO_SECRET' }, authMethod: 'client_secret_basic' } });
    const ctx = verboseContext({ DEMO_SECRET: confidential.client_secret }, dir);
    const report = await tokenCommand(ctx, { grant: 'refresh_token', profile: 'ci', refreshToken: 'not-a-real-one' });
    assert.equal(report.data['authMethod'], 'client_secret_basic');
    // The server got the secret and judged the (fake) refresh token, not the client.
    assert.equal(report.data['status'], 400);
    assert.ok(ctx.narrated.some((m) => m.startsWith('client secret: from profile "ci"') && m.endsWith('$DEMO_SECRET')), ctx.narrated.join(' | '));
    assert.ok(!ctx.narrated.some((m) => m.includes(confidential.client_secret ?? '')), 'the secret itself is never narrated');

    const literal = configDir({ ci: { fhirBase: sandbox.fhirBaseUrl, clientId: confidential.client_id, clientSecret: confidential.client_secret } });
    await assert.rejects(tokenCommand(verboseContext({}, literal), { grant: 'client_credentials', profile: 'ci' }), literalSecretRefused);
  });
});

test('discover: the FHIR base from the argument, else SMARTCTL_ISS, else the profile', async () => {
  await withSandbox(async (sandbox) => {
    const other = `${new URL(sandbox.fhirBaseUrl).origin}/not-fhir`;
    const dir = configDir({ p: { fhirBase: other } });
    const fromProfile = verboseContext({ SMARTCTL_PROFILE: 'p' }, dir);
    await discoverCommand(fromProfile, undefined, {}).catch(() => undefined);
    assert.ok(fromProfile.narrated.includes(`discovering ${other}`), fromProfile.narrated.join(' | '));
    const fromEnv = verboseContext({ SMARTCTL_PROFILE: 'p', SMARTCTL_ISS: sandbox.fhirBaseUrl }, dir);
    const report = await discoverCommand(fromEnv, undefined, {});
    assert.equal(report.data['fhirBaseUrl'], sandbox.fhirBaseUrl);
    assert.ok(fromEnv.narrated.includes('<fhir-base-url>: from SMARTCTL_ISS'), fromEnv.narrated.join(' | '));
    const fromArg = verboseContext({ SMARTCTL_ISS: other }, dir);
    assert.equal((await discoverCommand(fromArg, sandbox.fhirBaseUrl, { profile: 'p' })).data['fhirBaseUrl'], sandbox.fhirBaseUrl);
    assert.ok(fromArg.narrated.includes('<fhir-base-url>: from <fhir-base-url>'), fromArg.narrated.join(' | '));
    await assert.rejects(discoverCommand(verboseContext({}, mkdtempSync(path.join(os.tmpdir(), 'smartctl-empty-'))), undefined, {}), (e: unknown) => isSmartctlError(e) && e.kind === 'usage' && e.code === 'option-missing');
  });
});

test('jwt-assert: key, client id and iss (discovered aud) from a profile; flag > env > profile for the client id', async () => {
  await withSandbox(async (sandbox) => {
    const dir = configDir({ svc: { fhirBase: sandbox.fhirBaseUrl, clientId: 'from-profile', key: backendKeyFile(sandbox) } });
    const claims = async (env: Record<string, string>, flags: Record<string, unknown>): Promise<Record<string, unknown>> => {
      const report = await jwtAssertCommand(verboseContext(env, dir), { lifetime: 300, profile: 'svc', ...flags });
      const d = decodeJwt(String(report.data['assertion']));
      assert.equal(d.kind, 'jwt');
      return d.kind === 'jwt' ? d.payload : {};
    };
    const p = await claims({}, {});
    assert.equal(p['iss'], 'from-profile');
    assert.match(String(p['aud']), /token/);
    assert.equal((await claims({ SMARTCTL_CLIENT_ID: 'from-env' }, {}))['iss'], 'from-env');
    assert.equal((await claims({ SMARTCTL_CLIENT_ID: 'from-env' }, { clientId: 'from-flag' }))['iss'], 'from-flag');
    // --aud rules out the profile's iss (else "give exactly one of --aud or --iss").
    assert.equal((await claims({}, { aud: 'https://ehr.example/token' }))['aud'], 'https://ehr.example/token');
  });
});

test('launch: iss, client id and scope from a profile against the sandbox; SMARTCTL_ISS beats the profile; a literal secret is refused', async () => {
  await withSandbox(async (sandbox) => {
    const scope = 'openid fhirUser launch/patient patient/Patient.rs';
    const dir = configDir({ app: { fhirBase: 'http://127.0.0.1:9/unused', clientId: sandbox.demoClients.public, scope } });
    const ctx = verboseContext({ SMARTCTL_ISS: sandbox.fhirBaseUrl }, dir);
    const report = await launchCommand(ctx, { callbackTimeout: 20, open: true, pkce: true, headless: true, profile: 'app' });
    assert.equal(report.ok, true, JSON.stringify(report.findings, null, 2));
    assert.equal(report.data['fhirBaseUrl'], sandbox.fhirBaseUrl);
    assert.equal(report.data['clientId'], sandbox.demoClients.public);
    assert.equal((report.data['scopes'] as { requested: string }).requested, scope);
    assert.ok(ctx.narrated.includes('--iss: from SMARTCTL_ISS'), ctx.narrated.join(' | '));
    assert.ok(ctx.narrated.some((m) => m.startsWith('--scope: from profile "app"')), ctx.narrated.join(' | '));
    const literal = configDir({ ci: { clientId: sandbox.demoClients.confidential, clientSecret: 'oops-a-literal' } });
    await assert.rejects(launchCommand(verboseContext({}, literal), { callbackTimeout: 20, open: true, pkce: true, headless: true, sandbox: true, profile: 'ci' }), literalSecretRefused);
  });
});
