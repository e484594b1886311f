// Everything the sandbox's routes share: URLs, clients, keys, data, state, faults.
import type { SandboxKeys } from './keys.js';
import type { SandboxStore } from './store.js';
import type { FaultHooks } from './faults/fault.js';
import type { ClientRegistration, FhirDataset } from './types.js';

export type ScopeSyntaxMode = 'v1' | 'v2' | 'both';

export interface SandboxUrls {
  /** http://127.0.0.1:PORT */
  origin: string;
  /** http://127.0.0.1:PORT/fhir */
  fhirBase: string;
  /** http://127.0.0.1:PORT/oauth */
  issuer: string;
  authorize: string;
  token: string;
  introspect: string;
  revoke: string;
  jwks: string;
  ehrLaunch: string;
  smartStyle: string;
  /** The page that explains an error code: error_uri. */
  errorPage(name: string): string;
}

export interface SandboxContext {
  urls: SandboxUrls;
  clients: ReadonlyMap<string, ClientRegistration>;
  keys: SandboxKeys;
  data: FhirDataset;
  store: SandboxStore;
  faults: readonly FaultHooks[];
  faultNames: readonly string[];
  scopes: ScopeSyntaxMode;
  autoApprove: boolean;
  nowSeconds(): number;
}

export const FHIR_BASE_PATH = '/fhir';
export const OAUTH_PATH = '/oauth';
export const SESSION_COOKIE = 'smartctl_sandbox_session';
/** The per-request way for headless clients to skip login, patient picker and consent. */
export const AUTO_APPROVE_HEADER = 'x-sandbox-auto-approve';

export function sandboxUrls(origin: string): SandboxUrls {
  const issuer = `${origin}${OAUTH_PATH}`;
  return {
    origin,
    fhirBase: `${origin}${FHIR_BASE_PATH}`,
    issuer,
    authorize: `${issuer}/authorize`,
    token: `${issuer}/token`,
    introspect: `${issuer}/introspect`,
    revoke: `${issuer}/revoke`,
    jwks: `${issuer}/jwks`,
    ehrLaunch: `${origin}/ehr/launch`,
    smartStyle: `${origin}/ehr/smart-style.json`,
    errorPage: (name) => `${issuer}/errors/${encodeURIComponent(name)}`,
  };
}
