// Helpers for the check tests: run the command in process against a server, and a
// deliberately broken SMART server (answers FHIR without a token, reuses codes,
// redirects unregistered URIs, drops state on error redirects, accepts alg none).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkCommand, type CheckOptions } from '../../src/commands/check.js';
import type { Report } from '../../src/report/report.js';
import type { TestResult } from '../../src/check/types.js';
import { testContext } from '../helpers/command-context.js';
import type { SandboxHandle } from '../../src/sandbox/types.js';

export async function runCheck(base: string | undefined, options: CheckOptions, env: Record<string, string | undefined> = {}): Promise<{ report: Report; tests: TestResult[]; byId: Map<string, TestResult> }> {
  const report = await checkCommand(testContext(env), base, options);
  const tests = report.data['tests'] as TestResult[];
  return { report, tests, byId: new Map(tests.map((t) => [t.id, t])) };
}

/** The flags a user gives to check a separately started sandbox with its demo clients. */
export function sandboxFlags(sb: SandboxHandle): CheckOptions {
  const backend = sb.clients.find((c) => c.client_id === sb.demoClients.backend);
  return { clientId: sb.demoClients.public, backendClientId: sb.demoClients.backend, backendKey: backend?.private_key_file, ehrLaunchUrl: sb.ehrLaunchUrl };
}

export function findingIds(t: TestResult | undefined): string[] {
  return (t?.findings ?? []).map((f) => f.id);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => resolve(body));
  });
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', pragma: 'no-cache', ...headers });
  res.end(JSON.stringify(body));
}

export interface BrokenServer {
  fhirBase: string;
  close(): Promise<void>;
}

/** Everything a SMART server must refuse, this one accepts. Its happy path works. */
export async function startBrokenServer(o: { authorizePage?: boolean } = {}): Promise<BrokenServer> {
  let origin = '';
  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', origin);
      const p = url.pathname;
      if (p === '/fhir/.well-known/smart-configuration') {
        return json(res, 200, {
          issuer: `${origin}/oauth`,
          authorization_endpoint: `${origin}/oauth/authorize`,
          token_endpoint: `${origin}/oauth/token`,
          grant_types_supported: ['authorization_code', 'client_credentials', 'refresh_token'],
          token_endpoint_auth_methods_supported: ['none', 'private_key_jwt'],
          token_endpoint_auth_signing_alg_values_supported: ['ES384', 'RS384'],
          scopes_supported: ['launch/patient', 'offline_access', 'patient/*.rs', 'system/*.rs'],
          response_types_supported: ['code'],
          capabilities: ['launch-standalone', 'client-public', 'client-confidential-asymmetric', 'context-standalone-patient', 'permission-patient', 'permission-v2', 'permission-offline'],
          code_challenge_methods_supported: ['S256'],
        }, { 'access-control-allow-origin': '*' });
      }
      if (p === '/fhir/metadata') {
        return json(res, 200, { resourceType: 'CapabilityStatement', status: 'active', kind: 'instance', fhirVersion: '4.0.1', format: ['json'], rest: [{ mode: 'server', security: { service: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/restful-security-service', code: 'SMART-on-FHIR' }] }], extension: [{ url: 'http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris', extension: [{ url: 'authorize', valueUri: `${origin}/oauth/authorize` }, { url: 'token', valueUri: `${origin}/oauth/token` }] }] } }] });
      }
      if (p === '/oauth/authorize' && o.authorizePage === true) {
        // An error page answered 200, with nothing a login script could fill in.
        res.writeHead(200, { 'content-type': 'text/html' });
        return res.end('<!doctype html><title>Error</title><p>Something went wrong.</p>');
      }
      if (p === '/oauth/authorize') {
        // Redirects anywhere it is asked to, for any client, aud or PKCE; errors lose state.
        const q = url.searchParams;
        const target = new URL(q.get('redirect_uri') ?? 'http://127.0.0.1/callback');
        if (q.get('response_type') !== 'code') target.searchParams.set('error', 'unsupported_response_type');
        else {
          target.searchParams.set('code', `code-${Math.random().toString(36).slice(2)}`);
          if (q.get('state') !== null) target.searchParams.set('state', q.get('state') ?? '');
        }
        res.writeHead(302, { location: target.href });
        return res.end();
      }
      if (p === '/oauth/token') {
        const form = new URLSearchParams(await readBody(req));
        // Any code, any number of times; any assertion, alg none included.
        const grant = form.get('grant_type');
        if (grant !== 'authorization_code' && grant !== 'client_credentials' && grant !== 'refresh_token') return json(res, 400, { error: 'unsupported_grant_type' });
        const body: Record<string, unknown> = { access_token: `at-${Math.random().toString(36).slice(2)}`, token_type: 'Bearer', expires_in: 3600, scope: form.get('scope') ?? 'launch/patient offline_access patient/*.rs' };
        if (grant !== 'client_credentials') Object.assign(body, { patient: 'p1', refresh_token: `rt-${Math.random().toString(36).slice(2)}` });
        return json(res, 200, body);
      }
      if (p.startsWith('/fhir/Patient')) {
        // Answers without looking at the token at all.
        const id = p.split('/')[3];
        if (id !== undefined) return json(res, 200, { resourceType: 'Patient', id });
        return json(res, 200, { resourceType: 'Bundle', type: 'searchset', entry: [{ resource: { resourceType: 'Patient', id: 'p1' } }, { resourceType: 'Patient', resource: { resourceType: 'Patient', id: 'p2' } }] });
      }
      return json(res, 404, { error: 'not found' });
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    fhirBase: `${origin}/fhir`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
