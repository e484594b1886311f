// Wording many servers share (RFC texts, common libraries): the most generic table,
// consulted after the vendor tables.
import type { VendorPhrase } from './types.js';

const V = 'generic';

export const GENERIC: readonly VendorPhrase[] = [
  { vendor: V, match: /code[_ ]verifier|\bPKCE\b.*(fail|mismatch|invalid)|invalid code verifier/i, findingId: 'pkce-verifier-mismatch', meaning: 'the PKCE verifier does not match the challenge', seenAt: 'https://www.rfc-editor.org/rfc/rfc7636#section-4.6' },
  { vendor: V, match: /code_challenge(_method)? (is )?(required|missing)|missing code_challenge|PKCE (is )?required/i, findingId: 'pkce-missing', meaning: 'the server requires a PKCE challenge', seenAt: 'https://github.com/DuendeArchive/Support/issues/861' },
  { vendor: V, match: /redirect[_ ]uri/i, findingId: 'redirect-uri-mismatch', meaning: 'the redirect_uri is not the registered one', seenAt: 'https://www.rfc-editor.org/rfc/rfc6749#section-4.1.2.1' },
  { vendor: V, match: /invalid audience|\baud(ience)?\b.*(invalid|mismatch|not match)/i, findingId: 'aud-missing-or-wrong', meaning: 'aud is not the FHIR base URL', seenAt: 'https://github.com/medplum/medplum/issues/1432' },
  // fhir (rules-c)
  { vendor: 'LinuxForHealth FHIR', match: /is not permitted under patient context/i, findingId: 'fhir-403-outside-patient-context', meaning: 'the request reaches outside the compartment of the patient in context', seenAt: 'https://github.com/LinuxForHealth/FHIR/pull/1809' },
  { vendor: 'LinuxForHealth FHIR', match: /Requested interaction is not permitted by any of the passed scopes/i, findingId: 'fhir-403-insufficient-scope', meaning: 'no granted scope covers this resource and interaction', seenAt: 'https://github.com/LinuxForHealth/FHIR/pull/1809' },
];
