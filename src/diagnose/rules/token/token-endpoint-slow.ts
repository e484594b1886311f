// The token endpoint took seconds to answer: apps with short HTTP timeouts fail intermittently.
import { makeFinding, type Finding } from '../../../report/finding.js';
import type { Evidence } from '../../evidence.js';
import { responsesAt, type DiagnosisRule } from '../../rule.js';

/** Slower than this and apps with common client timeouts start failing intermittently. */
export const SLOW_TOKEN_MS = 2000;

export const tokenEndpointSlow: DiagnosisRule = {
  id: 'token-endpoint-slow',
  phase: 'token',
  catalog: [],
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
