// All vendor tables, most specific first; phrasesIn() finds the rows a server's words match.
import { AUTH0 } from './auth0.js';
import { CLIENT_LIBRARIES } from './client-libraries.js';
import { ENTRA } from './entra.js';
import { EPIC } from './epic.js';
import { GENERIC } from './generic.js';
import { KEYCLOAK } from './keycloak.js';
import { OIDC_PROVIDER } from './oidc-provider.js';
import { OKTA } from './okta.js';
import { OPENEMR } from './openemr.js';
import { ORACLE_HEALTH } from './oracle-health.js';
import { ORY } from './ory.js';
import { SMART_LAUNCHER } from './smart-launcher.js';
import type { VendorPhrase } from './types.js';

export type { VendorPhrase } from './types.js';

export const VENDOR_PHRASES: readonly VendorPhrase[] = [...ORACLE_HEALTH, ...ENTRA, ...KEYCLOAK, ...OKTA, ...AUTH0, ...OIDC_PROVIDER, ...ORY, ...OPENEMR, ...SMART_LAUNCHER, ...EPIC, ...GENERIC];

/** Rows whose wording appears in the text, in table order (vendor-specific before generic). */
export function phrasesIn(text: string): VendorPhrase[] {
  if (text.trim() === '') return [];
  return VENDOR_PHRASES.filter((p) => p.match.test(text));
}

/** The same, without the generic table (its rows, a bare "redirect_uri", "invalid audience", are too weak for free text). */
export function specificPhrasesIn(text: string): VendorPhrase[] {
  return phrasesIn(text).filter((p) => !GENERIC.includes(p));
}

/** Rows of the client-library table whose wording appears in an app's error message. */
export function clientPhrasesIn(text: string): VendorPhrase[] {
  if (text.trim() === '') return [];
  return CLIENT_LIBRARIES.filter((p) => p.match.test(text));
}
