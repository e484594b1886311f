// Token endpoint trouble that is not an OAuth error: 5xx answers and slow answers.
import { makeFinding, type Finding } from '../../report/finding.js';
import type { Evidence } from '../evidence.js';
import { describeError, responsesAt, type DiagnosisRule } from '../rule.js';

/** Slower than this and apps with common client timeouts start failing intermittently. */
export const SLOW_TOKEN_MS = 2000;

export const tokenServerError: DiagnosisRule = {
  id: 'token-endpoint-server-error',
  diagnose(e: Evidence): Finding[] {
    const r = responsesAt(e, 'token').find((x) => x.status >= 500);
    if (r === undefined) return [];
    return [
      makeFinding({
        id: 'token-endpoint-server-error',
        severity: 'error',
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

export const tokenEndpointSlow: DiagnosisRule = {
  id: 'token-endpoint-slow',
  diagnose(e: Evidence): Finding[] {
    const slow = responsesAt(e, 'token').filter((x) => (x.durationMs ?? 0) > SLOW_TOKEN_MS);
    if (slow.length === 0) return [];
    const worst = Math.max(...slow.map((x) => x.durationMs ?? 0));
    return [
      makeFinding({
        id: 'token-endpoint-slow',
        severity: 'warning',
        title: `the token endpoint took ${Math.round(worst)} ms to answer`,
        detail: `${slow.length} token request(s) over ${SLOW_TOKEN_MS} ms; the slowest took ${Math.round(worst)} ms`,
        fix: 'Give token requests a timeout of several seconds (and retry idempotent refreshes); report sustained slowness to the vendor.',
        spec: 'smart-token-request',
        exchanges: slow.map((x) => x.exchangeId).filter((id): id is number => id !== undefined),
      }),
    ];
  },
};
