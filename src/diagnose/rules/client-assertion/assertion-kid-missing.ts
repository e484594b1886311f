// The client assertion header has no kid (SMART makes it REQUIRED; Keycloak 21+ stopped
// guessing the key: "PublicKey wasn't found in the storage. Requested kid: 'null'").
import { assertionRule } from './assertion-rule.js';

export const assertionKidMissing = assertionRule({
  id: 'assertion-kid-missing',
  catalog: ['assertion-kid-missing'],
  check: 'assertion-kid-missing',
  wordsOf: ['assertion-key-not-resolvable'],
  title: 'the server could not pick a key: the client assertion header has no kid',
  causes: [
    { text: 'The JWS header has no kid, so the server cannot choose among the registered keys (SMART requires kid).', when: /kid: 'null'|no kid|kid.*(missing|invalid|null)/i },
    { text: 'The client has several registered keys and the server will not guess one.', when: /multiple|several/i },
  ],
  fix: 'Put the kid of the registered public JWK in the JWS header (and typ "JWT"); smartctl jwt-assert sets it from the key.',
  spec: 'rfc7515-kid',
});
