// launch --refresh applies check's refresh checks, against the sandbox started through its
// API: the conformant case (rotation handled, the refreshed id_token verified with the
// same sub), and, through a small proxy in front of the sandbox that tampers with refresh
// answers only, a widened scope, an unusable token, a rotated refresh token withheld,
// a refreshed id_token naming another sub, or another iss and aud.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { launchCommand } from '../../src/commands/launch.js';
import { decodeJwt } from '../../src/protocol/jwt/decode.js';
import type { Report } from '../../src/report/report.js';
import { startSandbox } from '../../src/sandbox/index.js';
import type { SandboxHandle } from '../../src/sandbox/types.js';
import { testContext } from '../helpers/command-context.js';

const SCOPE = 'openid fhirUser launch/patient patient/Patient.rs offline_access';
const base = { callbackTimeout: 20, open: true, pkce: true, headless: true, refresh: true, scope: SCOPE };

type Tamper = (body: Record<string, unknown>) => Record<string, unknown>;

/**
 * Forwards everything to the sandbox; discovery names the proxy as token and authorize
 * endpoint (authorize's aud is put back to the sandbox's FHIR base); only the first refresh
 * answer goes through `tamper`.
 */
async function tamperingProxy(sandbox: SandboxHandle, tamper: Tamper): Promise<{ fhirBase: string; close(): Promise<void> }> {
  const target = new URL(sandbox.fhirBaseUrl);
  let refreshes = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const me = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
        const url = new URL(req.url ?? '/', target.origin);
        if (url.searchParams.get('aud') === `${me}${target.pathname}`) url.searchParams.set('aud', sandbox.fhirBaseUrl);
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && k !== 'host' && k !== 'content-length') headers[k] = v;
        const body = Buffer.concat(chunks);
        const answer = await fetch(url, { method: req.method ?? 'GET', headers, body: body.length > 0 ? body : undefined, redirect: 'manual' });
        let text = await answer.text();
        if (url.pathname.endsWith('/.well-known/smart-configuration') || url.pathname.endsWith('/.well-known/openid-configuration')) {
          const doc = JSON.parse(text) as Record<string, unknown>;
          for (const k of ['token_endpoint', 'authorization_endpoint']) if (typeof doc[k] === 'string') doc[k] = String(doc[k]).replace(target.origin, me);
          text = JSON.stringify(doc);
        }
        if (req.method === 'POST' && new URLSearchParams(body.toString()).get('grant_type') === 'refresh_token' && answer.status === 200 && refreshes++ === 0) text = JSON.stringify(tamper(JSON.parse(text) as Record<string, unknown>));
        const out: Record<string, string> = {};
        answer.headers.forEach((v, k) => {
          if (k !== 'content-length' && k !== 'content-encoding' && k !== 'transfer-encoding') out[k] = v;
        });
        res.writeHead(answer.status, out).end(text);
      })().catch((error: unknown) => res.writeHead(502).end(String(error)));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const me = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { fhirBase: `${me}${target.pathname}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

async function launchThrough(tamper: Tamper): Promise<Report> {
  const sandbox = await startSandbox({ autoApprove: true });
  const proxy = await tamperingProxy(sandbox, tamper);
  try {
    return await launchCommand(testContext(), { ...base, iss: proxy.fhirBase, clientId: sandbox.demoClients.public });
  } finally {
    await proxy.close();
    await sandbox.close();
  }
}

const ids = (r: Report): string[] => r.findings.map((f) => f.id);
const refreshData = (r: Report): Record<string, unknown> => r.data['refresh'] as Record<string, unknown>;

test('launch --refresh against the sandbox: scope kept, new token works, rotation handled, refreshed id_token verified with the same sub', async () => {
  const report = await launchCommand(testContext(), { ...base, sandbox: true });
  assert.equal(report.ok, true, JSON.stringify(report.findings, null, 2));
  const r = refreshData(report);
  assert.equal(r['rotated'], true);
  // The sandbox ends the old refresh token on rotation: only the newest one refreshes again.
  assert.equal(r['secondRefreshStatus'], 200);
  assert.equal(r['idTokenSignatureValid'], true);
  assert.equal((r['idTokenClaims'] as Record<string, unknown>)['sub'], (report.data['idTokenClaims'] as Record<string, unknown>)['sub']);
  assert.equal((r['probe'] as Array<{ status?: number }>)[0]?.status, 200);
  const steps = (report.data['steps'] as Array<{ name: string; status: string }>).map((st) => st.name);
  assert.ok(steps.includes('refresh') && steps.includes('refresh.second'), steps.join(', '));
});

test('launch --refresh: a refresh that widens the scope is refresh-scope-widened', async () => {
  const report = await launchThrough((b) => ({ ...b, scope: `${String(b['scope'])} patient/Observation.rs` }));
  assert.ok(ids(report).includes('refresh-scope-widened'), ids(report).join(', '));
  assert.ok(!ids(report).includes('refresh-token-unusable'), ids(report).join(', '));
});

test('launch --refresh: a refreshed access token that cannot read FHIR is refresh-token-unusable', async () => {
  const report = await launchThrough((b) => ({ ...b, access_token: 'not-a-token-the-server-knows' }));
  assert.ok(ids(report).includes('refresh-token-unusable'), ids(report).join(', '));
  assert.ok(!ids(report).includes('refresh-scope-widened'));
});

test('launch --refresh: a rotated refresh token withheld (the old one is dead) is refresh-rotation-broken', async () => {
  const report = await launchThrough(({ refresh_token: _withheld, ...rest }) => rest);
  assert.equal(refreshData(report)['rotated'], false);
  assert.equal(refreshData(report)['secondRefreshStatus'], 400);
  assert.ok(ids(report).includes('refresh-rotation-broken'), ids(report).join(', '));
});

test('launch --refresh: a refreshed id_token naming another sub is refresh-id-token-sub-changed, and its broken signature is reported', async () => {
  const report = await launchThrough((b) => {
    const [h, , s] = String(b['id_token']).split('.');
    const d = decodeJwt(String(b['id_token']));
    const payload = d.kind === 'jwt' ? { ...d.payload, sub: 'someone-else' } : {};
    return { ...b, id_token: `${h ?? ''}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${s ?? ''}` };
  });
  assert.ok(ids(report).includes('refresh-id-token-sub-changed'), ids(report).join(', '));
  assert.equal(refreshData(report)['idTokenSignatureValid'], false);
  assert.ok(report.findings.some((f) => f.title.startsWith('refreshed ') && /signature/i.test(`${f.id} ${f.title}`)), report.findings.map((f) => `${f.id}: ${f.title}`).join('\n'));
});

test('launch --refresh: a refreshed id_token is validated like the first: another iss and aud are reported for it', async () => {
  const report = await launchThrough((b) => {
    const [h, , sig] = String(b['id_token']).split('.');
    const d = decodeJwt(String(b['id_token']));
    const payload = d.kind === 'jwt' ? { ...d.payload, iss: 'https://other.example/fhir', aud: 'someone-elses-app' } : {};
    return { ...b, id_token: `${h ?? ''}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${sig ?? ''}` };
  });
  const refreshed = report.findings.filter((f) => f.title.startsWith('refreshed '));
  assert.ok(refreshed.some((f) => f.id === 'id-token-aud-azp-mismatch'), report.findings.map((f) => `${f.id}: ${f.title}`).join('\n'));
  assert.ok(refreshed.some((f) => /iss/.test(f.id) || /iss/.test(f.title)), report.findings.map((f) => `${f.id}: ${f.title}`).join('\n'));
  assert.ok(!ids(report).includes('refresh-id-token-sub-changed'), 'the sub is unchanged');
});
