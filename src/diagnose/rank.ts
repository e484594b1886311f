// Orders findings by what explains the observed failure: root causes first (the server's
// own words beat the shape of the request, which beats circumstance), then contributing,
// then what was also noticed. When something failed and no rule explains it, the first
// finding says so (unknown-failure): "cannot tell" is a correct answer, a wrong cause is not.
import { makeFinding, type Finding, type FindingBasis } from '../report/finding.js';
import { parseVendorErrorUri } from '../protocol/oauth-error.js';
import type { Evidence } from './evidence.js';
import type { ObservedFailure } from './failure.js';

const BASIS_RANK: Record<FindingBasis, number> = { 'server-words': 0, 'request-shape': 1, circumstance: 2 };
const SEVERITY_RANK = { error: 0, warning: 1, info: 2 } as const;

function rootRank(f: Finding): number {
  return BASIS_RANK[f.basis ?? 'circumstance'] * 10 + SEVERITY_RANK[f.severity];
}

/** What evidence would decide, by where the failure was seen. */
function wouldDecide(f: ObservedFailure): string {
  switch (f.endpoint) {
    case 'token':
      return 'the token request as sent (--request-body, --request-header, or --curl), the client authentication method, and the full response headers';
    case 'fhir':
      return 'the request headers the app sent (--request-header "Authorization: Bearer …"), the WWW-Authenticate header of the answer (--header), and the token response (--token-response)';
    case 'authorize':
    case 'callback':
      return 'the whole authorize URL (--url) and what came back to the redirect URI, or a HAR of the browser session (--har)';
    case 'discovery':
      return 'the URL that was fetched (--url) and the body of the answer';
    default:
      return 'the request (--curl or --request-header/--request-body) and the full answer, or a HAR of the whole flow (--har)';
  }
}

export function unknownFailure(e: Evidence, failure: ObservedFailure): Finding {
  const lines = [`seen: ${failure.seen}`];
  const uri = failure.response?.oauthError?.error_uri ?? (failure.kind === 'callback-error' ? e.callbackError?.error_uri : undefined);
  const vendor = parseVendorErrorUri(uri);
  if (vendor !== undefined) {
    lines.push(`the error_uri names ${vendor.urn}, which no rule knows${vendor.instance !== undefined ? `; instance ${vendor.instance}` : ''}${vendor.client !== undefined ? `, client=${vendor.client}` : ''}${vendor.tenant !== undefined ? `, tenant=${vendor.tenant}` : ''}`);
  }
  if (e.failures.length > 1) lines.push(`${e.failures.length - 1} more failure(s) followed; the first one is what needs explaining`);
  return makeFinding({
    id: 'unknown-failure',
    severity: 'warning',
    role: 'unexplained',
    title: 'smartctl cannot tell why this failed',
    detail: lines.join('\n'),
    fix: `Give what would decide it: ${wouldDecide(failure)}.${vendor !== undefined ? ' Quote the instance id to the vendor.' : ''}`,
  });
}

/** Roles filled in, root causes ranked, and the honest "cannot tell" first when nothing explains the failure. */
export function rank(findings: readonly Finding[], e: Evidence): Finding[] {
  const withRole = findings.map((f) => (f.role === undefined ? { ...f, role: 'also-noticed' as const } : f));
  const roots = withRole.filter((f) => f.role === 'root-cause').sort((a, b) => rootRank(a) - rootRank(b));
  const contributing = withRole.filter((f) => f.role === 'contributing').sort((a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity]);
  const noticed = withRole.filter((f) => f.role === 'also-noticed' || f.role === 'unexplained').sort((a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity]);
  const [failure] = e.failures;
  const head = roots.length === 0 && failure !== undefined ? [unknownFailure(e, failure)] : [];
  return [...head, ...roots, ...contributing, ...noticed];
}
