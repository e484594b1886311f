// The token endpoint answered 5xx: a server failure, not an RFC 6749 §5.2 error.
import { makeFinding, type Finding } from '../../../report/finding.js';
import type { Evidence } from '../../evidence.js';
import { describeError, responsesAt, type DiagnosisRule } from '../../rule.js';

export const tokenServerError: DiagnosisRule = {
  id: 'token-endpoint-server-error',
  phase: 'token',
  catalog: [],
  diagnose(e: Evidence): Finding[] {
    const r = responsesAt(e, 'token').find((x) => x.status >= 500);
    if (r === undefined) return [];
    return [
      makeFinding({
        id: 'token-endpoint-server-error',
        severity: 'error',
        role: 'root-cause',
        basis: 'server-words',
        title: `the token endpoint failed with HTTP ${r.status}`,
        detail: `${describeError(r)}${r.oauthError === undefined ? '; the body is not an RFC 6749 §5.2 error, so the server gives no reason' : ''}`,
        causes: ['The authorization server is overloaded or misconfigured (not a problem of the request).', 'A gateway in front of it fails.'],
        fix: 'Retry later with back-off; if it persists, report it to the vendor with the time and the request id from the response headers.',
        spec: 'rfc6749-token-error',
        exchanges: r.exchangeId === undefined ? undefined : [r.exchangeId],
      }),
    ];
  },
};
