// The OpenID configuration names an issuer that differs from the one the tokens carry.
import type { FaultHooksEntry } from './fault.js';

export const issuerMismatch: FaultHooksEntry = {
  name: 'issuer-mismatch',
  openidConfiguration: (doc) => ({ ...doc, issuer: `${String(doc['issuer'])}/` }),
  smartConfiguration: (doc) => ({ ...doc, issuer: `${String(doc['issuer'])}/` }),
};
