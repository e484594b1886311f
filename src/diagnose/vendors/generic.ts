// Wording many servers share (RFC texts, common libraries): the most generic table,
// consulted after the vendor tables.
import type { VendorPhrase } from './types.js';

const V = 'generic';

export const GENERIC: readonly VendorPhrase[] = [
  { vendor: V, match: /code[_ ]verifier|\bPKCE\b.*(fail|mismatch|invalid)|invalid code verifier/i, findingId: 'pkce-verifier-mismatch', meaning: 'the PKCE verifier does not match the challenge', seenAt: 'https://www.rfc-editor.org/rfc/rfc7636#section-4.6' },
  // Duende/IdentityServer4 page: "Sorry, there was an error : invalid_request code challenge required".
  { vendor: 'Duende IdentityServer', match: /code challenge required/i, findingId: 'pkce-missing', meaning: 'the server requires a PKCE challenge', seenAt: 'https://github.com/DuendeArchive/IdentityServer4/issues/4238' },
  // Common phrasings of RFC 7636 §4.4.1 (a server requiring PKCE answers invalid_request to a request without it).
  { vendor: V, match: /code_challenge(_method)? (is )?(required|missing)|missing code_challenge\b|PKCE (with S256 )?(is )?required/i, findingId: 'pkce-missing', meaning: 'the server requires a PKCE challenge', seenAt: 'https://www.rfc-editor.org/rfc/rfc7636#section-4.4.1' },
  { vendor: 'OpenIddict', match: /The mandatory 'code_challenge' parameter is missing|ID2029/i, findingId: 'pkce-missing', meaning: 'the server requires a PKCE challenge', seenAt: 'https://github.com/openiddict/openiddict-core/issues/1361' },
  { vendor: V, match: /code_challenge_method.{0,40}(not supported|unsupported|invalid|not allowed)|(unsupported|invalid) code_challenge_method|transform algorithm not supported/i, findingId: 'pkce-method-not-s256', meaning: 'the PKCE method sent is not one the server accepts (S256)', seenAt: 'https://www.rfc-editor.org/rfc/rfc7636#section-4.4.1' },
  { vendor: V, match: /redirect[_ ]uri/i, findingId: 'redirect-uri-mismatch', meaning: 'the redirect_uri is not the registered one', seenAt: 'https://www.rfc-editor.org/rfc/rfc6749#section-4.1.2.1' },
  { vendor: 'Medplum', match: /invalid audience|\baud(ience)?\b.*(invalid|mismatch|not match)/i, findingId: 'aud-missing-or-wrong', meaning: 'aud is not the FHIR base URL', seenAt: 'https://github.com/medplum/medplum/issues/1432' },
  // fhir (rules-c)
  { vendor: 'LinuxForHealth FHIR', match: /is not permitted under patient context/i, findingId: 'fhir-403-outside-patient-context', meaning: 'the request reaches outside the compartment of the patient in context', seenAt: 'https://github.com/LinuxForHealth/FHIR/pull/1809' },
  { vendor: 'LinuxForHealth FHIR', match: /Requested interaction is not permitted by any of the passed scopes/i, findingId: 'fhir-403-insufficient-scope', meaning: 'no granted scope covers this resource and interaction', seenAt: 'https://github.com/LinuxForHealth/FHIR/pull/1809' },
];
