// The FHIR API over real HTTP on 127.0.0.1, with a token table injected through the
// FhirApiOptions.lookupToken contract (the authorization server's store in production).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createFhirApi } from '../../../src/sandbox/routes/fhir.js';
import { loadFhirDataset } from '../../../src/sandbox/data.js';
import type { AccessGrant } from '../../../src/sandbox/types.js';

const NOW = 2_000_000_000;
const CATEGORY = 'http://terminology.hl7.org/CodeSystem/observation-category';
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
    oauthUris: { authorize: 'http://as.test/authorize', token: 'http://as.test/token', introspect: 'http://as.test/introspect', revoke: 'http://as.test/revoke', manage: 'http://as.test/manage' },
    lookupToken: (t) => tokens.get(t),
    nowSeconds: () => NOW,
  });
  server.on('request', (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    api(req, res, url.pathname.replace(/^\/fhir/, ''), url.searchParams);
  });
  grant('user-v1', 'openid fhirUser user/*.read', { fhirUser: 'Practitioner/practitioner-1' });
  grant('patient-v1', 'launch/patient patient/Observation.read patient/Patient.read', { patient: 'patient-1' });
  grant('patient-v2', 'patient/*.rs', { patient: 'patient-1' });
  grant('obs-read-only', 'patient/Observation.r', { patient: 'patient-1' });
  grant('obs-only', 'patient/Observation.rs', { patient: 'patient-1' });
  grant('user-obs-only', 'user/Observation.rs');
  grant('no-context', 'patient/*.rs');
  grant('vitals-only', 'patient/Observation.rs?category=vital-signs patient/Patient.rs', { patient: 'patient-1' });
  grant('vitals-system-form', `patient/Observation.rs?category=${CATEGORY}|vital-signs`, { patient: 'patient-1' });
  grant('user-lab', 'user/Observation.rs?category=laboratory');
  grant('backend', 'system/*.rs');
  grant('expired', 'user/*.read', { exp: NOW - 10 });
  grant('expires-now', 'user/*.read', { exp: NOW });
  grant('expires-next-second', 'user/*.read', { exp: NOW + 1 });
  grant('practitioner-only', 'openid fhirUser', { fhirUser: 'Practitioner/practitioner-1' });
  grant('patient-user', 'openid fhirUser', { fhirUser: 'Patient/patient-2' });
  grant('fhiruser-without-scope', 'launch', { fhirUser: 'Practitioner/practitioner-1' });
});

after(() => {
  server.closeAllConnections();
  server.close();
});

interface Answer {
  status: number;
  body: Record<string, unknown>;
  challenge: string | null;
  contentType: string | null;
}

async function get(path: string, token?: string, init: { method?: string; authorization?: string } = {}): Promise<Answer> {
  const authorization = init.authorization ?? (token === undefined ? undefined : `Bearer ${token}`);
  const res = await fetch(`${base}${path}`, { method: init.method ?? 'GET', headers: authorization === undefined ? {} : { authorization } });
  const text = await res.text();
  return { status: res.status, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>), challenge: res.headers.get('www-authenticate'), contentType: res.headers.get('content-type') };
}

/** The ids in a searchset Bundle, in order. */
function ids(a: Answer): string[] {
  assert.equal(a.status, 200, JSON.stringify(a.body));
  assert.equal(a.body['resourceType'], 'Bundle');
  assert.equal(a.body['type'], 'searchset');
  return ((a.body['entry'] as Array<{ resource: { id: string } }> | undefined) ?? []).map((e) => e.resource.id);
}

function diagnostics(a: Answer): string {
  const issue = (a.body['issue'] as Array<{ code: string; diagnostics: string }>)[0];
  assert.ok(issue !== undefined, 'an OperationOutcome issue');
  return `${issue.code}: ${issue.diagnostics}`;
}

async function forbidden(path: string, token: string, scope: string): Promise<string> {
  const a = await get(path, token);
  assert.equal(a.status, 403, `${path} with ${token}: ${JSON.stringify(a.body)}`);
  assert.equal(a.body['resourceType'], 'OperationOutcome');
  const text = diagnostics(a);
  assert.match(text, /^forbidden: /);
  assert.ok(text.includes(`"${scope}"`), `diagnostics name the scope ${scope}: ${text}`);
  assert.match(a.challenge ?? '', /^Bearer realm="smartctl-sandbox", error="insufficient_scope", /);
  assert.ok(a.challenge?.endsWith(`scope="${scope}"`), `challenge: ${a.challenge ?? ''}`);
  return text;
}

