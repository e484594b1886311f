// The sandbox under load, on loopback: token requests per second for
// client_credentials with a client secret (target >= 1 000/s) and with
// private_key_jwt (target >= 300/s; assertions are signed before the clock starts),
// the time for 200 concurrent full flows (authorize -> token -> FHIR read), and the
// resident memory of an idle `smartctl sandbox` process.
import { spawn } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { importPKCS8, SignJWT } from 'jose';
import { startSandbox } from '../../src/sandbox/index.js';
import type { SandboxHandle } from '../../src/sandbox/types.js';
import type { BenchSuite } from './harness.js';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function send(agent: Agent, method: string, url: string, body: string | undefined, headers: Record<string, string>): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const req = request({ agent, host: u.hostname, port: u.port, path: `${u.pathname}${u.search}`, method, headers: body === undefined ? headers : { ...headers, 'content-length': Buffer.byteLength(body) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

/** Runs `total` requests with `concurrency` in flight; returns requests per second (all must be 200). */
async function throughput(total: number, concurrency: number, one: (i: number) => Promise<Answer>): Promise<number> {
  let next = 0;
  let failed: string | undefined;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const i = next++;
        const a = await one(i);
        if (a.status !== 200 && failed === undefined) failed = `request ${i}: ${a.status} ${a.body.slice(0, 200)}`;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  if (failed !== undefined) throw new Error(failed);
  return total / seconds;
}

async function fullFlow(sb: SandboxHandle, agent: Agent, i: number): Promise<void> {
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const redirectUri = `http://127.0.0.1:${20_000 + i}/callback`;
  const params = new URLSearchParams({ response_type: 'code', client_id: sb.demoClients.public, redirect_uri: redirectUri, scope: 'openid fhirUser launch/patient offline_access patient/*.rs', state: randomUUID(), nonce: randomUUID(), aud: sb.fhirBaseUrl, code_challenge: challenge, code_challenge_method: 'S256' });
  const a = await send(agent, 'GET', `${sb.issuer}/authorize?${params}`, undefined, { 'x-sandbox-auto-approve': '1' });
  const location = a.headers['location'];
  const code = typeof location === 'string' ? new URL(location).searchParams.get('code') : null;
  if (code === null) throw new Error(`flow ${i}: authorize gave ${a.status}`);
  const t = await send(agent, 'POST', `${sb.issuer}/token`, new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, client_id: sb.demoClients.public, code_verifier: verifier }).toString(), FORM);
  const token = JSON.parse(t.body) as Record<string, unknown>;
  const read = await send(agent, 'GET', `${sb.fhirBaseUrl}/Patient/${String(token['patient'])}`, undefined, { authorization: `Bearer ${String(token['access_token'])}` });
  if (read.status !== 200) throw new Error(`flow ${i}: FHIR read gave ${read.status}`);
}

async function idleRssMb(bin: string): Promise<number | undefined> {
  const child = spawn(process.execPath, [bin, 'sandbox', '--json'], { stdio: ['ignore', 'pipe', 'ignore'] });
  try {
    await new Promise<void>((resolve, reject) => {
      child.stdout.once('data', () => resolve());
      child.once('exit', (code) => reject(new Error(`smartctl sandbox exited ${code}`)));
    });
    // Let start-up garbage settle before reading.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const status = await readFile(`/proc/${child.pid}/status`, 'utf8').catch(() => undefined);
    const kb = status === undefined ? undefined : Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
    return kb === undefined || Number.isNaN(kb) ? undefined : kb / 1024;
  } finally {
    child.kill('SIGINT');
  }
}

export const suite: BenchSuite = {
  name: 'sandbox',
  description: 'the embedded sandbox on loopback (targets: client_credentials + secret >= 1000 req/s, + private_key_jwt >= 300 req/s)',
  async run(ctx) {
    const sb = await startSandbox({
      clients: [{ client_id: 'bench-secret', client_secret: 'bench-secret-value', token_endpoint_auth_method: 'client_secret_basic', redirect_uris: [], grant_types: ['client_credentials'], scope: 'system/*.rs' }],
    });
    const agent = new Agent({ keepAlive: true, maxSockets: 32 });
    try {
      const tokenUrl = `${sb.issuer}/token`;
      const basic = { ...FORM, authorization: `Basic ${Buffer.from('bench-secret:bench-secret-value').toString('base64')}` };
      const secretBody = 'grant_type=client_credentials&scope=system%2F*.rs';
      await throughput(300, 16, () => send(agent, 'POST', tokenUrl, secretBody, basic));
      const secretRate = await throughput(4000, 16, () => send(agent, 'POST', tokenUrl, secretBody, basic));
      ctx.row({ label: 'client_credentials + secret', note: `${secretRate.toFixed(0)} req/s (target >= 1000: ${secretRate >= 1000 ? 'met' : 'MISSED'})` });

      const backend = sb.clients.find((c) => c.client_id === sb.demoClients.backend);
      if (backend?.private_key_file === undefined) throw new Error('no backend demo client');
      const key = await importPKCS8(await readFile(backend.private_key_file, 'utf8'), 'ES384');
      const kid = String(backend.jwks?.keys[0]?.['kid']);
      const total = 1500;
      const now = Math.floor(Date.now() / 1000);
      const bodies: string[] = [];
      for (let i = 0; i < total + 100; i++) {
        const assertion = await new SignJWT({ iss: backend.client_id, sub: backend.client_id, aud: tokenUrl, exp: now + 280, iat: now, jti: randomUUID() }).setProtectedHeader({ alg: 'ES384', kid, typ: 'JWT' }).sign(key);
        bodies.push(new URLSearchParams({ grant_type: 'client_credentials', scope: 'system/*.rs', client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: assertion }).toString());
      }
      await throughput(100, 16, (i) => send(agent, 'POST', tokenUrl, bodies[total + i], FORM));
      const jwtRate = await throughput(total, 16, (i) => send(agent, 'POST', tokenUrl, bodies[i], FORM));
      ctx.row({ label: 'client_credentials + private_key_jwt', note: `${jwtRate.toFixed(0)} req/s (target >= 300: ${jwtRate >= 300 ? 'met' : 'MISSED'})` });

      let flow = 0;
      await ctx.measureAsync(
        '200 concurrent full flows',
        () => Promise.all(Array.from({ length: 200 }, () => fullFlow(sb, agent, flow++ % 40_000))),
        { runs: Math.min(ctx.runs, 5), warmup: 1, note: 'authorize -> token -> FHIR read, all at once' },
      );
    } finally {
      agent.destroy();
      await sb.close();
    }
    const rss = await idleRssMb(ctx.bin);
    ctx.row({ label: 'idle `smartctl sandbox` process', peakRssMb: rss, note: rss === undefined ? 'RSS not readable (needs /proc)' : 'resident memory after start-up' });
  },
};
