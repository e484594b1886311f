// OpenEMR: its server log wording (the OAuth2 server's ScopeRepository), often pasted by the app's developer.
import type { VendorPhrase } from './types.js';

const V = 'OpenEMR';

export const OPENEMR: readonly VendorPhrase[] = [
  { vendor: V, match: /request access to invalid scope/i, findingId: 'invalid-scope', meaning: 'a requested scope is not one the server (or this client\'s registration) offers', seenAt: 'https://github.com/openemr/openemr/issues/7531' },
];
