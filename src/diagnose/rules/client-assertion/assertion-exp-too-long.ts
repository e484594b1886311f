// Client assertion exp more than 5 minutes ahead (SMART: SHALL be no more than five minutes
// in the future), exp in milliseconds; also assertion-exp-missing.
import { assertionRule } from './assertion-rule.js';

export const assertionExpTooLong = assertionRule({
  id: 'assertion-exp-too-long',
  catalog: ['assertion-exp-too-long'],
  check: 'assertion-exp-too-long',
  siblings: ['assertion-exp-missing'],
  title: 'the server refused the client assertion lifetime (exp)',
  causes: [
    { text: 'exp is more than 300 s after iat or after the server\'s time (SMART allows at most five minutes).', when: /5 minutes|\b300 s\b|too far|lifetime|after 'iat'|after iat/i },
    { text: 'exp (or iat) is in milliseconds instead of seconds since the epoch (a 13-digit number).', when: /milliseconds|13 digits/i },
    { text: 'exp is missing.', when: /no exp|exp(iration)? must be (specified|provided)/i },
  ],
  fix: 'Set exp to now + 60..300 seconds, in seconds since the epoch, not milliseconds.',
  spec: 'smart-client-assertion-claims',
});
