// Client assertion alg the server does not validate (SMART: RS384 or ES384; none or HS* is
// never private_key_jwt); also jwt-alg-none.
import { assertionRule } from './assertion-rule.js';

export const assertionAlgUnsupported = assertionRule({
  id: 'assertion-alg-unsupported',
  catalog: ['assertion-alg-unsupported'],
  check: 'assertion-alg-unsupported',
  siblings: ['jwt-alg-none'],
  title: 'the server does not accept the client assertion signing algorithm',
  causes: [
    { text: 'alg is not one the server validates: SMART servers accept RS384 or ES384; RS256 or PS256 is refused by many.', when: /alg(orithm)?( mismatch| is empty| not supported|: expected)|RS256|PS256/i },
    { text: 'alg is none or an HMAC (HS256): private_key_jwt needs an asymmetric signature.', when: /\bnone\b|HS256|HS384|HS512/i },
    { text: 'The server documents only RS256 (Oracle IDCS-based products): sign with what token_endpoint_auth_signing_alg_values_supported lists.', when: /BAD_TOKEN|RS256 only/i },
  ],
  fix: 'Sign with an algorithm the server advertises in token_endpoint_auth_signing_alg_values_supported, RS384 or ES384 for SMART.',
  spec: 'smart-client-assertion-claims',
});
