// The sandbox's programmatic API: startSandbox() serves a real SMART on FHIR
// authorization server and FHIR API on 127.0.0.1 (port 0 picks a free port), with
// the demo clients and any faults, and returns its URLs, its clients and close().
// Used by `smartctl sandbox`, `smartctl launch --sandbox` and the tests.
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { usageError, networkError } from '../errors.js';
import { demoClients, DEMO_CLIENT_IDS } from './clients.js';
import { sandboxUrls, type SandboxContext } from './context.js';
import { FAULT_NAMES } from './faults/index.js';
import { hooksFor } from './faults/hooks.js';
import { createSandboxKeys } from './keys.js';
import { createRequestListener } from './server.js';
import { SandboxStore } from './store.js';
import { loadFhirDataset } from './data.js';
import { createFhirApi } from './routes/fhir.js';
import type { FhirHandler, SandboxHandle, SandboxOptions } from './types.js';

export type { SandboxHandle, SandboxOptions } from './types.js';
export { AUTO_APPROVE_HEADER } from './context.js';
export { DEMO_CLIENT_IDS } from './clients.js';

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** The host to put in URLs: a wildcard bind is reached on loopback; IPv6 literals get brackets. */
function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

export function checkFaultNames(faults: readonly string[]): void {
  const unknown = faults.filter((f) => !FAULT_NAMES.includes(f));
  if (unknown.length > 0) {
    throw usageError('sandbox-unknown-fault', `unknown fault ${unknown.map((f) => `"${f}"`).join(', ')}; valid faults: ${FAULT_NAMES.join(', ')}`, 'Run `smartctl sandbox --help` for what each fault does.');
  }
}

export async function startSandbox(options: SandboxOptions = {}): Promise<SandboxHandle> {
  const faults = [...new Set(options.faults ?? [])];
  checkFaultNames(faults);
  const host = options.host ?? '127.0.0.1';
  const ownKeyDir = options.keyDir === undefined;
  const keyDir = options.keyDir ?? (await mkdtemp(path.join(tmpdir(), 'smartctl-sandbox-')));
  const [keys, demo] = await Promise.all([createSandboxKeys({ unpublished: hooksFor(faults).some((f) => f.idTokenSignedWithUnpublishedKey === true), cacheFile: options.keyCacheFile }), demoClients(keyDir)]);
  const clientList = [...demo, ...(options.clients ?? [])];
  const clients = new Map(clientList.map((c) => [c.client_id, c]));
  const data = loadFhirDataset();
  const store = new SandboxStore(nowSeconds);

  let ctx: SandboxContext | undefined;
  let fhir: FhirHandler | undefined;
  const server = createServer(
    { keepAlive: true },
    createRequestListener(
      () => ctx as SandboxContext,
      () => fhir as FhirHandler,
    ),
  );
  server.keepAliveTimeout = 5000;

  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      server.off('listening', onListening);
      if (error.code === 'EADDRINUSE') reject(usageError('sandbox-port-in-use', `port ${options.port ?? 0} on ${host} is already in use`, 'Pick another --port, or --port 0 for a free one.'));
      else if (error.code === 'EACCES') reject(usageError('sandbox-port-denied', `not allowed to listen on ${host}:${options.port ?? 0}`, 'Ports below 1024 need privileges; pick a higher --port.'));
      else if (error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND') reject(usageError('sandbox-host-unavailable', `cannot listen on host "${host}": ${error.code}`, 'Use 127.0.0.1 (the default) or an address of this machine.'));
      else reject(networkError('sandbox-listen-failed', `the sandbox could not listen on ${host}:${options.port ?? 0}: ${error.message}`));
    };
    const onListening = (): void => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(options.port ?? 0, host);
  }).catch(async (error: unknown) => {
    if (ownKeyDir) await rm(keyDir, { recursive: true, force: true });
    throw error;
  });

  const address = server.address() as AddressInfo;
  const urls = sandboxUrls(`http://${urlHost(host)}:${address.port}`);
  ctx = {
    urls,
    clients,
    keys,
    data,
    store,
    faults: hooksFor(faults),
    faultNames: faults,
    scopes: options.scopes ?? 'both',
    autoApprove: options.autoApprove === true,
    nowSeconds,
  };
  fhir = createFhirApi({
    fhirBaseUrl: new URL(urls.fhirBase),
    data,
    oauthUris: { authorize: urls.authorize, token: urls.token, introspect: urls.introspect, revoke: urls.revoke },
    lookupToken: (token: string) => store.lookupAccessToken(token),
    nowSeconds,
  });

  let closing: Promise<void> | undefined;
  return {
    fhirBaseUrl: urls.fhirBase,
    issuer: urls.issuer,
    ehrLaunchUrl: urls.ehrLaunch,
    faults,
    clients: clientList,
    demoClients: { ...DEMO_CLIENT_IDS },
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }).then(async () => {
        if (ownKeyDir) await rm(keyDir, { recursive: true, force: true });
      });
      return closing;
    },
  };
}
