// smartctl's own HAR of a run: launch (in process) against the embedded sandbox, as far as
// a fault lets it go, then --har's writer. Used by the HAR export tests and to compare
// with the HAR chromium records for the same fault.
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeHarFile } from '../../src/commands/har-export.js';
import { launchCommand } from '../../src/commands/launch.js';
import type { Report } from '../../src/report/report.js';
import { testContext } from './command-context.js';
import { REPO_ROOT } from './run-cli.js';

export const tmpHarDir = (): string => mkdtempSync(path.join(os.tmpdir(), 'smartctl-har-export-'));

export function launchOptions(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { sandbox: true, headless: true, callbackTimeout: 10, pkce: true, open: true, ...extra };
}

export interface ExportedHar {
  report: Report;
  file: string;
  text: string;
}

export async function launchWithHar(opts: Record<string, unknown>, showSecrets = false): Promise<ExportedHar> {
  const report = await launchCommand(testContext(), opts);
  const file = path.join(tmpHarDir(), 'run.har');
  await writeHarFile(file, report, { version: 'test', showSecrets });
  return { report, file, text: readFileSync(file, 'utf8') };
}

/** launch --sandbox --headless --sandbox-fault <fault> with what the fault needs to happen, and its HAR. */
export async function launchFaultWithHar(fault: string): Promise<ExportedHar> {
  let extra: Record<string, unknown> = {};
  if (fault === 'force-authn-stale-session') {
    // The fault needs a login session: a first run leaves one in the jar.
    const jar = path.join(tmpHarDir(), 'jar.json');
    await launchCommand(testContext(), launchOptions({ cookieJar: jar }));
    extra = { cookieJar: jar, forceAuthn: true };
  }
  if (fault === 'no-refresh-token') extra = { scope: 'openid fhirUser launch/patient offline_access patient/*.rs' };
  return launchWithHar(launchOptions({ sandboxFault: [fault], ...extra }));
}

/**
 * The mistake strict-client-auth-header answers, in smartctl's own launch: a private_key_jwt
 * app (registered in a sandbox started here, the fixture EC key) that sends its assertion as
 * "Authorization: Bearer" — what the chromium app's plan does with a client JWT.
 */
export async function launchAssertionInHeaderWithHar(fault: string): Promise<ExportedHar> {
  const { startSandbox } = await import('../../src/sandbox/index.js');
  const { DEMO_REDIRECT_URIS } = await import('../../src/sandbox/clients.js');
  const keys = path.join(REPO_ROOT, 'fixtures', 'keys');
  const jwks = JSON.parse(readFileSync(path.join(keys, 'public.jwks.json'), 'utf8')) as { keys: Array<Record<string, unknown>> };
  const sb = await startSandbox({ autoApprove: true, faults: [fault], clients: [{ client_id: 'pkjwt-app', token_endpoint_auth_method: 'private_key_jwt', jwks, redirect_uris: [...DEMO_REDIRECT_URIS], grant_types: ['authorization_code'], scope: 'openid fhirUser launch/patient patient/*.rs' }] });
  try {
    return await launchWithHar(launchOptions({ sandbox: undefined, iss: sb.fhirBaseUrl, clientId: 'pkjwt-app', key: path.join(keys, 'ec384.private.jwk.json'), assertionInHeader: true, scope: 'openid fhirUser launch/patient patient/*.rs' }));
  } finally {
    await sb.close();
  }
}