test('metadata: an R4 CapabilityStatement with the SMART oauth-uris extension, no token needed', async () => {
  const r = await get('/metadata');
  assert.equal(r.status, 200);
  assert.match(r.contentType ?? '', /^application\/fhir\+json/);
  assert.equal(r.body['resourceType'], 'CapabilityStatement');
  assert.equal(r.body['fhirVersion'], '4.0.1');
  assert.deepEqual(r.body['format'], ['json']);
  const rest = (r.body['rest'] as Array<Record<string, unknown>>)[0];
  assert.ok(rest !== undefined);
  assert.equal(rest['mode'], 'server');
  const security = rest['security'] as { service: Array<{ coding: Array<{ system: string; code: string }> }>; extension: Array<{ url: string; extension: Array<{ url: string; valueUri: string }> }> };
  assert.deepEqual(security.service[0]?.coding[0], { system: 'http://terminology.hl7.org/CodeSystem/restful-security-service', code: 'SMART-on-FHIR' });
  const oauth = security.extension.find((e) => e.url === 'http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris');
  assert.deepEqual(Object.fromEntries((oauth?.extension ?? []).map((e) => [e.url, e.valueUri])), {
    authorize: 'http://as.test/authorize',
    token: 'http://as.test/token',
    introspect: 'http://as.test/introspect',
    revoke: 'http://as.test/revoke',
    manage: 'http://as.test/manage',
  });
  const resources = rest['resource'] as Array<{ type: string; interaction: Array<{ code: string }>; searchParam: Array<{ name: string; type: string }> }>;
  assert.deepEqual(resources.map((x) => x.type).sort(), ['Encounter', 'Observation', 'Patient', 'Practitioner']);
  for (const x of resources) assert.deepEqual(x.interaction.map((i) => i.code), ['read', 'search-type'], x.type);
  const observation = resources.find((x) => x.type === 'Observation');
  assert.deepEqual(observation?.searchParam.map((p) => p.name).filter((n) => ['patient', 'subject', 'category', 'code'].includes(n)), ['patient', 'subject', 'category', 'code']);
  const birthdate = resources.find((x) => x.type === 'Patient')?.searchParam.find((p) => p.name === 'birthdate');
  assert.equal(birthdate?.type, 'date');
  assert.equal((await get('/metadata', 'not-a-known-token')).status, 200, 'metadata ignores the token');
  const head = await fetch(`${base}/metadata`, { method: 'HEAD' });
  assert.equal(head.status, 200);
  assert.match(head.headers.get('content-type') ?? '', /^application\/fhir\+json/);
  assert.equal(await head.text(), '');
});

test('401 without a token: a bare Bearer challenge (no error attribute) and an OperationOutcome', async () => {
  const none = await get('/Patient/patient-1');
  assert.equal(none.status, 401);
  assert.equal(none.challenge, 'Bearer realm="smartctl-sandbox"');
  assert.match(diagnostics(none), /^login: .*Authorization: Bearer/);
  const basic = await get('/Patient/patient-1', undefined, { authorization: 'Basic Y2xpZW50OnNlY3JldA==' });
  assert.equal(basic.status, 401, 'another scheme is not a bearer token');
  assert.equal(basic.challenge, 'Bearer realm="smartctl-sandbox"');
});

test('401 invalid_token for an unknown token and for a revoked one', async () => {
  const unknown = await get('/Patient/patient-1', 'nope');
  assert.equal(unknown.status, 401);
  assert.equal(unknown.challenge, 'Bearer realm="smartctl-sandbox", error="invalid_token", error_description="The access token is unknown or was revoked."');
  grant('soon-revoked', 'user/*.rs');
  assert.equal((await get('/Patient/patient-1', 'soon-revoked')).status, 200);
  tokens.delete('soon-revoked');
  const revoked = await get('/Patient/patient-1', 'soon-revoked');
  assert.equal(revoked.status, 401);
  assert.match(revoked.challenge ?? '', /error="invalid_token"/);
});

test('401 invalid_token "expired" once exp <= now, 200 a second before', async () => {
  const expired = await get('/Patient/patient-1', 'expired');
  assert.equal(expired.status, 401);
  assert.equal(expired.challenge, 'Bearer realm="smartctl-sandbox", error="invalid_token", error_description="The access token expired 10 s ago."');
  const now = await get('/Observation', 'expires-now');
  assert.equal(now.status, 401);
  assert.match(now.challenge ?? '', /error="invalid_token", error_description="The access token expired 0 s ago\."/);
  assert.equal((await get('/Patient/patient-1', 'expires-next-second')).status, 200);
});

