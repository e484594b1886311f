// Epic: mostly opaque. invalid_client comes with error_description null, so the local
// preflight of what was sent decides (epic-invalid-client-opaque).
import type { VendorPhrase } from './types.js';

const V = 'Epic';

export const EPIC: readonly VendorPhrase[] = [
  { vendor: V, match: /interconnect-fhir-oauth.*\binvalid_client\b|\binvalid_client\b.*interconnect-fhir-oauth/i, findingId: 'epic-invalid-client-opaque', meaning: 'Epic answers invalid_client without saying which check failed', seenAt: 'https://golangfix.com/epic-fhir-smart-backend-services-error-invalid_client-error_description-null/' },
];
