// The small search the sandbox supports: a few parameters per type. Values are
// exact (tokens, references, ids), prefix (names) or date comparisons (birthdate,
// with the eq/ne/gt/lt/ge/le prefixes); a comma means OR (FHIR R4 search §3.1.1.3).
type Resource = Record<string, unknown>;
type Matcher = (resource: Resource, value: string) => boolean;

function reference(resource: Resource, field: string): string | undefined {
  return (resource[field] as { reference?: string } | undefined)?.reference;
}

function refMatches(field: string, type: string): Matcher {
  return (r, v) => {
    const ref = reference(r, field);
    return ref === v || ref === `${type}/${v}`;
  };
}

function names(r: Resource): string[] {
  return ((r['name'] as Array<{ given?: string[]; family?: string }> | undefined) ?? []).flatMap((n) => [...(n.given ?? []), n.family ?? '']).map((s) => s.toLowerCase());
}

function codings(r: Resource, field: string): Array<{ system?: string; code?: string }> {
  const value = r[field];
  const concepts = (Array.isArray(value) ? value : [value]) as Array<{ coding?: Array<{ system?: string; code?: string }> } | undefined>;
  return concepts.flatMap((c) => c?.coding ?? []);
}

function tokenMatches(field: string): Matcher {
  return (r, v) => {
    const [system, code] = v.includes('|') ? v.split('|', 2) : [undefined, v];
    return codings(r, field).some((c) => c.code === code && (system === undefined || system === '' || c.system === system));
  };
}

const byId: Matcher = (r, v) => String(r['id']) === v;

const DATE = /^(eq|ne|gt|lt|ge|le)?(\d{4}(?:-\d{2}(?:-\d{2})?)?)$/;

/** Dates compare as text at the precision given: "1987" matches a birthDate of 1987-02-20. */
const byBirthdate: Matcher = (r, v) => {
  const m = DATE.exec(v);
  const birthDate = r['birthDate'];
  if (m === null || typeof birthDate !== 'string') return false;
  const wanted = m[2] ?? '';
  const have = birthDate.slice(0, wanted.length);
  switch (m[1] ?? 'eq') {
    case 'ne': return have !== wanted;
    case 'gt': return have > wanted;
    case 'lt': return have < wanted;
    case 'ge': return have >= wanted;
    case 'le': return have <= wanted;
    default: return have === wanted;
  }
};
const byName: Matcher = (r, v) => names(r).some((n) => n.startsWith(v.toLowerCase()));
const byFamily: Matcher = (r, v) => ((r['name'] as Array<{ family?: string }> | undefined) ?? []).some((n) => n.family?.toLowerCase().startsWith(v.toLowerCase()) === true);

export const SEARCH_PARAMS: Record<string, Record<string, Matcher>> = {
  Patient: { _id: byId, name: byName, family: byFamily, birthdate: byBirthdate, _count: () => true },
  Practitioner: { _id: byId, name: byName, _count: () => true },
  Encounter: { _id: byId, patient: refMatches('subject', 'Patient'), subject: refMatches('subject', 'Patient'), _count: () => true },
  Observation: { _id: byId, patient: refMatches('subject', 'Patient'), subject: refMatches('subject', 'Patient'), category: tokenMatches('category'), code: tokenMatches('code'), _count: () => true },
};

/** Parameters the sandbox does not support (FHIR says ignore or refuse; we refuse, to be explicit). */
export function unsupportedParams(type: string, query: URLSearchParams): string[] {
  const known = SEARCH_PARAMS[type] ?? {};
  return [...new Set(query.keys())].filter((k) => !Object.hasOwn(known, k) && k !== '_format');
}

/** Values the sandbox cannot search with: each a sentence for a 400 OperationOutcome. */
export function invalidValues(type: string, query: URLSearchParams): string[] {
  const problems: string[] = [];
  for (const [name, value] of query) {
    if (name === '_count' && !/^\d{1,4}$/.test(value)) problems.push(`_count: expected a whole number from 0 to 9999, got "${value}"`);
    else if (type === 'Patient' && name === 'birthdate' && value.split(',').some((v) => !DATE.test(v))) problems.push(`birthdate: expected [eq|ne|gt|lt|ge|le]YYYY[-MM[-DD]], got "${value}"`);
    else if (name !== '_count' && name !== '_format' && value === '') problems.push(`${name}: empty value`);
  }
  return problems;
}

/** Every parameter must match (AND); within one, a comma-separated list matches any (OR). */
export function matches(type: string, resource: Resource, query: URLSearchParams): boolean {
  const known = SEARCH_PARAMS[type] ?? {};
  for (const [name, value] of query) {
    if (name === '_count') continue;
    const m = known[name];
    if (m !== undefined && !value.split(',').some((v) => m(resource, v))) return false;
  }
  return true;
}

/** The patient a resource belongs to (its compartment), if any. */
export function patientOf(type: string, resource: Resource): string | undefined {
  if (type === 'Patient') return String(resource['id']);
  const ref = reference(resource, 'subject');
  return ref?.startsWith('Patient/') === true ? ref.slice('Patient/'.length) : undefined;
}

/** The values of a resource that v2 scope restrictions may name (category, code). */
export function restrictionValues(resource: Resource): URLSearchParams {
  const q = new URLSearchParams();
  for (const field of ['category', 'code']) {
    for (const c of codings(resource, field)) {
      if (c.code === undefined) continue;
      q.append(field, c.code);
      if (c.system !== undefined) q.append(field, `${c.system}|${c.code}`);
    }
  }
  return q;
}
