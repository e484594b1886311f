// The behaviour of every fault, by name (what each is: ./index.ts).
import type { FaultHooks, FaultHooksEntry } from './fault.js';
import { dropOpenid } from './drop-openid.js';
import { forceAuthnStaleSession } from './force-authn-stale-session.js';
import { strictClientAuthHeader } from './strict-client-auth-header.js';
import { idTokenUnknownKid } from './id-token-unknown-kid.js';
import { idTokenWrongAud } from './id-token-wrong-aud.js';
import { clockSkewFutureIat } from './clock-skew-future-iat.js';
import { jwksDown } from './jwks-down.js';
import { noSmartConfiguration } from './no-smart-configuration.js';
import { v1OnlyScopes } from './v1-only-scopes.js';
import { noRefreshToken } from './no-refresh-token.js';
import { redirectUriTrailingSlash } from './redirect-uri-trailing-slash.js';
import { tokenServerError } from './token-500.js';
import { tokenHtml } from './token-html.js';
import { slowTokenEndpoint } from './slow-token-endpoint.js';
import { missingPatientContext } from './missing-patient-context.js';
import { issuerMismatch } from './issuer-mismatch.js';
import { pkceNotAdvertised } from './pkce-not-advertised.js';

export const FAULT_HOOKS: readonly FaultHooksEntry[] = [
  dropOpenid,
  forceAuthnStaleSession,
  strictClientAuthHeader,
  idTokenUnknownKid,
  idTokenWrongAud,
  clockSkewFutureIat,
  jwksDown,
  noSmartConfiguration,
  v1OnlyScopes,
  noRefreshToken,
  redirectUriTrailingSlash,
  tokenServerError,
  tokenHtml,
  slowTokenEndpoint,
  missingPatientContext,
  issuerMismatch,
  pkceNotAdvertised,
];

/** The hooks of the named faults, in registry order; undefined for an unknown name. */
export function hooksFor(names: readonly string[]): FaultHooks[] {
  return FAULT_HOOKS.filter((h) => names.includes(h.name));
}
