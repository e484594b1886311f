// The sandbox's synthetic FHIR data, loaded once from fixtures/fhir (committed,
// made by scripts/fixtures/fhir.ts).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DemoPatient, DemoUser, FhirDataset } from './types.js';

// dist/src/sandbox/data.js -> the repository root is three levels up.
const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../fixtures/fhir');

type Resource = Record<string, unknown>;

function displayName(resource: Resource): string {
  const [name] = (resource['name'] as Array<{ given?: string[]; family?: string; prefix?: string[] }> | undefined) ?? [];
  if (name === undefined) return String(resource['id']);
  return [...(name.prefix ?? []), ...(name.given ?? []), name.family ?? ''].join(' ').trim();
}

function readJson(file: string): unknown {
  return JSON.parse(readFileSync(path.join(FIXTURES, file), 'utf8')) as unknown;
}

export function buildDataset(resourceList: readonly Resource[], demo: { users: DemoUser[]; defaultUser: string; defaultPatient: string }): FhirDataset {
  const resources = new Map<string, Map<string, Resource>>();
  for (const r of resourceList) {
    const type = String(r['resourceType']);
    let byId = resources.get(type);
    if (byId === undefined) resources.set(type, (byId = new Map()));
    byId.set(String(r['id']), r);
  }
  const encounters = [...(resources.get('Encounter')?.values() ?? [])];
  const patients: DemoPatient[] = [...(resources.get('Patient')?.values() ?? [])].map((p) => ({
    id: String(p['id']),
    displayName: displayName(p),
    birthDate: typeof p['birthDate'] === 'string' ? p['birthDate'] : undefined,
    encounterId: encounters.find((e) => (e['subject'] as { reference?: string } | undefined)?.reference === `Patient/${String(p['id'])}`)?.['id'] as string | undefined,
  }));
  const users = demo.users.filter((u) => {
    const [type, id] = u.fhirUser.split('/');
    return type !== undefined && id !== undefined && resources.get(type)?.has(id) === true;
  });
  const defaultUser = users.find((u) => u.id === demo.defaultUser) ?? users[0];
  const defaultPatient = patients.find((p) => p.id === demo.defaultPatient) ?? patients[0];
  if (defaultUser === undefined || defaultPatient === undefined) throw new Error('the sandbox FHIR fixtures hold no users or no patients');
  return { resources, users, patients, defaultUser, defaultPatient };
}

let cached: FhirDataset | undefined;

export function loadFhirDataset(): FhirDataset {
  if (cached !== undefined) return cached;
  const bundle = readJson('resources.json') as { entry: Array<{ resource: Resource }> };
  const demo = readJson('demo.json') as { users: DemoUser[]; defaultUser: string; defaultPatient: string };
  cached = buildDataset(
    bundle.entry.map((e) => e.resource),
    demo,
  );
  return cached;
}
