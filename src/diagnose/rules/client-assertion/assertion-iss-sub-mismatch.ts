// Client assertion iss and sub are not both the client_id (or the body client_id disagrees).
import { assertionRule } from './assertion-rule.js';

export const assertionIssSubMismatch = assertionRule({
  id: 'assertion-iss-sub-mismatch',
  catalog: ['assertion-iss-sub-not-client-id'],
  check: 'assertion-iss-sub-mismatch',
  title: 'the server refused the client assertion iss/sub: they must both be the client id',
  causes: [
    { text: 'iss or sub is not the client_id (an app name, a URL, or the client id of another environment).', when: /iss|issuer|sub(ject)?/i },
    { text: 'The client_id in the body differs from iss/sub.', when: /client_id .*differs|body/i },
    { text: 'The assertion is signed with the key of another client, so the server looks in the wrong key set (Keycloak answers unauthorized_client).', when: /unauthorized_client|another client/i },
  ],
  fix: 'Set iss and sub to the client_id (the same value as any client_id in the body), and sign with that client\'s key.',
  spec: 'smart-client-assertion-claims',
});
