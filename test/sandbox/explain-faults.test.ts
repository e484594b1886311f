// The faults whose evidence is an answer an app can save: give `smartctl explain`
// what the faulty sandbox answered and expect the finding id the registry names.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startSandbox } from '../../src/sandbox/index.js';
import { findFault } from '../../src/sandbox/faults/index.js';
import type { SandboxHandle } from '../../src/sandbox/types.js';
import { parseJsonOutput, runCli } from '../helpers/run-cli.js';
import { authorize, authorizeParams, backendToken, clientAssertion, codeFlow, pkce } from './helpers.js';

async function withFault<T>(name: string, run: (sb: SandboxHandle, dir: string) => Promise<T>): Promise<T> {
  const sb = await startSandbox({ faults: [name] });
  const dir = mkdtempSync(path.join(tmpdir(), 'smartctl-explain-'));
  try {
    return await run(sb, dir);
  } finally {
    await sb.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function explainIds(args: string[]): Promise<string[]> {
  const r = await runCli(['explain', '--json', ...args]);
  return (parseJsonOutput(r)['findings'] as Array<{ id: string }>).map((f) => f.id);
}

function expectId(ids: string[], fault: string): void {
  const expected = findFault(fault)?.findingId ?? '';
  assert.ok(ids.includes(expected), `${fault}: expected ${expected} in [${ids.join(', ')}]`);
}

describe('smartctl explain on what a faulty sandbox answered', () => {
  it('drop-openid', async () => {
    const scope = 'openid profile fhirUser launch/patient patient/*.rs';
    await withFault('drop-openid', async (sb, dir) => {
      const { token } = await codeFlow(sb, { scope });
      const file = path.join(dir, 'token.json');
      writeFileSync(file, token.text);
      expectId(await explainIds(['--token-response', `@${file}`, '--requested-scope', scope]), 'drop-openid');
    });
  });

  it('missing-patient-context', async () => {
    const scope = 'openid fhirUser launch/patient patient/*.rs';
    await withFault('missing-patient-context', async (sb, dir) => {
      const { token } = await codeFlow(sb, { scope });
      const file = path.join(dir, 'token.json');
      writeFileSync(file, token.text);
      expectId(await explainIds(['--token-response', `@${file}`, '--requested-scope', scope]), 'missing-patient-context');
    });
  });

  it('strict-client-auth-header', async () => {
    await withFault('strict-client-auth-header', async (sb, dir) => {
      const jwt = await clientAssertion(sb);
      const res = await backendToken(sb, await clientAssertion(sb), 'system/*.rs', { authorization: `Bearer ${jwt}` });
      const file = path.join(dir, 'body.json');
      writeFileSync(file, res.text);
      expectId(await explainIds(['--endpoint', 'token', '--status', String(res.status), '--body', `@${file}`, '--request-header', `Authorization: Bearer ${jwt}`]), 'strict-client-auth-header');
    });
  });

  it('force-authn-stale-session', async () => {
    await withFault('force-authn-stale-session', async (sb, dir) => {
      const first = await authorize(sb, authorizeParams(sb, pkce()));
      const cookie = (first.setCookie ?? '').split(';')[0] ?? '';
      const params = authorizeParams(sb, pkce(), { forceAuthn: 'true' });
      const res = await authorize(sb, params, { cookie });
      assert.equal(res.status, 400);
      const file = path.join(dir, 'page.html');
      writeFileSync(file, res.body);
      const url = `${sb.issuer}/authorize?${params.toString()}`;
      expectId(await explainIds(['--endpoint', 'authorize', '--status', '400', '--body', `@${file}`, '--url', url, '--request-header', `Cookie: ${cookie}`]), 'force-authn-stale-session');
    });
  });
});
