// The discovery documents in the evidence (smart-configuration, openid-configuration), parsed.
import { parseObject, type Evidence, type ResponseEvidence } from '../../evidence.js';

export interface DiscoveryDocument {
  kind: 'smart-configuration' | 'openid-configuration';
  url?: string | undefined;
  doc: Record<string, unknown>;
  response: ResponseEvidence;
}

export function discoveryDocuments(e: Evidence): DiscoveryDocument[] {
  const out: DiscoveryDocument[] = [];
  for (const r of e.responses) {
    if (r.status !== 200 || (r.endpoint !== 'discovery' && r.endpoint !== 'other')) continue;
    const kind = /\/\.well-known\/smart-configuration/.test(r.url ?? '') ? 'smart-configuration' : /\/\.well-known\/openid-configuration/.test(r.url ?? '') ? 'openid-configuration' : undefined;
    if (kind === undefined) continue;
    const doc = parseObject(r.responseBody);
    if (doc !== undefined) out.push({ kind, url: r.url, doc, response: r });
  }
  return out;
}

export function stringList(v: unknown): string[] | undefined {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : undefined;
}
