// Client assertion aud is not the token URL it was posted to (SMART client-confidential-asymmetric;
// RFC 7523 §3). Also assertion-aud-not-https-url when the token URL is unknown and aud is no https URL.
import { assertionRule } from './assertion-rule.js';

export const assertionAudMismatch = assertionRule({
  id: 'assertion-aud-mismatch',
  catalog: ['assertion-aud-mismatch'],
  check: 'assertion-aud-mismatch',
  siblings: ['assertion-aud-not-https-url'],
  title: 'the server refused the client assertion audience (aud)',
  causes: [
    { text: 'aud is not the exact token endpoint URL the assertion is posted to (a FHIR base, the issuer, or a token URL from other documentation instead of the one in .well-known/smart-configuration).', when: /token (url|endpoint)|endpoint url|expected "https?:\/\/[^"]*token/i },
    { text: 'The server wants the issuer identifier as aud (strict OpenID Connect / FAPI 2, Keycloak strict mode), as a single string, not an array.', when: /issuer|realm|domain/i },
    { text: 'aud differs from the expected URL by a trailing slash, case, port or host alias (servers compare the exact string).', when: /trailing slash|:80\/|:443\//i },
  ],
  fix: 'Set aud to the token_endpoint from the server\'s .well-known/smart-configuration, exactly as you POST to it (a single string); for strict OIDC/FAPI servers use the issuer.',
  spec: 'smart-client-assertion-claims',
});
