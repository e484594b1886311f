// Client assertion exp already past when the server read it (built once and reused, or a slow
// clock). Part of the assertion-clock-skew catalog entry: the time window of the assertion.
import { assertionRule } from './assertion-rule.js';

export const assertionExpired = assertionRule({
  id: 'assertion-expired',
  catalog: ['assertion-clock-skew'],
  check: 'assertion-expired',
  title: 'the server refused an expired client assertion',
  causes: [
    { text: 'The assertion was built once and reused after its exp (each token request needs a fresh one).', when: /reuse|cache/i },
    { text: 'This machine\'s clock runs behind the server\'s.', when: /clock|skew/i },
  ],
  fix: 'Build a fresh assertion (new jti, exp = now + at most 300 s) for every token request; synchronise the clock (NTP).',
  spec: 'rfc7519-exp',
});