test('400 invalid_request for a credential that cannot be a bearer token (RFC 6750 §2, §3.1)', async () => {
  const empty = await get('/Patient/patient-1', undefined, { authorization: 'Bearer ' });
  assert.equal(empty.status, 400);
  assert.match(empty.challenge ?? '', /^Bearer realm="smartctl-sandbox", error="invalid_request", error_description="The Authorization header says \\"Bearer\\" but carries no token\."$/);
  const spaced = await get('/Patient/patient-1', undefined, { authorization: 'Bearer user-v1 extra' });
  assert.equal(spaced.status, 400);
  assert.match(diagnostics(spaced), /RFC 6750 §2\.1/);
  const inQuery = await get('/Patient/patient-1?access_token=user-v1');
  assert.equal(inQuery.status, 400);
  assert.match(diagnostics(inQuery), /access_token query parameter/);
  const both = await get('/Patient/patient-1?access_token=user-v1', 'user-v1');
  assert.equal(both.status, 400);
  assert.match(diagnostics(both), /both in the Authorization header and as the access_token query parameter/);
});

test('read: 200 with the resource as application/fhir+json; 404 OperationOutcome for unknown ids, types and paths', async () => {
  const ok = await get('/Patient/patient-2', 'user-v1');
  assert.equal(ok.status, 200);
  assert.match(ok.contentType ?? '', /^application\/fhir\+json/);
  assert.equal(ok.body['resourceType'], 'Patient');
  assert.equal(ok.body['id'], 'patient-2');
  assert.equal((await get('/Encounter/encounter-3', 'user-v1')).body['id'], 'encounter-3');
  assert.equal((await get('/Practitioner/practitioner-2', 'user-v1')).body['id'], 'practitioner-2');
  const missing = await get('/Patient/nobody', 'user-v1');
  assert.equal(missing.status, 404);
  assert.equal(diagnostics(missing), 'not-found: Patient/nobody does not exist.');
  const type = await get('/MedicationRequest/x', 'user-v1');
  assert.equal(type.status, 404);
  assert.match(diagnostics(type), /^not-supported: Resource type MedicationRequest is not served/);
  const history = await get('/Patient/patient-1/_history', 'user-v1');
  assert.equal(history.status, 404);
  assert.equal(history.body['resourceType'], 'OperationOutcome');
});

test('405 for writes: the API is read-only', async () => {
  const post = await fetch(`${base}/Patient`, { method: 'POST', headers: { authorization: 'Bearer user-v1', 'content-type': 'application/fhir+json' }, body: '{"resourceType":"Patient"}' });
  assert.equal(post.status, 405);
  assert.equal(post.headers.get('allow'), 'GET, HEAD');
  await post.body?.cancel();
});

test('search Patient by _id, name, family and birthdate', async () => {
  assert.deepEqual(ids(await get('/Patient?_id=patient-2', 'user-v1')), ['patient-2']);
  assert.deepEqual(ids(await get('/Patient?_id=patient-1,patient-3', 'user-v1')), ['patient-1', 'patient-3']);
  assert.deepEqual(ids(await get('/Patient?name=carla', 'user-v1')), ['patient-3']);
  assert.deepEqual(ids(await get('/Patient?name=SHA', 'user-v1')), ['patient-1'], 'name matches a prefix, any case');
  assert.deepEqual(ids(await get('/Patient?family=ray', 'user-v1')), ['patient-2']);
  assert.deepEqual(ids(await get('/Patient?family=amy', 'user-v1')), [], 'family does not match a given name');
  assert.deepEqual(ids(await get('/Patient?birthdate=1987-02-20', 'user-v1')), ['patient-1']);
  assert.deepEqual(ids(await get('/Patient?birthdate=eq2012', 'user-v1')), ['patient-3']);
  assert.deepEqual(ids(await get('/Patient?birthdate=lt1960-01-01', 'user-v1')), ['patient-2']);
  assert.deepEqual(ids(await get('/Patient?birthdate=ge1987-02-20', 'user-v1')), ['patient-1', 'patient-3']);
  assert.deepEqual(ids(await get('/Patient', 'user-v1')), ['patient-1', 'patient-2', 'patient-3']);
});

