// Probing the FHIR server with the new access token: the launch Patient, the fhirUser
// resource, and one search per granted resource type (bounded) — only what the grant
// covers, since a 403 on a resource the grant never covered says nothing about the server.
// The probes run concurrently (bounded), so timeouts cost one timeout, not one each.
// Every request lands in the trace; the diagnosis rules turn 401/403s into findings.
import type { HttpClient } from '../http/client.js';
import { grantsAccess } from '../protocol/scopes/access.js';
import { parseScopes, type Scope } from '../protocol/scopes/parse.js';

export interface ProbeResult {
  what: string;
  url: string;
  status?: number | undefined;
  error?: string | undefined;
}

export interface ProbeTarget {
  what: string;
  url: string;
}

export interface ProbePlan {
  targets: ProbeTarget[];
  /** Reads the grant does not cover, so they are not sent (each with the reason). */
  skipped: Array<{ what: string; why: string }>;
}

const MAX_SEARCHES = 5;
/** Probes in flight at once. */
const CONCURRENCY = 4;
const CONCRETE_DEFAULT_TYPES = ['Observation', 'Encounter'];

/** "Practitioner/abc" or "https://ehr/fhir/Practitioner/abc" -> "Practitioner". */
function referenceType(reference: string): string | undefined {
  const parts = reference.split('?')[0]?.split('/').filter((p) => p !== '') ?? [];
  const type = parts.at(-2);
  return type !== undefined && /^[A-Z][A-Za-z]+$/.test(type) ? type : undefined;
}

/** SMART: `fhirUser` is permission to read the signed-in user's resource; a resource scope for its type also covers it. */
function coversFhirUser(granted: readonly Scope[], type: string | undefined): boolean {
  if (granted.some((s) => s.kind === 'fhirUser')) return true;
  return type !== undefined && grantsAccess(granted, { resourceType: type, interaction: 'r' });
}

export function planProbes(fhirBaseUrl: string, o: { patient?: string | undefined; fhirUser?: string | undefined; grantedScope?: string | undefined }): ProbePlan {
  const base = fhirBaseUrl.replace(/\/+$/, '');
  const granted = parseScopes(o.grantedScope ?? '');
  const targets: ProbeTarget[] = [];
  const skipped: ProbePlan['skipped'] = [];
  if (o.patient !== undefined) {
    if (grantsAccess(granted, { resourceType: 'Patient', interaction: 'r' })) targets.push({ what: 'launch patient', url: `${base}/Patient/${encodeURIComponent(o.patient)}` });
    else skipped.push({ what: 'launch patient', why: `no granted scope reads Patient (granted: "${o.grantedScope ?? ''}")` });
  }
  if (o.fhirUser !== undefined) {
    const type = referenceType(o.fhirUser);
    if (coversFhirUser(granted, type)) targets.push({ what: 'fhirUser', url: /^https?:\/\//.test(o.fhirUser) ? o.fhirUser : `${base}/${o.fhirUser}` });
    else skipped.push({ what: 'fhirUser', why: `neither fhirUser nor a scope reading ${type ?? 'its type'} was granted` });
  }
  const types = new Set<string>();
  for (const s of granted) {
    if (s.kind !== 'resource' || s.compartment === 'system' || !s.permissions.includes('s')) continue;
    if (s.resourceType === '*') CONCRETE_DEFAULT_TYPES.forEach((t) => types.add(t));
    else types.add(s.resourceType);
  }
  for (const type of [...types].slice(0, MAX_SEARCHES)) {
    const q = new URLSearchParams();
    if (o.patient !== undefined && type !== 'Patient' && type !== 'Practitioner') q.set('patient', o.patient);
    q.set('_count', '5');
    targets.push({ what: `search ${type}`, url: `${base}/${type}?${q.toString()}` });
  }
  return { targets, skipped };
}

/** The probe targets the grant covers (see planProbes for the ones left out). */
export function probeTargets(fhirBaseUrl: string, o: { patient?: string | undefined; fhirUser?: string | undefined; grantedScope?: string | undefined }): ProbeTarget[] {
  return planProbes(fhirBaseUrl, o).targets;
}

async function probeOne(client: HttpClient, accessToken: string, t: ProbeTarget): Promise<ProbeResult> {
  try {
    const r = await client.request({ step: 'fhir.probe', url: t.url, headers: { authorization: `Bearer ${accessToken}`, accept: 'application/fhir+json' } });
    return { what: t.what, url: t.url, status: r.status };
  } catch (error) {
    return { what: t.what, url: t.url, error: error instanceof Error ? error.message : String(error) };
  }
}

/** Results in the order of the targets, at most CONCURRENCY requests in flight. */
export async function probeFhir(client: HttpClient, accessToken: string, targets: readonly ProbeTarget[]): Promise<ProbeResult[]> {
  const results: ProbeResult[] = new Array<ProbeResult>(targets.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < targets.length) {
      const i = next++;
      const t = targets[i];
      if (t !== undefined) results[i] = await probeOne(client, accessToken, t);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, targets.length) }, worker));
  return results;
}
