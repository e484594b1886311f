// The server found no (single) key for the assertion's kid: JWKS unreachable, jku not the
// registered URL, key registered for another environment, duplicate kids (SMART's key
// resolution algorithm fails).
import { assertionRule } from './assertion-rule.js';

export const assertionKeyNotResolvable = assertionRule({
  id: 'assertion-key-not-resolvable',
  catalog: ['assertion-key-not-resolvable'],
  check: 'assertion-key-not-resolvable',
  deferWhenFailed: 'assertion-kid-missing',
  title: 'the server found no registered key for the client assertion kid',
  causes: [
    { text: 'The kid is not in the JWKS registered for this client (the key was rotated, or belongs to the other environment: non-production vs production keys).', when: /no key with kid|kid .*(invalid|not found|unknown)|wasn't found|not in the jwks/i },
    { text: 'The registered JWKS URL cannot be fetched by the server (not public, not TLS, needs auth, down).', when: /jwks_uri|could not be read|fetch|unreachable|can(no|')t be reached|not reachable|timeout/i },
    { text: 'jku in the header differs from the registered JWKS URL.', when: /jku/i },
    { text: 'Two keys share the kid, or kty does not fit alg (an EC key with RS384).', when: /duplicate|kty/i },
  ],
  fix: 'Publish the public JWKS over https without auth, keep kid unique and jku equal to the registered URL, and use the key registered for this environment; check with smartctl jwt-assert --check <assertion> --jwks <registered JWKS URL>.',
  spec: 'smart-client-asymmetric',
});