test('search Observation by patient, subject, category and code; Encounter by patient; Practitioner by _id and name', async () => {
  assert.deepEqual(ids(await get('/Observation?patient=patient-2', 'user-v1')), ['observation-4', 'observation-5', 'observation-6']);
  assert.deepEqual(ids(await get('/Observation?subject=Patient/patient-3', 'user-v1')), ['observation-7', 'observation-8', 'observation-9']);
  assert.deepEqual(ids(await get('/Observation?category=laboratory', 'user-v1')), ['observation-3', 'observation-6', 'observation-9']);
  assert.deepEqual(ids(await get(`/Observation?category=${encodeURIComponent(`${CATEGORY}|laboratory`)}`, 'user-v1')), ['observation-3', 'observation-6', 'observation-9']);
  assert.deepEqual(ids(await get('/Observation?category=other-system|laboratory', 'user-v1')), [], 'the system must match when given');
  assert.deepEqual(ids(await get('/Observation?patient=patient-2&category=laboratory', 'user-v1')), ['observation-6']);
  assert.equal(ids(await get('/Observation?category=laboratory,vital-signs', 'user-v1')).length, 9, 'a comma is OR');
  assert.deepEqual(ids(await get('/Observation?code=http://loinc.org|8867-4', 'user-v1')), ['observation-1', 'observation-4', 'observation-7']);
  assert.deepEqual(ids(await get('/Observation?code=29463-7&patient=patient-1', 'user-v1')), ['observation-2']);
  assert.deepEqual(ids(await get('/Encounter?patient=patient-3', 'user-v1')), ['encounter-3']);
  assert.deepEqual(ids(await get('/Encounter?patient=Patient/patient-1', 'user-v1')), ['encounter-1']);
  assert.deepEqual(ids(await get('/Practitioner?_id=practitioner-2', 'user-v1')), ['practitioner-2']);
  assert.deepEqual(ids(await get('/Practitioner?name=priya', 'user-v1')), ['practitioner-2']);
  assert.deepEqual(ids(await get('/Practitioner?name=lee', 'user-v1')), ['practitioner-1']);
});

test('searchset Bundle: total, _count, fullUrl and self link', async () => {
  const page = await get('/Observation?_count=2', 'user-v1');
  assert.deepEqual(ids(page), ['observation-1', 'observation-2']);
  assert.equal(page.body['total'], 9, 'total counts every match, not the page');
  const entry = (page.body['entry'] as Array<{ fullUrl: string; search: { mode: string } }>)[0];
  assert.equal(entry?.fullUrl, `${base}/Observation/observation-1`);
  assert.equal(entry?.search.mode, 'match');
  assert.deepEqual(page.body['link'], [{ relation: 'self', url: `${base}/Observation?_count=2` }]);
  assert.deepEqual(ids(await get('/Observation?_count=0', 'user-v1')), []);
});

