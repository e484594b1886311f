// Oracle Health (Cerner): the error_uri carries a URN naming the failed check, e.g.
// https://authorization.cerner.com/errors/<urlencoded urn>/instances/<uuid>?client=..&tenant=..
// (fhir.cerner.com/authorization). The URN decides; error alone is generic.
import type { VendorPhrase } from './types.js';

const V = 'Oracle Health (Cerner)';

export const ORACLE_HEALTH: readonly VendorPhrase[] = [
  { vendor: V, match: /urn:cerner:error:authorization-server:oauth2:token:invalid-authorization-header/i, findingId: 'client-assertion-in-authorization-header', meaning: 'the Authorization header of the token request could not be read as a credential of this client', seenAt: 'https://forums.oracle.com/ords/apexds/post/system-client-authentication-using-jwt-failing-7719' },
  { vendor: V, match: /urn:cerner:error:authorization-server:oauth2:token:invalid-client-credentials/i, findingId: 'cerner-invalid-client-credentials', meaning: 'the client credentials match no confidential client', seenAt: 'https://forums.oracle.com/ords/apexds/post/token-request-failing-with-invalid-client-after-successful-0040' },
  { vendor: V, match: /urn:cerner:error:authorization-server:client-assertion:jwt-bearer:invalid-signature/i, findingId: 'assertion-signature-invalid', meaning: 'the client assertion signature does not verify with the registered key', seenAt: 'https://forums.oracle.com/ords/apexds/post/error-code-urn-cerner-error-authorization-server-client-ass-8191' },
  { vendor: V, match: /urn:cerner:error:authorization-server:oauth2:grant:missing-patient/i, findingId: 'cerner-missing-patient-context', meaning: 'patient/ scopes without a patient context', seenAt: 'https://groups.google.com/g/cerner-fhir-developers/c/RnQ3xMboX0k' },
  { vendor: V, match: /urn:cerner:error:authorization-server:oauth2:grant:denied-by-user/i, findingId: 'access-denied-by-user', meaning: 'the user denied the authorization', seenAt: 'https://groups.google.com/g/cerner-fhir-developers/c/v3AeGwBAVB0' },
  { vendor: V, match: /urn:cerner:error:authorization-server:smart-v1:grant:launch:invalid-launch-code/i, findingId: 'cerner-invalid-launch-code', meaning: 'the launch value is not one the EHR issued (or it expired or was used)', seenAt: 'https://forums.oracle.com/ords/apexds/post/access-denied-invalid-launch-code-error-being-redirected-f-6420' },
  { vendor: V, match: /urn:cerner:error:authorization-server:smart-v1:grant:launch:code-required|launch code required/i, findingId: 'cerner-launch-code-required', meaning: 'a launch value is required (EHR launch) and none was sent', seenAt: 'https://groups.google.com/g/cerner-fhir-developers/c/GF25peTI9UQ' },
  { vendor: V, match: /urn:cerner:error:oauth2:resource-access:insufficient-scopes|no_scope_for_resource_path/i, findingId: 'fhir-403-insufficient-scope', meaning: 'no granted scope covers the resource path', seenAt: 'https://forums.oracle.com/ords/apexds/post/smart-launch-successful-but-patient-read-scope-not-granted-8068' },
  // fhir (rules-c): Millennium FHIR and Oracle Healthcare Data Repository answers
  { vendor: V, match: /Token has expired or signature is invalid/i, findingId: 'fhir-401-expired-token', meaning: 'the access token expired (Millennium tokens live 570 s) or its signature does not verify', seenAt: 'https://github.com/smart-on-fhir/client-js/issues/97' },
  { vendor: 'Oracle Healthcare Data Repository', match: /BAD_TOKEN: Invalid JWT token\. Bad claims\. Expired JWT/i, findingId: 'fhir-401-expired-token', meaning: 'the access token sent has expired', seenAt: 'https://docs.oracle.com/en/industries/health-sciences/healthcare-data-repository/8.1.3/fhir-guide/error-messages.html' },
  { vendor: 'Oracle Healthcare Data Repository', match: /BAD_TOKEN: Invalid JWT token\. Bad claims\. Invalid 'aud' attribute/i, findingId: 'fhir-401-invalid-audience', meaning: 'the access token aud does not contain the audience this FHIR server expects', seenAt: 'https://docs.oracle.com/en/industries/health-sciences/healthcare-data-repository/8.1.3/fhir-guide/error-messages.html' },
];
