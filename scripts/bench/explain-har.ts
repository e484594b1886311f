// explain --har on a generated 50 MB HAR with 5 000 entries: most of them the app's own
// traffic with big bodies (scripts, images as base64, HTML, JSON APIs), a few the steps of
// a SMART launch that fails at the token endpoint. Targets from issue 8: median <= 2 s,
// peak RSS <= 300 MB (absolute, not ratios: the work grows with the file, not start-up).
import type { BenchSuite } from './harness.js';

const TARGET_MS = 2000;
const TARGET_RSS_MB = 300;

function entry(i: number, method: string, url: string, status: number, mimeType: string, text: string, extra: { requestHeaders?: Array<{ name: string; value: string }>; postData?: string; encoding?: string; redirectURL?: string; resourceType?: string } = {}): Record<string, unknown> {
  return {
    _initiator: { type: 'script' },
    _priority: 'High',
    _resourceType: extra.resourceType ?? 'fetch',
    cache: {},
    connection: String(40_000 + (i % 200)),
    pageref: 'page_1',
    request: {
      method,
      url,
      httpVersion: 'http/2.0',
      headers: [{ name: ':authority', value: new URL(url).host }, { name: 'accept', value: '*/*' }, { name: 'user-agent', value: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36' }, ...(extra.requestHeaders ?? [])],
      queryString: [],
      cookies: [],
      headersSize: -1,
      bodySize: extra.postData?.length ?? 0,
      ...(extra.postData !== undefined ? { postData: { mimeType: 'application/x-www-form-urlencoded', text: extra.postData } } : {}),
    },
    response: {
      status,
      statusText: '',
      httpVersion: 'http/2.0',
      headers: [{ name: 'content-type', value: mimeType }, { name: 'cache-control', value: 'max-age=600' }],
      cookies: [],
      content: { size: text.length, mimeType, text, ...(extra.encoding !== undefined ? { encoding: extra.encoding } : {}) },
      redirectURL: extra.redirectURL ?? '',
      headersSize: -1,
      bodySize: -1,
      _transferSize: text.length + 300,
      _error: null,
    },
    serverIPAddress: '203.0.113.10',
    startedDateTime: new Date(Date.UTC(2026, 4, 4, 9, 0, 0) + i * 40).toISOString(),
    time: 12.5 + (i % 17),
    timings: { blocked: 1.1, dns: -1, ssl: -1, connect: -1, send: 0.1, wait: 10.2, receive: 1.1 },
  };
}

/** The steps of a launch against an EHR whose token endpoint rejects the client (Cerner's invalid-authorization-header URN). */
function flowEntries(at: number): Array<Record<string, unknown>> {
  const fhir = 'https://fhir.ehr.example.org/r4/tenant-1';
  const auth = 'https://authorization.ehr.example.org/tenants/tenant-1/oauth2';
  const redirect = 'https://app.example.com/callback';
  const authorize = `${auth}/authorize?response_type=code&client_id=bench-app&redirect_uri=${encodeURIComponent(redirect)}&scope=${encodeURIComponent('openid fhirUser launch/patient patient/*.read')}&state=st-1&aud=${encodeURIComponent(fhir)}&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256`;
  const smart = JSON.stringify({ issuer: auth, authorization_endpoint: `${auth}/authorize`, token_endpoint: `${auth}/token`, jwks_uri: `${auth}/jwks`, code_challenge_methods_supported: ['S256'], capabilities: ['launch-standalone', 'client-confidential-symmetric'] });
  const error = JSON.stringify({ error: 'invalid_client', error_uri: 'https://authorization.cerner.com/errors/urn%3Acerner%3Aerror%3Aauthorization-server%3Aoauth2%3Atoken%3Ainvalid-authorization-header/instances/0b1c?client=unknown&tenant=tenant-1' });
  return [
    entry(at, 'GET', `${fhir}/.well-known/smart-configuration`, 200, 'application/json', smart),
    entry(at + 1, 'GET', authorize, 302, 'text/html', '', { resourceType: 'document', redirectURL: 'https://authorization.ehr.example.org/login' }),
    entry(at + 2, 'GET', 'https://authorization.ehr.example.org/login', 200, 'text/html', `<!doctype html><form method=post>${'<input>'.repeat(200)}</form>`, { resourceType: 'document' }),
    entry(at + 3, 'POST', 'https://authorization.ehr.example.org/login', 302, 'text/html', '', { resourceType: 'document', postData: 'user=dr&password=x', redirectURL: `${redirect}?code=c-1&state=st-1` }),
    entry(at + 4, 'GET', `${redirect}?code=c-1&state=st-1`, 200, 'text/html', '<!doctype html><p>Signing in', { resourceType: 'document' }),
    entry(at + 5, 'POST', `${auth}/token`, 401, 'application/json', error, { postData: `grant_type=authorization_code&code=c-1&redirect_uri=${encodeURIComponent(redirect)}`, requestHeaders: [{ name: 'authorization', value: 'Bearer eyJhbGciOiJSUzM4NCJ9.eyJpc3MiOiJiZW5jaC1hcHAifQ.c2ln' }] }),
  ];
}

/** Filler bodies: minified script with quotes and escapes, base64 images, HTML, JSON. */
function body(i: number, size: number): { mimeType: string; text: string; encoding?: string } {
  const unit = (s: string): string => s.repeat(Math.ceil(size / s.length)).slice(0, size);
  switch (i % 4) {
    case 0:
      return { mimeType: 'application/javascript', text: unit(`function f${i}(a){return a.replace(/"/g,'\\\\"')+"\\n\\t\\u00e9 é 🙂";}`) };
    case 1:
      return { mimeType: 'image/png', text: unit('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg'), encoding: 'base64' };
    case 2:
      return { mimeType: 'text/html', text: unit('<div class="row"><span title="a &quot;b&quot;">cell</span></div>\n') };
    default:
      return { mimeType: 'application/json', text: unit(JSON.stringify({ id: i, items: [{ k: 'v', n: 1.5, ok: true, q: 'say "hi"' }] })) };
  }
}

/** A HAR of about `bytes` characters with `count` entries; the flow's six steps sit in the middle. */
export function benchHar(count: number, bytes: number): string {
  const flowAt = Math.floor(count / 2);
  const overhead = 2650; // the JSON of an entry without its body, about
  const size = Math.max(0, Math.floor(bytes / count - overhead));
  const parts: string[] = [];
  for (let i = 0; i < count; i++) {
    if (i === flowAt) {
      for (const e of flowEntries(i)) parts.push(JSON.stringify(e, null, 2));
      i += 5;
      continue;
    }
    const b = body(i, size);
    const host = ['app.example.com', 'cdn.example.net', 'api.example.com', 'analytics.example.org'][i % 4] ?? 'app.example.com';
    parts.push(JSON.stringify(entry(i, 'GET', `https://${host}/assets/${i}.${b.mimeType.split('/')[1] ?? 'bin'}`, 200, b.mimeType, b.text, { encoding: b.encoding, resourceType: i % 4 === 1 ? 'image' : i % 4 === 0 ? 'script' : 'fetch' }), null, 2));
  }
  return `{\n  "log": {\n    "version": "1.2",\n    "creator": { "name": "WebInspector", "version": "537.36" },\n    "pages": [{ "startedDateTime": "2026-05-04T09:00:00.000Z", "id": "page_1", "title": "app", "pageTimings": {} }],\n    "entries": [\n${parts.join(',\n')}\n    ]\n  }\n}\n`;
}

export const suite: BenchSuite = {
  name: 'explain-har',
  description: `explain --har on a generated 50 MB HAR with 5 000 entries (targets: median <= ${TARGET_MS} ms, peak RSS <= ${TARGET_RSS_MB} MB)`,
  async run(ctx) {
    const text = benchHar(5000, 50 * 1024 * 1024);
    const file = ctx.scratch('bench-50mb.har', text);
    ctx.note(`HAR: ${(Buffer.byteLength(text) / 1024 / 1024).toFixed(1)} MB, 5 000 entries, 6 of them the launch`);
    const r = await ctx.measureProcess({ label: 'smartctl explain --har 50 MB --json', args: ctx.smartctl('explain', '--har', file, '--json'), expectExit: [1], runs: Math.min(ctx.runs, 7) });
    if (r.skipped !== undefined) return;
    const wall = r.medianMs <= TARGET_MS ? 'ok' : 'OVER';
    const rss = r.peakRssMb === undefined ? 'not measured' : `${r.peakRssMb.toFixed(1)} MB (${r.peakRssMb <= TARGET_RSS_MB ? 'ok' : 'OVER'}, target ${TARGET_RSS_MB} MB)`;
    ctx.note(`median ${r.medianMs.toFixed(0)} ms (${wall}, target ${TARGET_MS} ms); peak RSS ${rss}`);
  },
};
