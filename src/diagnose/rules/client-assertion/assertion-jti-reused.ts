// The same client assertion (or jti) sent twice; also assertion-jti-missing (SMART: the server
// SHALL reject a jti it has seen for this iss).
import { assertionRule } from './assertion-rule.js';

export const assertionJtiReused = assertionRule({
  id: 'assertion-jti-reused',
  catalog: ['assertion-jti-reused'],
  check: 'assertion-jti-reused',
  siblings: ['assertion-jti-missing'],
  title: 'the server refused a client assertion it had seen before (jti replay)',
  causes: [
    { text: 'The app caches the signed assertion (or its jti) and sends it again on the next token request.', when: /already (been )?used|only be used once|replay|reused|sent twice/i },
    { text: 'jti is a constant or derived from the time in seconds, so two assertions built in the same second collide.', when: /constant|collide/i },
    { text: 'jti is missing, so the server cannot tell assertions apart.', when: /no jti|jti .*must be provided|unique jti/i },
  ],
  fix: 'Generate a new random jti (a UUID) and a new assertion for every token request; never cache assertions.',
  spec: 'smart-client-assertion-claims',
});
