// Auth0: client authentication failures of private_key_jwt, as its logs and support articles word them.
import type { VendorPhrase } from './types.js';

const V = 'Auth0';

export const AUTH0: readonly VendorPhrase[] = [
  { vendor: V, match: /'exp' claim must specify a time that is no more than 5 minutes after 'iat'/i, findingId: 'assertion-exp-too-long', meaning: 'the assertion lives longer than five minutes', seenAt: 'https://community.auth0.com/t/invalid-client-error-with-private-key-jwt-authentication-when-requesting-an-access-token/191217' },
];
