// The contracts between the sandbox's parts: the authorization server (discovery,
// authorize, token, introspect/revoke, EHR simulator, faults) and the FHIR API
// (data, scope enforcement, CapabilityStatement), and the programmatic API that
// `smartctl sandbox`, `launch --sandbox` and the tests use.
import type { IncomingMessage, ServerResponse } from 'node:http';

/** What an access token lets its bearer do, as the FHIR API needs to know it. */
export interface AccessGrant {
  clientId: string;
  /** The granted scope string, exactly as returned in the token response. */
  scope: string;
  patient?: string | undefined;
  encounter?: string | undefined;
  /** "Practitioner/abc" or "Patient/xyz": the signed-in user, when there is one. */
  fhirUser?: string | undefined;
  /** Expiry, seconds since the epoch. */
  exp: number;
}

/** A person who can sign in on the login page, backed by a FHIR resource in the dataset. */
export interface DemoUser {
  /** The login name shown on the page, e.g. "dr-lee". */
  id: string;
  displayName: string;
  /** Relative FHIR reference: "Practitioner/practitioner-1" or "Patient/patient-1". */
  fhirUser: string;
}

export interface DemoPatient {
  id: string;
  displayName: string;
  birthDate?: string | undefined;
  /** An encounter of this patient, for launch/encounter. */
  encounterId?: string | undefined;
}

/** The synthetic FHIR data the sandbox serves (committed under fixtures/fhir). */
export interface FhirDataset {
  /** resourceType -> id -> resource JSON */
  resources: ReadonlyMap<string, ReadonlyMap<string, Record<string, unknown>>>;
  users: readonly DemoUser[];
  patients: readonly DemoPatient[];
  /** The user and patient that --auto-approve signs in and picks. */
  defaultUser: DemoUser;
  defaultPatient: DemoPatient;
}

/** Endpoints the FHIR API advertises in its CapabilityStatement (oauth-uris extension). */
export interface OAuthUris {
  authorize: string;
  token: string;
  introspect?: string | undefined;
  revoke?: string | undefined;
  manage?: string | undefined;
}

export interface FhirApiOptions {
  /** e.g. http://127.0.0.1:PORT/fhir */
  fhirBaseUrl: URL;
  data: FhirDataset;
  oauthUris: OAuthUris;
  /** Looks up a bearer token; undefined when unknown or revoked. */
  lookupToken(token: string): AccessGrant | undefined;
  /** Seconds since the epoch. */
  nowSeconds(): number;
}

/** Handles a request whose path starts with the FHIR base path; `path` is what follows it ("/Patient/1", "/metadata"). */
export type FhirHandler = (req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams) => void;

/** A client registration, RFC 7591 metadata names. */
export interface ClientRegistration {
  client_id: string;
  client_name?: string | undefined;
  client_secret?: string | undefined;
  token_endpoint_auth_method: 'none' | 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt';
  redirect_uris: string[];
  grant_types: string[];
  scope: string;
  jwks?: { keys: Array<Record<string, unknown>> } | undefined;
  jwks_uri?: string | undefined;
  /** Written by the sandbox for its own asymmetric demo clients: the PEM private key path. */
  private_key_file?: string | undefined;
}

export interface SandboxOptions {
  /** 0 (the default) picks a free port. */
  port?: number | undefined;
  /** 127.0.0.1 unless the user asks otherwise. */
  host?: string | undefined;
  faults?: string[] | undefined;
  /** Extra clients (RFC 7591 names) besides the demo clients. */
  clients?: ClientRegistration[] | undefined;
  scopes?: 'v1' | 'v2' | 'both' | undefined;
  /** Skip login, patient picker and consent with the default user and patient. */
  autoApprove?: boolean | undefined;
  /** Where the demo asymmetric client's private key PEM is written (a fresh temp dir when omitted). */
  keyDir?: string | undefined;
  /** A file caching the id_token signing key between starts (made when missing or unreadable, mode 0600); a fresh key when omitted. */
  keyCacheFile?: string | undefined;
}

export interface SandboxHandle {
  /** http://127.0.0.1:PORT/fhir */
  fhirBaseUrl: string;
  /** The OpenID issuer (its /.well-known/openid-configuration is served). */
  issuer: string;
  /** Template: open it with ?launch_url=<your app's launch URL> (and optionally patient, encounter, user). */
  ehrLaunchUrl: string;
  faults: string[];
  clients: ClientRegistration[];
  /** Demo client ids by role. */
  demoClients: { public: string; confidential: string; backend: string };
  close(): Promise<void>;
}
