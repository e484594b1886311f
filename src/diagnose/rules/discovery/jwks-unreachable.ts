// jwks-unreachable: the key set (jwks_uri) answered an error status or something that is
// not a JWK Set, so no id_token signature can be checked. The same finding the discovery
// flow makes live; this rule makes it from any trace (a HAR, a saved answer).
import { makeFinding, type Finding } from '../../../report/finding.js';
import { parseObject, type Evidence, type ResponseEvidence } from '../../evidence.js';
import { exchangeIdOf, pageText, type DiagnosisRule } from '../../rule.js';
import { discoveryDocuments } from './discovery-document.js';

/** A request for the key set: by the trace step, the published jwks_uri, or the usual paths. */
function isJwksRequest(r: ResponseEvidence, jwksUris: ReadonlySet<string>): boolean {
  if (r.step === 'jwks' || r.step === 'discovery.jwks') return true;
  if (r.url === undefined || !URL.canParse(r.url)) return false;
  const u = new URL(r.url);
  return jwksUris.has(`${u.origin}${u.pathname}`) || (r.endpoint === 'discovery' && /\/(jwks(\.json)?|certs)\/?$/i.test(u.pathname));
}

function notAKeySet(r: ResponseEvidence): string | undefined {
  if (r.status >= 400) {
    const body = (r.responseBody ?? '').trim();
    return `HTTP ${r.status}${body !== '' ? `: "${(/<[a-z!]/i.test(body) ? pageText(body) : body).slice(0, 120)}"` : ''}`;
  }
  if (r.status !== 200) return undefined;
  const doc = parseObject(r.responseBody);
  if (doc === undefined) return 'HTTP 200, but the body is not JSON';
  if (!Array.isArray(doc['keys'])) return 'HTTP 200, but the JSON has no "keys" array (not a JWK Set, RFC 7517 §5)';
  return undefined;
}

export const jwksUnreachable: DiagnosisRule = {
  id: 'jwks-unreachable',
  phase: 'discovery',
  catalog: [],
  diagnose(e: Evidence): Finding[] {
    const jwksUris = new Set<string>();
    for (const d of discoveryDocuments(e)) {
      const uri = d.doc['jwks_uri'];
      if (typeof uri === 'string' && URL.canParse(uri)) jwksUris.add(`${new URL(uri).origin}${new URL(uri).pathname}`);
    }
    for (const r of e.responses) {
      if (!isJwksRequest(r, jwksUris)) continue;
      const what = notAKeySet(r);
      if (what === undefined) continue;
      return [
        makeFinding({
          id: 'jwks-unreachable',
          severity: 'error',
          role: 'root-cause',
          basis: r.status >= 400 ? 'server-words' : 'request-shape',
          title: 'the server JWKS (jwks_uri) could not be read',
          detail: `GET ${r.url ?? 'jwks_uri'}: ${what}; without the key set no id_token (or access token) signature can be verified`,
          causes: ['The JWKS endpoint is down or misrouted behind a load balancer or gateway.', 'jwks_uri in the discovery document points to the wrong place.'],
          fix: 'Make jwks_uri answer 200 with the JWK Set ({"keys": [...]}); report the outage to the server owner with the time of the request.',
          spec: 'oidc-signing-keys',
          exchanges: exchangeIdOf(r),
        }),
      ];
    }
    return [];
  },
};
