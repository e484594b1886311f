// The OpenID configuration names an issuer that differs (by a trailing slash) from the
// SMART configuration's and from the id_token iss.
import type { FaultHooksEntry } from './fault.js';

export const issuerMismatch: FaultHooksEntry = {
  name: 'issuer-mismatch',
  openidConfiguration: (doc) => ({ ...doc, issuer: `${String(doc['issuer'])}/` }),
};
