// Client assertion iat/nbf ahead of the server's clock (the client's clock runs fast; FAPI 2:
// servers accept 0..10 s, reject beyond 60 s).
import { assertionRule } from './assertion-rule.js';

export const assertionClockSkew = assertionRule({
  id: 'assertion-clock-skew',
  catalog: ['assertion-clock-skew'],
  check: 'assertion-clock-skew',
  title: 'the server refused the client assertion times (iat/nbf): the clocks disagree',
  causes: [
    { text: 'This machine\'s clock runs ahead of the server\'s, so iat or nbf is in the server\'s future.', when: /future|ahead|not yet valid|nbf|iat/i },
    { text: 'iat/nbf is set a little ahead on purpose (or rounded up) and the server allows no tolerance.', when: /tolerance|leeway/i },
    { text: 'The assertion was built long before it was sent, so it is outside the accepted window.', when: /valid time range|expired|window/i },
  ],
  fix: 'Synchronise the clock (NTP); set iat to now (or a few seconds earlier) and leave nbf out.',
  spec: 'rfc7519-iat',
});
