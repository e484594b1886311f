// `smartctl sandbox`: starts the embedded SMART on FHIR server, reports its URLs,
// demo clients and active faults once (one JSON line with --json), then serves
// until Ctrl-C and closes cleanly.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { inputError, usageError } from '../errors.js';
import { makeReport, type Report, type ReportSection } from '../report/report.js';
import type { ClientRegistration, SandboxHandle } from '../sandbox/types.js';
import { FAULT_NAMES, findFault } from '../sandbox/faults/index.js';
import { sandboxKeyCacheFile, type CommandContext } from './context.js';

export interface SandboxCommandOptions {
  port?: number | undefined;
  host?: string | undefined;
  fault?: string[] | undefined;
  clients?: string | undefined;
  scopes?: 'v1' | 'v2' | 'both' | undefined;
  autoApprove?: boolean | undefined;
}

function isLoopbackHost(host: string): boolean {
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host) || host === '::1' || host === 'localhost';
}

function checkFaults(names: readonly string[]): string[] {
  const unknown = names.filter((n) => findFault(n) === undefined);
  if (unknown.length > 0) {
    throw usageError('sandbox-unknown-fault', `unknown fault ${unknown.map((f) => `"${f}"`).join(', ')}; valid faults: ${FAULT_NAMES.join(', ')}`, 'Run `smartctl sandbox --help` for what each fault does.');
  }
  return [...new Set(names)];
}

async function readClients(ctx: CommandContext, file: string): Promise<ClientRegistration[]> {
  const full = path.resolve(ctx.cwd, file);
  let text: string;
  try {
    text = await readFile(full, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw inputError('sandbox-clients-unreadable', `cannot read --clients ${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (code ?? String(error))}`, 'Give the path of a JSON file holding an array of RFC 7591 client registrations.');
  }
  const { parseClientsFile } = await import('../sandbox/clients.js');
  return parseClientsFile(text, file);
}

/** A client as the start-up output shows it: RFC 7591 names, plus the key file for asymmetric ones. */
function clientEntry(c: ClientRegistration): Record<string, unknown> {
  const entry: Record<string, unknown> = { client_id: c.client_id };
  if (c.client_name !== undefined) entry['client_name'] = c.client_name;
  if (c.client_secret !== undefined) entry['client_secret'] = c.client_secret;
  entry['token_endpoint_auth_method'] = c.token_endpoint_auth_method;
  entry['redirect_uris'] = c.redirect_uris;
  entry['grant_types'] = c.grant_types;
  entry['scope'] = c.scope;
  if (c.private_key_file !== undefined) entry['private_key_file'] = c.private_key_file;
  if (c.jwks !== undefined) entry['jwks'] = c.jwks;
  if (c.jwks_uri !== undefined) entry['jwks_uri'] = c.jwks_uri;
  return entry;
}

function clientSection(c: ClientRegistration): ReportSection {
  const rows: Array<[string, string]> = [['client_id', c.client_id]];
  if (c.client_secret !== undefined) rows.push(['client_secret', c.client_secret]);
  rows.push(['auth method', c.token_endpoint_auth_method]);
  if (c.redirect_uris.length > 0) rows.push(['redirect_uris', `${c.redirect_uris.join('\n')}${c.redirect_uris.some((u) => u.startsWith('http://127.0.0.1/') || u.startsWith('http://localhost/')) ? '\n(loopback: any port matches)' : ''}`]);
  rows.push(['grant_types', c.grant_types.join(' ')]);
  rows.push(['scope', c.scope]);
  if (c.private_key_file !== undefined) rows.push(['private key (PEM)', c.private_key_file]);
  if (c.jwks !== undefined) rows.push(['public key kid', c.jwks.keys.map((k) => String(k['kid'] ?? '(none)')).join(', ')]);
  if (c.jwks_uri !== undefined) rows.push(['jwks_uri', c.jwks_uri]);
  // The demo credentials are what this command hands out: shown, not redacted.
  return { title: `Client: ${c.client_name ?? c.client_id}`, rows, reveal: true };
}

export function sandboxReport(handle: SandboxHandle, autoApprove: boolean): Report {
  const clients = handle.clients.map(clientEntry);
  const faultLines = handle.faults.length === 0 ? ['none'] : handle.faults.map((name) => `${name}: ${findFault(name)?.effect ?? ''}`);
  const sections: ReportSection[] = [
    {
      title: 'smartctl sandbox',
      rows: [
        ['FHIR base URL', handle.fhirBaseUrl],
        ['issuer', handle.issuer],
        ['smart-configuration', `${handle.fhirBaseUrl}/.well-known/smart-configuration`],
        ['openid-configuration', `${handle.issuer}/.well-known/openid-configuration`],
        ['EHR launch', `${handle.ehrLaunchUrl}?launch_url=<your app's launch URL>[&patient=<id>&encounter=<id>&user=<id>]`],
        ['auto-approve', autoApprove ? 'on (login, patient picker and consent skipped)' : 'off (send the header "x-sandbox-auto-approve: 1" on an authorize request to skip the pages)'],
      ],
    },
    { title: 'Active faults', lines: faultLines },
    ...handle.clients.map(clientSection),
  ];
  return makeReport({
    command: 'sandbox',
    data: { fhirBaseUrl: handle.fhirBaseUrl, issuer: handle.issuer, ehrLaunchUrl: handle.ehrLaunchUrl, faults: handle.faults, clients },
    sections,
    summary: 'Sandbox running; press Ctrl-C to stop.',
    unredacted: ['clients'],
  });
}

export async function sandboxCommand(ctx: CommandContext, opts: SandboxCommandOptions): Promise<Report | undefined> {
  const faults = checkFaults(opts.fault ?? []);
  const host = opts.host ?? '127.0.0.1';
  if (host.trim() === '') throw usageError('sandbox-host-empty', '--host is empty', 'Leave --host out to bind 127.0.0.1.');
  const clients = opts.clients === undefined ? [] : await readClients(ctx, opts.clients);
  if (!isLoopbackHost(host)) {
    ctx.narrate.warn(`binding ${host}: the sandbox (demo secrets, tokens, an unauthenticated login page) is reachable from other machines; use only on a trusted network.`);
  }
  const { startSandbox } = await import('../sandbox/index.js');
  ctx.narrate.step('starting the sandbox');
  const handle = await startSandbox({ port: opts.port ?? 0, host, faults, clients, scopes: opts.scopes ?? 'both', autoApprove: opts.autoApprove === true, keyCacheFile: sandboxKeyCacheFile(ctx) });
  try {
    // Listen for Ctrl-C before announcing the URLs: a script may stop us as soon as it reads them.
    const interrupted = ctx.untilInterrupted();
    ctx.print(sandboxReport(handle, opts.autoApprove === true), { compactJson: true });
    await interrupted;
    ctx.narrate.step('stopping the sandbox');
  } finally {
    await handle.close();
  }
  return undefined;
}
