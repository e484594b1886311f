// Probing the FHIR server with the new access token: the launch Patient, the fhirUser
// resource, and one search per granted resource type (bounded). Every request lands in
// the trace; the diagnosis rules turn 401/403s into findings.
import type { HttpClient } from '../http/client.js';
import { parseScopes } from '../protocol/scopes/parse.js';

export interface ProbeResult {
  what: string;
  url: string;
  status?: number | undefined;
  error?: string | undefined;
}

const MAX_SEARCHES = 5;
const CONCRETE_DEFAULT_TYPES = ['Observation', 'Encounter'];

export function probeTargets(fhirBaseUrl: string, o: { patient?: string | undefined; fhirUser?: string | undefined; grantedScope?: string | undefined }): Array<{ what: string; url: string }> {
  const base = fhirBaseUrl.replace(/\/+$/, '');
  const out: Array<{ what: string; url: string }> = [];
  if (o.patient !== undefined) out.push({ what: 'launch patient', url: `${base}/Patient/${encodeURIComponent(o.patient)}` });
  if (o.fhirUser !== undefined) out.push({ what: 'fhirUser', url: /^https?:\/\//.test(o.fhirUser) ? o.fhirUser : `${base}/${o.fhirUser}` });
  const types = new Set<string>();
  for (const s of parseScopes(o.grantedScope ?? '')) {
    if (s.kind !== 'resource' || s.compartment === 'system' || !s.permissions.includes('s')) continue;
    if (s.resourceType === '*') CONCRETE_DEFAULT_TYPES.forEach((t) => types.add(t));
    else types.add(s.resourceType);
  }
  for (const type of [...types].slice(0, MAX_SEARCHES)) {
    const q = new URLSearchParams();
    if (o.patient !== undefined && type !== 'Patient' && type !== 'Practitioner') q.set('patient', o.patient);
    q.set('_count', '5');
    out.push({ what: `search ${type}`, url: `${base}/${type}?${q.toString()}` });
  }
  return out;
}

export async function probeFhir(client: HttpClient, accessToken: string, targets: ReadonlyArray<{ what: string; url: string }>): Promise<ProbeResult[]> {
  const results: ProbeResult[] = [];
  for (const t of targets) {
    try {
      const r = await client.request({ step: 'fhir.probe', url: t.url, headers: { authorization: `Bearer ${accessToken}`, accept: 'application/fhir+json' } });
      results.push({ what: t.what, url: t.url, status: r.status });
    } catch (error) {
      results.push({ what: t.what, url: t.url, error: error instanceof Error ? error.message : String(error) });
    }
  }
  return results;
}
