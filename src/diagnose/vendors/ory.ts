// Ory Hydra (and Ory Network): fosite's error_description texts, often seen in an error page's URL.
import type { VendorPhrase } from './types.js';

const V = 'Ory Hydra';

export const ORY: readonly VendorPhrase[] = [
  // fosite ErrInvalidRequest hint, quoted in the error URL of a login that uses Hydra (the Jagex launcher report).
  { vendor: V, match: /The 'redirect_uri' parameter does not match any of the OAuth 2\.0 Client's pre-registered redirect urls/i, findingId: 'redirect-uri-mismatch', meaning: 'the redirect_uri is not one of the client\'s registered redirect URLs', seenAt: 'https://github.com/aitoiaita/linux-jagex-launcher/issues/8' },
];
