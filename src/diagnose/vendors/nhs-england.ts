// NHS England's API platform (application-restricted, signed JWT client authentication):
// error_description texts of its token endpoint.
import type { VendorPhrase } from './types.js';

const V = 'NHS England API platform';

export const NHS_ENGLAND: readonly VendorPhrase[] = [
  { vendor: V, match: /The JWKS endpoint, for your client_assertion can't be reached/i, findingId: 'assertion-key-not-resolvable', meaning: 'the server could not fetch the JWKS the assertion points to (its jku, or the registered JWKS URL)', seenAt: 'https://developer.community.nhs.uk/t/int-jwks-endpoint-error/5033' },
  { vendor: V, match: /Invalid 'iss'\/'sub' claims in client_assertion JWT/i, findingId: 'assertion-iss-sub-mismatch', meaning: 'iss and sub must both be the API key of the app registered in this environment', seenAt: 'https://developer.community.nhs.uk/t/invalid-iss-sub-claims-in-client-assertion-jwt/8080' },
];
