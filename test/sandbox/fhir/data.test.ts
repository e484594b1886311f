// The committed synthetic dataset: loaded once, consistent (every demo user's fhirUser
// resource exists, every patient has an encounter), and exactly what the generator writes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildDataset, demoOf, FHIR_FIXTURES_DIR, loadFhirDataset, resourcesOf } from '../../../src/sandbox/data.js';
import { isSmartctlError } from '../../../src/errors.js';
import { generate } from '../../../scripts/fixtures/fhir.js';

test('loadFhirDataset reads the fixtures once and caches them', () => {
  const first = loadFhirDataset();
  assert.equal(loadFhirDataset(), first);
  assert.deepEqual([...first.resources.keys()].sort(), ['Encounter', 'Observation', 'Patient', 'Practitioner']);
  assert.equal(first.resources.get('Observation')?.size, 9);
});

test('every demo user signs in as an existing resource; the default user is a practitioner', () => {
  const data = loadFhirDataset();
  assert.deepEqual(data.users.map((u) => u.fhirUser), ['Practitioner/practitioner-1', 'Practitioner/practitioner-2', 'Patient/patient-1']);
  for (const u of data.users) {
    const [type, id] = u.fhirUser.split('/');
    assert.equal(data.resources.get(type ?? '')?.get(id ?? '')?.['id'], id, u.fhirUser);
  }
  assert.equal(data.defaultUser.id, 'dr-lee');
  assert.match(data.defaultUser.fhirUser, /^Practitioner\//);
});

test('every patient in the picker has an encounter of its own; the default patient is one of them', () => {
  const data = loadFhirDataset();
  assert.deepEqual(data.patients.map((p) => [p.id, p.displayName, p.birthDate]), [
    ['patient-1', 'Amy Shaw', '1987-02-20'],
    ['patient-2', 'Bob Ray', '1950-01-01'],
    ['patient-3', 'Carla Diaz', '2012-07-14'],
  ]);
  for (const p of data.patients) {
    const encounter = data.resources.get('Encounter')?.get(p.encounterId ?? '');
    assert.deepEqual(encounter?.['subject'], { reference: `Patient/${p.id}` }, p.id);
  }
  assert.equal(data.defaultPatient.id, 'patient-1');
});

test('the observations carry vital-signs and laboratory categories', () => {
  const categories = [...(loadFhirDataset().resources.get('Observation')?.values() ?? [])].map((o) => JSON.stringify(o['category']).match(/"code":"([^"]+)"/)?.[1]);
  assert.deepEqual([...new Set(categories)].sort(), ['laboratory', 'vital-signs']);
});

test('the committed fixtures are what scripts/fixtures/fhir.ts generates', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'smartctl-fhir-fixtures-'));
  try {
    await generate(dir);
    for (const file of ['resources.json', 'demo.json']) {
      assert.equal(await readFile(path.join(dir, 'fixtures', 'fhir', file), 'utf8'), await readFile(path.join(FHIR_FIXTURES_DIR, file), 'utf8'), `${file}: run npm run fixtures and commit`);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('broken fixtures are an internal error with a code, not a crash', () => {
  const code = (fn: () => unknown): string => {
    try {
      fn();
    } catch (error) {
      assert.ok(isSmartctlError(error), String(error));
      assert.equal(error.kind, 'internal');
      return error.code;
    }
    assert.fail('expected an error');
  };
  assert.equal(code(() => resourcesOf({ entry: 'no' })), 'sandbox-fixtures-unreadable');
  assert.equal(code(() => resourcesOf({ entry: [{ resource: { resourceType: 'Patient' } }] })), 'sandbox-fixtures-unreadable');
  assert.equal(code(() => demoOf({ users: [{ id: 'x' }], defaultUser: 'x', defaultPatient: 'p' })), 'sandbox-fixtures-unreadable');
  const patient = { resourceType: 'Patient', id: 'p' };
  const demo = { users: [{ id: 'pat', displayName: 'P', fhirUser: 'Patient/p' }], defaultUser: 'pat', defaultPatient: 'p' };
  assert.equal(code(() => buildDataset([patient], demo)), 'sandbox-fixtures-unreadable', 'a patient cannot be the default user');
  const ghost = { users: [{ id: 'ghost', displayName: 'G', fhirUser: 'Practitioner/missing' }], defaultUser: 'ghost', defaultPatient: 'p' };
  assert.equal(code(() => buildDataset([patient], ghost)), 'sandbox-fixtures-unreadable', 'a user without a resource is dropped');
});
