// The fault registry: every --fault the sandbox knows, in the order help lists them,
// with what it does, the real failure it mirrors, and the finding id smartctl gives
// for it (the id `smartctl discover` or the diagnosis produces; failure catalog names
// where no command produces one yet). Pure data, so `smartctl sandbox
// --help` can list it without loading the server; the behaviour is in one file per
// fault (./<name>.ts), collected by ./hooks.ts. Adding a fault: a file, a line here,
// a line in hooks.ts and a test expecting its finding id.

export interface FaultInfo {
  /** kebab-case, the value of --fault. */
  name: string;
  /** What the sandbox does differently. */
  effect: string;
  /** The real-world failure it reproduces. */
  mirrors: string;
  /** The finding id smartctl's diagnosis gives for it. */
  findingId: string;
}

export const FAULTS: readonly FaultInfo[] = [
  { name: 'drop-openid', effect: 'the granted scope silently omits openid and profile, so the token response has no id_token', mirrors: 'an EHR sandbox whose app registration lacks OpenID Connect (Oracle Health / Cerner): 200 token response, no id_token', findingId: 'openid-scope-dropped' },
  { name: 'force-authn-stale-session', effect: 'once a login session cookie exists, an authorize request with forceAuthn=true is answered 400 Bad Request (no redirect to the app)', mirrors: 'Oracle Health / Cerner authorize answering 400 when the launch adds forceAuthn=true and stale cookies exist for the authorization host', findingId: 'force-authn-rejected' },
  { name: 'strict-client-auth-header', effect: "a token request with any Authorization header its client's auth method does not call for (Bearer, or Basic from a public or private_key_jwt client) gets 401 invalid_client with an invalid-authorization-header error_uri", mirrors: 'Oracle Health / Cerner rejecting a backend client that sent its JWT as Authorization: Bearer (401 invalid_client, ...:invalid-authorization-header, client=unknown)', findingId: 'client-assertion-in-authorization-header' },
  { name: 'id-token-unknown-kid', effect: 'id_tokens are signed with a key (and kid) that jwks_uri does not publish', mirrors: 'a key rotation where the server signs with a new key before publishing it, so id_token validation finds no key for the kid', findingId: 'id-token-kid-not-in-jwks' },
  { name: 'id-token-wrong-aud', effect: 'the id_token aud is the FHIR base URL instead of the client id', mirrors: 'servers that put the resource (FHIR base) or another client id in the id_token aud, so OpenID clients reject the token', findingId: 'id-token-aud-azp-mismatch' },
  { name: 'clock-skew-future-iat', effect: 'id_tokens carry iat (and exp, auth_time) 600 s in the future', mirrors: 'an authorization server whose clock runs ahead, so clients reject id_tokens "issued in the future"', findingId: 'id-token-clock-skew' },
  { name: 'jwks-down', effect: 'jwks_uri answers 503 Service Unavailable with an HTML page', mirrors: 'a JWKS endpoint behind a load balancer that is down or misrouted, so no id_token signature can be checked', findingId: 'jwks-unreachable' },
  { name: 'no-smart-configuration', effect: '<fhir>/.well-known/smart-configuration answers 404; only <fhir>/metadata (oauth-uris) names the endpoints', mirrors: 'older or misconfigured FHIR servers that publish SMART endpoints only in the CapabilityStatement', findingId: 'smart-configuration-missing' },
  { name: 'v1-only-scopes', effect: 'v2 resource scopes are granted in v1 spelling (patient/Observation.rs becomes patient/Observation.read); v2 scopes v1 cannot say are dropped', mirrors: 'EHRs that advertise permission-v2 but still speak SMART v1, so an app matching granted scope strings thinks its scopes were dropped', findingId: 'scope-v1-v2-syntax-mismatch' },
  { name: 'no-refresh-token', effect: 'the token response has no refresh_token although offline_access or online_access was granted', mirrors: 'servers that withhold refresh tokens from some client types (often public clients) while echoing offline_access in the granted scope', findingId: 'no-refresh-token-despite-offline-access' },
  { name: 'redirect-uri-trailing-slash', effect: 'authorize compares redirect_uri with the registered value plus a trailing "/", so the exact registered URI is refused (loopback URIs included)', mirrors: 'EHR registrations that store the redirect URI normalised with a trailing slash, so the exact URI the app sends is "not registered"', findingId: 'redirect-uri-mismatch' },
  { name: 'token-500', effect: 'every token request is answered 500 Internal Server Error with a non-OAuth JSON body', mirrors: 'an overloaded or misconfigured token endpoint answering 500 instead of an RFC 6749 §5.2 error', findingId: 'token-endpoint-server-error' },
  { name: 'token-html', effect: 'every token request is answered 200 with an HTML page instead of a JSON token response', mirrors: 'a token endpoint behind a gateway or SSO proxy that serves its HTML login page, so the client fails parsing JSON', findingId: 'token-response-nonconformant-shape' },
  { name: 'slow-token-endpoint', effect: 'the token endpoint waits 3000 ms before answering (Server-Timing: sandbox-delay;dur=3000)', mirrors: 'EHR token endpoints that take seconds under load, so apps with short HTTP timeouts fail intermittently', findingId: 'token-endpoint-slow' },
  { name: 'missing-patient-context', effect: 'the token response omits patient and encounter even when launch/patient or an EHR launch context was granted', mirrors: 'EHR launches where the server grants launch/patient but sends no patient, so the app has no context to read', findingId: 'token-response-missing-launch-context' },
  { name: 'issuer-mismatch', effect: 'openid-configuration names the issuer with a trailing "/" that smart-configuration and the id_token iss lack', mirrors: 'servers whose OpenID issuer differs from the SMART issuer and the id_token iss by a trailing slash, so OpenID clients refuse discovery or the id_token', findingId: 'issuer-mismatch' },
  { name: 'pkce-not-advertised', effect: 'smart-configuration and openid-configuration omit code_challenge_methods_supported (authorize still requires S256)', mirrors: 'SMART servers that require PKCE but do not list code_challenge_methods_supported, which SMART App Launch 2.x requires', findingId: 'discovery-missing-pkce-methods' },
];

export const FAULT_NAMES: readonly string[] = FAULTS.map((f) => f.name);

export function findFault(name: string): FaultInfo | undefined {
  return FAULTS.find((f) => f.name === name);
}