test('400 for an unsupported search parameter or an unreadable value', async () => {
  const color = await get('/Observation?color=blue', 'user-v1');
  assert.equal(color.status, 400);
  assert.match(diagnostics(color), /^not-supported: Unsupported search parameter\(s\) for Observation: color \(supported: .*category/);
  assert.equal((await get('/Practitioner?birthdate=1987', 'user-v1')).status, 400, 'birthdate is a Patient parameter only');
  const count = await get('/Observation?_count=many', 'user-v1');
  assert.equal(count.status, 400);
  assert.match(diagnostics(count), /_count: expected a whole number from 0 to 9999, got "many"/);
  assert.equal((await get('/Observation?_count=-1', 'user-v1')).status, 400);
  const date = await get('/Patient?birthdate=last-tuesday', 'user-v1');
  assert.equal(date.status, 400);
  assert.match(diagnostics(date), /^invalid: .*birthdate/);
  assert.equal((await get('/Observation?code=', 'user-v1')).status, 400);
});

test('v1 patient scopes: the context patient only, 403 in v1 syntax outside it', async () => {
  assert.equal((await get('/Observation/observation-1', 'patient-v1')).status, 200);
  const other = await forbidden('/Observation/observation-4', 'patient-v1', 'user/Observation.read');
  assert.match(other, /Observation\/observation-4 belongs to Patient\/patient-2, outside the patient in context \(Patient\/patient-1\)/);
  assert.deepEqual(ids(await get('/Observation', 'patient-v1')), ['observation-1', 'observation-2', 'observation-3']);
  await forbidden('/Practitioner/practitioner-1', 'patient-v1', 'patient/Practitioner.read');
  await forbidden('/Encounter?patient=patient-1', 'patient-v1', 'patient/Encounter.read');
});

test('v2 patient scopes: reads and searches bounded by the patient in context', async () => {
  assert.equal((await get('/Patient/patient-1', 'patient-v2')).status, 200);
  assert.equal((await get('/Encounter/encounter-1', 'patient-v2')).status, 200);
  const otherPatient = await forbidden('/Patient/patient-2', 'patient-v2', 'user/Patient.r');
  assert.match(otherPatient, /Patient\/patient-2 is not the patient in context \(Patient\/patient-1\)/);
  await forbidden('/Encounter/encounter-2', 'patient-v2', 'user/Encounter.r');
  // A search without patient= is limited to the compartment; one naming another patient is refused.
  assert.deepEqual(ids(await get('/Observation', 'patient-v2')), ['observation-1', 'observation-2', 'observation-3']);
  assert.deepEqual(ids(await get('/Observation?category=laboratory', 'patient-v2')), ['observation-3']);
  assert.deepEqual(ids(await get('/Patient', 'patient-v2')), ['patient-1']);
  assert.deepEqual(ids(await get('/Encounter?patient=patient-1', 'patient-v2')), ['encounter-1']);
  const named = await forbidden('/Observation?patient=patient-2', 'patient-v2', 'user/Observation.s');
  assert.match(named, /names Patient\/patient-2, outside the patient in context/);
  await forbidden('/Observation?subject=Patient/patient-1,Patient/patient-3', 'patient-v2', 'user/Observation.s');
  await forbidden('/Patient?_id=patient-2', 'patient-v2', 'user/Patient.s');
  // Practitioner is outside the Patient compartment: patient/*.rs reads it.
  assert.equal((await get('/Practitioner/practitioner-2', 'patient-v2')).status, 200);
});

test('403 for a scope that does not cover the type or the interaction, naming the scope needed', async () => {
  const wrongType = await forbidden('/Patient/patient-1', 'obs-only', 'patient/Patient.r');
  assert.match(wrongType, /the granted scope "patient\/Observation\.rs" does not allow reading Patient/);
  await forbidden('/Observation', 'obs-read-only', 'patient/Observation.s');
  assert.equal((await get('/Observation/observation-2', 'obs-read-only')).status, 200);
  await forbidden('/Patient/patient-1', 'user-obs-only', 'user/Patient.r');
  assert.deepEqual(ids(await get('/Observation?patient=patient-3&code=8867-4', 'user-obs-only')), ['observation-7']);
});

test('403 when patient/ scopes come with no patient context bound', async () => {
  const read = await forbidden('/Patient/patient-1', 'no-context', 'launch/patient');
  assert.match(read, /no patient context was bound/);
  await forbidden('/Observation', 'no-context', 'launch/patient');
});

test('v2 query-restricted scopes: vital-signs let through, laboratory refused', async () => {
  assert.deepEqual(ids(await get('/Observation?category=vital-signs', 'vitals-only')), ['observation-1', 'observation-2']);
  await forbidden('/Observation?category=laboratory', 'vitals-only', 'patient/Observation.s');
  await forbidden('/Observation', 'vitals-only', 'patient/Observation.s');
  assert.equal((await get('/Observation/observation-1', 'vitals-only')).status, 200);
  await forbidden('/Observation/observation-3', 'vitals-only', 'patient/Observation.r');
  await forbidden('/Observation/observation-4', 'vitals-only', 'user/Observation.r');
  // The restriction written with the category system matches the resource's coding too.
  assert.equal((await get('/Observation/observation-2', 'vitals-system-form')).status, 200);
  await forbidden('/Observation/observation-3', 'vitals-system-form', 'patient/Observation.r');
  // user/ restricted to laboratory: every patient's lab results, nothing else.
  assert.deepEqual(ids(await get('/Observation?category=laboratory', 'user-lab')), ['observation-3', 'observation-6', 'observation-9']);
  assert.equal((await get('/Observation/observation-9', 'user-lab')).status, 200);
  await forbidden('/Observation/observation-7', 'user-lab', 'user/Observation.r');
});

test('system scopes (backend services) read and search across patients', async () => {
  assert.deepEqual(ids(await get('/Patient', 'backend')), ['patient-1', 'patient-2', 'patient-3']);
  assert.equal((await get('/Observation/observation-9', 'backend')).status, 200);
});

test('fhirUser: the signed-in user\'s own resource is readable with openid or fhirUser, nothing else is', async () => {
  assert.equal((await get('/Practitioner/practitioner-1', 'practitioner-only')).body['id'], 'practitioner-1');
  await forbidden('/Practitioner/practitioner-2', 'practitioner-only', 'user/Practitioner.r');
  await forbidden('/Practitioner?_id=practitioner-1', 'practitioner-only', 'user/Practitioner.s');
  assert.equal((await get('/Patient/patient-2', 'patient-user')).body['id'], 'patient-2');
  await forbidden('/Patient/patient-1', 'patient-user', 'user/Patient.r');
  await forbidden('/Practitioner/practitioner-1', 'fhiruser-without-scope', 'user/Practitioner.r');
});
