// The FHIR API over real HTTP on 127.0.0.1, with a token table injected through the
// FhirApiOptions.lookupToken contract.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createFhirApi } from '../../../src/sandbox/routes/fhir.js';
import { loadFhirDataset } from '../../../src/sandbox/data.js';
import type { AccessGrant } from '../../../src/sandbox/types.js';

const NOW = 2_000_000_000;
const tokens = new Map<string, AccessGrant>();
let server: http.Server;
let base = '';

function grant(token: string, scope: string, extra: Partial<AccessGrant> = {}): void {
  tokens.set(token, { clientId: 'c', scope, exp: NOW + 300, ...extra });
}

before(async () => {
  server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/fhir`;
  const api = createFhirApi({
    fhirBaseUrl: new URL(base),
    data: loadFhirDataset(),
    oauthUris: { authorize: 'http://x/authorize', token: 'http://x/token' },
    lookupToken: (t) => tokens.get(t),
    nowSeconds: () => NOW,
  });
  server.on('request', (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    api(req, res, url.pathname.replace(/^\/fhir/, ''), url.searchParams);
  });
  grant('user-v1', 'openid fhirUser user/*.read', { fhirUser: 'Practitioner/practitioner-1' });
  grant('patient-v2', 'patient/*.rs', { patient: 'patient-1' });
  grant('no-context', 'patient/*.rs');
  grant('vitals-only', 'patient/Observation.rs?category=vital-signs patient/Patient.rs', { patient: 'patient-1' });
  grant('expired', 'user/*.read', { exp: NOW - 10 });
  grant('practitioner-only', 'openid fhirUser', { fhirUser: 'Practitioner/practitioner-1' });
});

after(() => {
  server.closeAllConnections();
  server.close();
});

async function get(path: string, token?: string): Promise<{ status: number; body: Record<string, unknown>; challenge: string | null }> {
  const res = await fetch(`${base}${path}`, { headers: token === undefined ? {} : { authorization: `Bearer ${token}` } });
  return { status: res.status, body: (await res.json()) as Record<string, unknown>, challenge: res.headers.get('www-authenticate') };
}

test('metadata carries the oauth-uris extension, no token needed', async () => {
  const r = await get('/metadata');
  assert.equal(r.status, 200);
  assert.equal(r.body['resourceType'], 'CapabilityStatement');
  assert.match(JSON.stringify(r.body), /oauth-uris.*"authorize".*"http:\/\/x\/authorize"/);
});

test('401: no token, unknown token, expired token', async () => {
  const none = await get('/Patient/patient-1');
  assert.equal(none.status, 401);
  assert.equal(none.challenge, 'Bearer realm="smartctl-sandbox"');
  const unknown = await get('/Patient/patient-1', 'nope');
  assert.match(unknown.challenge ?? '', /error="invalid_token"/);
  const expired = await get('/Patient/patient-1', 'expired');
  assert.match(expired.challenge ?? '', /expired 10 s ago/);
});

test('user scopes (v1) read and search anything; each search parameter works', async () => {
  assert.equal((await get('/Patient/patient-2', 'user-v1')).status, 200);
  const byFamily = await get('/Patient?family=ray', 'user-v1');
  assert.equal(byFamily.body['total'], 1);
  assert.equal((await get('/Patient?birthdate=1987-02-20', 'user-v1')).body['total'], 1);
  assert.equal((await get('/Patient?name=carla', 'user-v1')).body['total'], 1);
  assert.equal((await get('/Observation?patient=patient-2&category=laboratory', 'user-v1')).body['total'], 1);
  assert.equal((await get('/Observation?code=http://loinc.org|8867-4', 'user-v1')).body['total'], 3);
  assert.equal((await get('/Encounter?patient=Patient/patient-3', 'user-v1')).body['total'], 1);
  assert.equal((await get('/Practitioner?_id=practitioner-2', 'user-v1')).body['total'], 1);
  assert.equal(((await get('/Observation?_count=2', 'user-v1')).body['entry'] as unknown[]).length, 2);
  assert.equal((await get('/Observation?color=blue', 'user-v1')).status, 400);
  assert.equal((await get('/Patient/nobody', 'user-v1')).status, 404);
});

test('patient scopes (v2) are bounded by the patient in context', async () => {
  assert.equal((await get('/Patient/patient-1', 'patient-v2')).status, 200);
  const other = await get('/Patient/patient-2', 'patient-v2');
  assert.equal(other.status, 403);
  assert.match(other.challenge ?? '', /insufficient_scope/);
  const search = await get('/Observation', 'patient-v2');
  assert.equal(search.body['total'], 3, 'only the context patient\'s observations');
  const none = await get('/Patient/patient-1', 'no-context');
  assert.equal(none.status, 403);
  assert.match(JSON.stringify(none.body), /no patient in context/);
});

test('v2 query-restricted scope: vital-signs allowed, laboratory refused', async () => {
  assert.equal((await get('/Observation?category=vital-signs', 'vitals-only')).body['total'], 2);
  assert.equal((await get('/Observation?category=laboratory', 'vitals-only')).status, 403);
  assert.equal((await get('/Observation/observation-1', 'vitals-only')).status, 200);
  assert.equal((await get('/Observation/observation-3', 'vitals-only')).status, 403);
});

test('a token with only openid fhirUser reads the user\'s own resource and nothing else', async () => {
  assert.equal((await get('/Practitioner/practitioner-1', 'practitioner-only')).status, 200);
  const r = await get('/Practitioner/practitioner-2', 'practitioner-only');
  assert.equal(r.status, 403);
  assert.match(r.challenge ?? '', /scope="/);
});
