// The sandbox's synthetic FHIR data, loaded once per process from fixtures/fhir
// (committed, made by scripts/fixtures/fhir.ts; invented people only).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SmartctlError } from '../errors.js';
import type { DemoPatient, DemoUser, FhirDataset } from './types.js';

// Three levels up is the repository or package root both from dist/src/sandbox/data.js
// (tsc, what the tests import) and from dist/bundle/parts/sandbox.cjs (the bundle that
// bin/smartctl.js runs, where import.meta.url is that file's URL); the package test
// installs the tarball and starts the sandbox.
export const FHIR_FIXTURES_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../fixtures/fhir');

type Resource = Record<string, unknown>;

export interface DemoFile {
  users: DemoUser[];
  defaultUser: string;
  defaultPatient: string;
}

function unreadable(message: string, cause?: unknown): SmartctlError {
  return new SmartctlError('internal', 'sandbox-fixtures-unreadable', `the sandbox FHIR fixtures cannot be used: ${message}`, {
    hint: 'Reinstall smartctl, or regenerate them with `npm run fixtures` in a clone.',
    cause,
  });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function readJson(dir: string, file: string): unknown {
  try {
    return JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as unknown;
  } catch (error) {
    throw unreadable(`${path.join(dir, file)}: ${error instanceof Error ? error.message : String(error)}`, error);
  }
}

/** A FHIR Bundle of resources, each with a resourceType and an id. */
export function resourcesOf(bundle: unknown): Resource[] {
  if (!isObject(bundle) || !Array.isArray(bundle['entry'])) throw unreadable('resources.json is not a Bundle with an entry array');
  return bundle['entry'].map((entry: unknown, i) => {
    const resource = isObject(entry) ? entry['resource'] : undefined;
    if (!isObject(resource) || typeof resource['resourceType'] !== 'string' || typeof resource['id'] !== 'string') {
      throw unreadable(`resources.json entry ${i} has no resource with a resourceType and an id`);
    }
    return resource;
  });
}

export function demoOf(value: unknown): DemoFile {
  if (!isObject(value) || !Array.isArray(value['users']) || typeof value['defaultUser'] !== 'string' || typeof value['defaultPatient'] !== 'string') {
    throw unreadable('demo.json needs users, defaultUser and defaultPatient');
  }
  const users = value['users'].map((u: unknown, i): DemoUser => {
    if (!isObject(u) || typeof u['id'] !== 'string' || typeof u['displayName'] !== 'string' || typeof u['fhirUser'] !== 'string') {
      throw unreadable(`demo.json user ${i} needs id, displayName and fhirUser`);
    }
    return { id: u['id'], displayName: u['displayName'], fhirUser: u['fhirUser'] };
  });
  return { users, defaultUser: value['defaultUser'], defaultPatient: value['defaultPatient'] };
}

function displayName(resource: Resource): string {
  const names = resource['name'];
  const name: unknown = Array.isArray(names) ? names[0] : undefined;
  if (!isObject(name)) return String(resource['id']);
  const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : []);
  const family = typeof name['family'] === 'string' ? name['family'] : '';
  return [...strings(name['prefix']), ...strings(name['given']), family].join(' ').trim();
}

function subjectOf(resource: Resource): string | undefined {
  const subject = resource['subject'];
  return isObject(subject) && typeof subject['reference'] === 'string' ? subject['reference'] : undefined;
}

/**
 * The dataset: resources by type and id; demo users whose fhirUser resource exists
 * (others are dropped); every Patient for the picker with its first encounter; the
 * default user (must be a Practitioner) and patient named by demo.json.
 */
export function buildDataset(resourceList: readonly Resource[], demo: DemoFile): FhirDataset {
  const resources = new Map<string, Map<string, Resource>>();
  for (const r of resourceList) {
    const type = String(r['resourceType']);
    let byId = resources.get(type);
    if (byId === undefined) resources.set(type, (byId = new Map()));
    byId.set(String(r['id']), r);
  }
  const encounters = [...(resources.get('Encounter')?.values() ?? [])];
  const patients: DemoPatient[] = [...(resources.get('Patient')?.values() ?? [])].map((p) => {
    const encounter = encounters.find((e) => subjectOf(e) === `Patient/${String(p['id'])}`);
    return {
      id: String(p['id']),
      displayName: displayName(p),
      birthDate: typeof p['birthDate'] === 'string' ? p['birthDate'] : undefined,
      encounterId: encounter === undefined ? undefined : String(encounter['id']),
    };
  });
  const users = demo.users.filter((u) => {
    const [type, id, ...rest] = u.fhirUser.split('/');
    return rest.length === 0 && type !== undefined && id !== undefined && resources.get(type)?.has(id) === true;
  });
  const defaultUser = users.find((u) => u.id === demo.defaultUser);
  if (defaultUser === undefined || !defaultUser.fhirUser.startsWith('Practitioner/')) throw unreadable(`the default user "${demo.defaultUser}" is not a demo practitioner with a Practitioner resource`);
  const defaultPatient = patients.find((p) => p.id === demo.defaultPatient);
  if (defaultPatient === undefined) throw unreadable(`the default patient "${demo.defaultPatient}" has no Patient resource`);
  return { resources, users, patients, defaultUser, defaultPatient };
}

let cached: FhirDataset | undefined;

/** The committed dataset, read from disk on the first call only. */
export function loadFhirDataset(): FhirDataset {
  cached ??= buildDataset(resourcesOf(readJson(FHIR_FIXTURES_DIR, 'resources.json')), demoOf(readJson(FHIR_FIXTURES_DIR, 'demo.json')));
  return cached;
}
