// smart-on-fhir/smart-launcher (v1 and v2): error texts.
import type { VendorPhrase } from './types.js';

const V = 'smart-launcher';

export const SMART_LAUNCHER: readonly VendorPhrase[] = [
  // config errors table: bad_audience "Bad audience value" (sent as invalid_request by later versions).
  { vendor: V, match: /\bbad_audience\b|bad audience value/i, findingId: 'aud-missing-or-wrong', meaning: 'aud is not this FHIR server (and the launcher drops state on this error)', seenAt: 'https://github.com/smart-on-fhir/smart-launcher/issues/43' },
  { vendor: V, match: /Missing state parameter/i, findingId: 'state-missing', meaning: 'the launcher requires a state parameter', seenAt: 'https://github.com/smart-on-fhir/smart-launcher/blob/master/src/config.js' },
  { vendor: V, match: /Only system scopes are allowed|Invalid scope\(s\)/i, findingId: 'invalid-scope', meaning: 'a scope is not valid for this client type or syntax', seenAt: 'https://github.com/smart-on-fhir/smart-launcher-v2/issues/25' },
  { vendor: V, match: /Invalid redirect_uri|redirect_uri.*does not match/i, findingId: 'redirect-uri-mismatch', meaning: 'the redirect_uri is not the one the launch was registered with', seenAt: 'https://github.com/smart-on-fhir/smart-launcher/issues/81' },
  { vendor: V, match: /Invalid or expired code/i, findingId: 'invalid-grant-code', meaning: 'the code was used or expired', seenAt: 'https://github.com/smart-on-fhir/smart-launcher-v2' },
];
