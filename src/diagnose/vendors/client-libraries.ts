// What client libraries print when a flow fails (explain --message): the app's side of the
// failure. Matched against e.messages only, never against server answers.
import type { VendorPhrase } from './types.js';

export const CLIENT_LIBRARIES: readonly VendorPhrase[] = [
  { vendor: 'openid-client', match: /unexpected iss value|issuer mismatch|"iss" claim mismatch|issuer did not match/i, findingId: 'issuer-mismatch', meaning: 'the issuer compared byte for byte differs (often a trailing slash)', seenAt: 'https://github.com/panva/openid-client/issues/76' },
  { vendor: 'smart-on-fhir client-js', match: /No 'state' parameter found|state mismatch|invalid state|does not match state from request/i, findingId: 'state-missing-or-mismatch', meaning: 'the callback state is missing or is not the one this client sent', seenAt: 'https://github.com/smart-on-fhir/client-js/issues/115' },
  { vendor: 'browser (fetch / XMLHttpRequest)', match: /has been blocked by CORS policy|No 'Access-Control-Allow-Origin' header is present/i, findingId: 'cors-token-endpoint', meaning: 'the browser refused the answer: the server does not allow this origin (a CORS block; on a token URL this is cors-token-endpoint)', seenAt: 'https://github.com/smart-on-fhir/client-js/issues/83' },
];
