// What client libraries print when a flow fails (explain --message): the app's side of the
// failure. Matched against e.messages only, never against server answers.
import type { VendorPhrase } from './types.js';

export const CLIENT_LIBRARIES: readonly VendorPhrase[] = [
  { vendor: 'openid-client', match: /unexpected iss value|issuer mismatch|"iss" claim mismatch/i, findingId: 'issuer-mismatch', meaning: 'the issuer compared byte for byte differs (often a trailing slash)', seenAt: 'https://github.com/panva/openid-client/issues/76' },
  { vendor: 'go-oidc', match: /issuer did not match the issuer returned by provider/i, findingId: 'issuer-mismatch', meaning: 'the discovery issuer is not the issuer the client was configured with', seenAt: 'https://github.com/coreos/go-oidc/issues/338' },
  { vendor: 'smart-on-fhir fhir-client.js', match: /No 'state' parameter found/i, findingId: 'state-missing-or-mismatch', meaning: 'the redirect page was opened without the state of a preceding authorize request', seenAt: 'https://github.com/smart-on-fhir/growth-chart-app/issues/18' },
  { vendor: 'smart-on-fhir client-js', match: /state mismatch|does not match state from request|State returned in authorization response/i, findingId: 'state-missing-or-mismatch', meaning: 'the callback state is not the one this client sent', seenAt: 'https://github.com/smart-on-fhir/client-js/issues/115' },
  { vendor: 'smart-on-fhir client-py', match: /\binvalid state\b/i, findingId: 'state-missing-or-mismatch', meaning: 'the callback state is not the one stored for this session', seenAt: 'https://github.com/smart-on-fhir/client-py/issues/73' },
  { vendor: 'smart-on-fhir fhir-client.js', match: /Failed to discover authorization URL/i, findingId: 'launch-without-iss', meaning: 'the launch page got no iss (opened directly, not launched by an EHR)', seenAt: 'https://github.com/smart-on-fhir/bp-centiles-app/issues/4' },
  { vendor: 'smart-on-fhir client-js (smart-launcher)', match: /Failed to fetch the well-known json/i, findingId: 'smart-configuration-missing', meaning: 'the server has no .well-known/smart-configuration at this base URL', seenAt: 'https://github.com/microsoft/fhir-server/issues/2138' },
];
