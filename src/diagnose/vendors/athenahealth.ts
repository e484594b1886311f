// athenahealth (athenaFlex / athenaOne FHIR sandboxes): its own wording at authorize and token.
import type { VendorPhrase } from './types.js';

export const ATHENAHEALTH: readonly VendorPhrase[] = [
  { vendor: 'athenahealth', match: /Invalid audience parameter/i, findingId: 'aud-missing-or-wrong', meaning: 'aud is not the FHIR base URL (often the /fhir/r4 path is missing)', seenAt: 'https://github.com/athenahealth/apiserver-athenaFlex/issues/383' },
  { vendor: 'athenahealth', match: /not an approved redirect location/i, findingId: 'redirect-uri-mismatch', meaning: 'the redirect URL is not registered for the app', seenAt: 'https://github.com/athenahealth/apiserver-athenaFlex/issues/300' },
  { vendor: 'athenahealth', match: /Invalid client_id: .*Contact FHIR Server Administrator/i, findingId: 'client-not-yet-active', meaning: 'the client id is not (yet) known to this server', seenAt: 'https://github.com/athenahealth/apiserver-athenaFlex/issues/383' },
  { vendor: 'athenahealth', match: /Client ID is required in the Authorization header/i, findingId: 'client-secret-basic-malformed', meaning: 'a confidential client must send its id and secret as "Authorization: Basic base64(id:secret)"', seenAt: 'https://github.com/athenahealth/apiserver-athenaFlex/issues/182' },
  { vendor: 'athenahealth', match: /Requested scope not authorized/i, findingId: 'invalid-scope', meaning: 'a requested scope is not authorized for the app (unauthorized_client)', seenAt: 'https://github.com/athenahealth/apiserver-athenaFlex/issues/314' },
];
