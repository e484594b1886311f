// Regressions from the held-out real-world corpus (test/diagnose/corpus/real-world): what the
// corpus cannot assert, the wording of the finding. Each case names the post it comes from.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diagnose, evidenceFromSaved } from '../../src/diagnose/index.js';
import { statusOfUnstatedAnswer, type Evidence } from '../../src/diagnose/evidence.js';
import type { Finding } from '../../src/report/finding.js';
import { NOW } from '../helpers/jwt.js';

const run = (e: Evidence): Finding[] => diagnose(e, { now: NOW });

test('an OAuth error body pasted without its status is an error answer, and the finding does not invent a status', () => {
  // https://github.com/dcangulo/react-native-pkce-challenge/issues/229
  const [top] = run(evidenceFromSaved({ endpoint: 'token', body: '{"error":"invalid_grant","error_description":"PKCE verification failed"}' }));
  assert.equal(top?.id, 'pkce-verifier-mismatch');
  assert.match(top?.detail ?? '', /answered an error \(status not given\)/);
  assert.doesNotMatch(top?.detail ?? '', /HTTP 400/);
  assert.equal(statusOfUnstatedAnswer('{"access_token":"x","token_type":"Bearer"}', undefined), 0);
  assert.equal(statusOfUnstatedAnswer('<form><input name="redirect_uri"></form>', undefined), 0, 'generic wording alone is no error');
  assert.equal(statusOfUnstatedAnswer('Invalid parameter: redirect_uri', undefined), 400, 'a vendor\'s error wording is');
});

test('a token request pasted without method is a POST (RFC 6749 §3.2), not a GET', () => {
  // https://github.com/smart-on-fhir/client-js/issues/87
  const e = evidenceFromSaved({ endpoint: 'token', url: 'https://fhir.epic.com/interconnect-fhir-oauth/oauth2/token', body: '{ "error": "invalid_grant",  "error_description": null}' });
  assert.equal(e.responses[0]?.method, 'POST');
  assert.match(e.failures[0]?.seen ?? '', /^POST https:\/\/fhir\.epic\.com/);
});

test('an app message quoting the server\'s refusal is read as the server\'s words (MSAL, AppAuth)', () => {
  // https://github.com/Azure-Samples/ms-identity-javascript-v2/issues/18
  const [msal] = run(evidenceFromSaved({ messages: ["ServerError: invalid_client: 7000218 - [2020-09-25 07:40:47Z]: AADSTS7000218: The request body must contain the following parameter: 'client_assertion' or 'client_secret'."] }));
  assert.deepEqual([msal?.id, msal?.basis], ['public-confidential-mismatch', 'server-words']);
  assert.match(msal?.detail ?? '', /^the app reported: "ServerError: invalid_client: 7000218/);
  // https://github.com/openid/AppAuth-iOS/issues/452
  const [appauth] = run(evidenceFromSaved({ messages: ['exchange error: invalid_grant: The code_verifier sent does not match code_challenge included in the authorization request'] }));
  assert.equal(appauth?.id, 'pkce-verifier-mismatch');
});

test('"kid or alg" in a library message is not a kid value', () => {
  // https://github.com/DuendeArchive/Support/issues/500
  const [top] = run(evidenceFromSaved({ messages: ['No key matching kid or alg found in signing keys'] }));
  assert.equal(top?.id, 'id-token-kid-not-in-jwks');
  assert.doesNotMatch(`${top?.title ?? ''} ${top?.detail ?? ''}`, /kid "or"/);
  const [quoted] = run(evidenceFromSaved({ messages: ["could not find key ID '2025-09-29T02:43:24.322.rsa' in available keys"] }));
  assert.match(quoted?.title ?? '', /kid "2025-09-29T02:43:24\.322\.rsa"/);
});

test('a bare invalid_token from the FHIR server keeps expiry among the causes when nothing dates the token', () => {
  // https://github.com/smart-on-fhir/client-js/issues/124 (Cerner)
  const [top] = run(evidenceFromSaved({ status: 401, endpoint: 'fhir', body: '{"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"login","diagnostics":"Bearer realm=\\"fhir-ehr-code.cerner.com\\", error=\\"invalid_token\\""}]}' }));
  assert.equal(top?.id, 'fhir-401-invalid-token');
  assert.match(top?.causes?.[0] ?? '', /^The token expired/);
});

test('redirect_uri refused at authorize: causes the evidence rules out are not listed', () => {
  // https://github.com/keycloak/keycloak/issues/10528
  const [top] = run(evidenceFromSaved({ endpoint: 'authorize', url: 'https://auth.mydomain.com/auth/realms/master/protocol/openid-connect/auth?client_id=dashy&redirect_uri=https%3A%2F%2Fdashboard.mydomain.com%2F&response_type=code&scope=openid&state=s', body: 'Invalid parameter: redirect_uri' }));
  assert.equal(top?.id, 'redirect-uri-mismatch');
  const causes = (top?.causes ?? []).join('\n');
  assert.doesNotMatch(causes, /carries no redirect_uri/, 'a redirect_uri was sent');
  assert.doesNotMatch(causes, /token request sent a different redirect_uri/, 'no token request came');
});

test('invalid_client with the server saying it failed itself is not blamed on the client', () => {
  // https://github.com/athenahealth/apiserver-athenaFlex/issues/93
  const findings = run(evidenceFromSaved({ endpoint: 'token', body: '{"expires_in": 0, "error": "invalid_client", "error_description": "An unexpected error has occurred. Please try this operation again later."}' }));
  assert.equal(findings.some((f) => f.id === 'token-invalid-client'), false);
  assert.equal(findings[0]?.id, 'unknown-failure');
});

test('a refused redirect URI on the authorization server\'s own host is its upstream sign-in, not the app\'s registration', () => {
  // https://github.com/athenahealth/apiserver-athenaFlex/issues/242
  const url = 'https://cpsapisandbox.fhirapi.athenahealth.com/demoAPIServer/oauth2/authorize/?aud=https://cpsapisandbox.fhirapi.athenahealth.com/demoAPIServer&response_type=code%20id_token&client_id=[ClientId]&state=mystate&scope=openid%20profile%20user%2F*.read&redirect_uri=[RedirectUri]';
  const body = "The redirect URI 'https://cpsapisandbox.fhirapi.athenahealth.com/demoAPIServer/oauth2/authorize/-callback' specified in the request does not match the redirect URIs configured for the application";
  const [top] = run(evidenceFromSaved({ endpoint: 'authorize', url, authorizeUrl: url, body }));
  assert.equal(top?.id, 'redirect-uri-mismatch');
  assert.match(top?.title ?? '', /own upstream sign-in/);
  assert.match(top?.fix ?? '', /does not fix it/);
  // The app's own redirect URI quoted by the server is the app's registration.
  const app = 'https://login.example.org/authorize?client_id=c&response_type=code&redirect_uri=https%3A%2F%2Fapp.example.org%2Fcb';
  const [own] = run(evidenceFromSaved({ endpoint: 'authorize', url: app, authorizeUrl: app, body: "AADSTS50011: The redirect URI 'https://app.example.org/cb' specified in the request does not match the redirect URIs configured for the application 'x'." }));
  assert.equal(own?.title, 'the redirect_uri does not match the registration');
});

test('a code refused under invalid_request, or relayed in an app message, is invalid-grant-code; other invalid_request answers are not', () => {
  // https://github.com/FusionAuth/fusionauth-issues/issues/211
  const [fusion] = run(evidenceFromSaved({ endpoint: 'token', status: 400, body: '{"error":"invalid_request","error_description":"Invalid Authorization Code","error_reason":"auth_code_not_found"}' }));
  assert.deepEqual([fusion?.id, fusion?.role], ['invalid-grant-code', 'root-cause']);
  assert.match(fusion?.title ?? '', /\(invalid_request\)$/);
  // https://github.com/oktadev/okta-smartfhir-docs/issues/13
  const [okta] = run(evidenceFromSaved({ messages: ['Error: The authorization code is invalid or has expired.'] }));
  assert.deepEqual([okta?.id, okta?.basis], ['invalid-grant-code', 'server-words']);
  assert.match(okta?.detail ?? '', /^the app reported: "Error: The authorization code is invalid or has expired\."/);
  // Not the code: a missing parameter, a PKCE complaint, a bare "invalid code" of something else.
  for (const description of ['Missing parameter: code', 'code_challenge is invalid', 'The authorization code parameter is required', 'invalid redirect_uri for this authorization code flow']) {
    const ids = run(evidenceFromSaved({ endpoint: 'token', status: 400, body: JSON.stringify({ error: 'invalid_request', error_description: description }) })).map((f) => f.id);
    assert.ok(!ids.includes('invalid-grant-code'), `${description}: ${ids.join(', ')}`);
  }
});

test('vendor wording in app messages: Entra AADSTS9002325, ASOS nonce, athenahealth aud', () => {
  // https://github.com/microsoft/fhir-server/issues/3980
  assert.equal(run(evidenceFromSaved({ messages: ['AADSTS9002325: Proof Key for Code Exchange is required for cross-origin authorization code redemption.'] }))[0]?.id, 'pkce-missing');
  // https://github.com/aspnet-contrib/AspNet.Security.OpenIdConnect.Server/issues/549
  assert.equal(run(evidenceFromSaved({ messages: ['nonce (xdafadsfdsa) does not match nonce from token ()'] }))[0]?.id, 'id-token-nonce-mismatch');
  // https://github.com/athenahealth/apiserver-athenaFlex/issues/313
  assert.equal(run(evidenceFromSaved({ messages: ['Invalid audience parameter https://gecps-v23.checkinasyst.com:9443/cpsdemoAPIServer'] }))[0]?.id, 'aud-missing-or-wrong');
  // The generic table stays out of free text: a message that only says "invalid audience" is not enough.
  assert.notEqual(run(evidenceFromSaved({ messages: ['invalid audience'] }))[0]?.id, 'aud-missing-or-wrong');
});

test('athenahealth\'s plain-text "Client ID is required in the Authorization header" after a Bearer header: client-secret-basic-malformed in the server\'s words', () => {
  // https://github.com/athenahealth/apiserver-athenaFlex/issues/182
  const [top] = run(evidenceFromSaved({ endpoint: 'token', requestHeaders: { authorization: 'Bearer Base64EncodedClientID:ClientSecret' }, body: 'Client ID is required in the Authorization header for confidential apps and as a query parameter for public apps' }));
  assert.deepEqual([top?.id, top?.basis], ['client-secret-basic-malformed', 'server-words']);
  assert.match(top?.detail ?? '', /scheme: expected "Basic", got "Bearer"/);
  // The same words with no header at all: the header is what is missing.
  const [none] = run(evidenceFromSaved({ endpoint: 'token', body: 'Client ID is required in the Authorization header for confidential apps and as a query parameter for public apps' }));
  assert.equal(none?.id, 'client-secret-basic-malformed');
  assert.match(none?.detail ?? '', /no Authorization header was sent/);
});

// Second held-out round (test/diagnose/corpus/real-world/held-out-2026-12-02b.json): wording no row knew.

test('held-out b: Auth0 "Invalid authorisation code" in an app message is a refused code', () => {
  // https://github.com/auth0/nextjs-auth0/issues/170
  const [top] = run(evidenceFromSaved({ messages: ['invalid_grant (Invalid authorisation code)'] }));
  assert.deepEqual([top?.id, top?.basis], ['invalid-grant-code', 'server-words']);
  assert.match(top?.detail ?? '', /^the app reported: "invalid_grant \(Invalid authorisation code\)"/);
  // The wording is shared (FusionAuth answers it too): no vendor is named for it.
  const [fusion] = run(evidenceFromSaved({ endpoint: 'token', body: '{"error":"invalid_request","error_description":"Invalid Authorization Code"}' }));
  assert.equal(fusion?.id, 'invalid-grant-code');
  assert.doesNotMatch(fusion?.detail ?? '', /Auth0/);
});

test('held-out b: oidc-provider error classes in a host log (logto) name the refused code or client', () => {
  // https://github.com/logto-io/logto/issues/6007
  const [code] = run(evidenceFromSaved({ messages: ['{"stack":"InvalidGrant: invalid_grant\\n    at authorizationCodeHandler (file:///etc/logto/node_modules/.pnpm/oidc-provider@8.2.2/node_modules/oidc-provider/lib/actions/grants/authorization_code.js:42:11)'] }));
  assert.equal(code?.id, 'invalid-grant-code');
  // https://github.com/owncloud/ocis/issues/10843
  const [client] = run(evidenceFromSaved({ messages: ['{"stack":"InvalidClientAuth: invalid_client\\n    at auth (file:///etc/logto/node_modules/oidc-provider/lib/shared/token_auth.js:177:17)'] }));
  assert.equal(client?.id, 'token-invalid-client');
  // The same class thrown by the refresh grant handler is no code refusal.
  const refresh = run(evidenceFromSaved({ messages: ['{"stack":"InvalidGrant: invalid_grant\\n    at refreshTokenHandler (file:///x/node_modules/oidc-provider/lib/actions/grants/refresh_token.js:60:11)'] }));
  assert.ok(!refresh.some((f) => f.id === 'invalid-grant-code'));
});

test('held-out b: Keycloak "Incorrect redirect_uri" and "Stale refresh token" relayed by an app', () => {
  // https://github.com/marcospereirampj/python-keycloak/issues/207
  const [redirect] = run(evidenceFromSaved({ messages: ['keycloak.exceptions.KeycloakGetError: 400: b\'{"error":"invalid_grant","error_description":"Incorrect redirect_uri"}\''] }));
  assert.equal(redirect?.id, 'redirect-uri-mismatch');
  // https://github.com/marcospereirampj/python-keycloak/issues/53
  const [stale] = run(evidenceFromSaved({ messages: ['400: b\'{\\"error\\":\\"invalid_grant\\",\\"error_description\\":\\"Stale refresh token\\"}\''] }));
  assert.equal(stale?.id, 'refresh-token-rejected');
});

test('held-out b: openid-client OPError invalid_client and library key-lookup failures', () => {
  // https://github.com/panva/openid-client/issues/300
  const [client] = run(evidenceFromSaved({ messages: ['OPError: invalid_client (Invalid JWT token)'] }));
  assert.equal(client?.id, 'token-invalid-client');
  // https://github.com/panva/openid-client/issues/155
  const [key] = run(evidenceFromSaved({ messages: ['AssertionError [ERR_ASSERTION]: no valid key found'] }));
  assert.equal(key?.id, 'id-token-kid-not-in-jwks');
  // https://github.com/OpenIDC/mod_auth_openidc/issues/180
  const [kid] = run(evidenceFromSaved({ messages: ['oidc_proto_jwt_verify: JWT signature verification failed: [src/jose.c:843: oidc_jwt_verify]: could not find key with kid: pw9td\\n'] }));
  assert.equal(kid?.id, 'id-token-kid-not-in-jwks');
});

test('held-out b: athenahealth "Requested scope not authorized" is a scope refusal', () => {
  // https://github.com/athenahealth/apiserver-athenaFlex/issues/314
  const [top] = run(evidenceFromSaved({ messages: ['Microsoft.AspNetCore.Authentication.AuthenticationFailureException: unauthorized_client;Description=Requested scope not authorized'] }));
  assert.equal(top?.id, 'invalid-scope');
});

test('held-out b: Entra AADSTS700016 on the sign-in page is an unknown client_id, at the token endpoint a client refusal', () => {
  // https://github.com/Yvand/EntraCP/issues/337
  const page = "Sign in\nSorry, but we’re having trouble signing you in.\n\nAADSTS700016: Application with identifier 'Entra APP ID' was not found in the directory 'Tenant Name. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant.";
  const [top] = run(evidenceFromSaved({ endpoint: 'authorize', body: page }));
  assert.equal(top?.id, 'client-not-yet-active');
  const token = run(evidenceFromSaved({ status: 400, endpoint: 'token', body: '{"error":"unauthorized_client","error_description":"AADSTS700016: Application with identifier \'x\' was not found in the directory \'y\'."}' }));
  assert.ok(!token.some((f) => f.id === 'client-not-yet-active'));
});

test('held-out b: NHS England\'s assertion refusals name the check', () => {
  // https://developer.community.nhs.uk/t/int-jwks-endpoint-error/5033
  const [jwks] = run(evidenceFromSaved({ status: 403, endpoint: 'token', requestBody: 'grant_type=client_credentials&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer&client_assertion=x.y.z', body: '{"error":"public_key error","error_description":"The JWKS endpoint, for your client_assertion can\'t be reached"}' }));
  assert.equal(jwks?.id, 'assertion-key-not-resolvable');
  assert.match(jwks?.causes?.[0] ?? '', /JWKS URL cannot be fetched/, 'the cause the server names comes first');
  // https://developer.community.nhs.uk/t/invalid-iss-sub-claims-in-client-assertion-jwt/8080
  const [iss] = run(evidenceFromSaved({ endpoint: 'token', body: '{"error":"invalid_request","error_description":"Invalid \'iss\'/\'sub\' claims in client_assertion JWT"}' }));
  assert.equal(iss?.id, 'assertion-iss-sub-mismatch');
});

test('held-out b: a preflight lint the server did not name is only noticed when its words name another assertion check', () => {
  // https://developer.community.nhs.uk/t/invalid-iss-sub-claims-in-client-assertion-jwt/8080 (an RS512 assertion, iss = sub = client_id)
  const requestBody = 'grant_type=client_credentials&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer&client_assertion=eyJhbGciOiJSUzUxMiIsImtpZCI6InRlc3QtMSIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJSdFVNMTdrWUpQNjhzcXFqVkFjSjR4MU5GSTB5U3RBRyIsInN1YiI6IlJ0VU0xN2tZSlA2OHNxcWpWQWNKNHgxTkZJMHlTdEFHIiwiYXVkIjoiaHR0cHM6Ly9hcGkuc2VydmljZS5uaHMudWsvb2F1dGgyL3Rva2VuIiwiZXhwIjoxNzYwMDEwMTQ4LCJpYXQiOjE3NjAwMDk4NDgsImp0aSI6IjlkYzc4ZDViLTYyZmQtNDdkOS05ZWFjLTFlNGUwMWQzMjIyMCJ9.0iNJ7cwAbxxflAKg80DOSioXN2yhCAH03_K01P8KVma1c4P8H9DePNfTduENd7L0nMqoXVJD1dih_4geBXez1IQdvma9SR3aA9t84QftyUM0TChv5nL1mXIScZBEnqxDFFlq2vmw5cvJurpDhMyhasiBj54HHy5G_lqF2Zc-1IxXCXcxDPbkYCeIc52dSWNuKMqJABRS7ZDivYdsi7l2ORCfMevF_TKA0hUDr1nCsHJrIE5pPDeneo-GypNMW-ck3RPZt2IT_l_PtV89LvQwbTW5gcc5Or68MQ3CydeDlhfBIVdW91km5vry9QSh1SD0d15HIOEEOjPlEwyXE6r3RB1sjH931atAmAAk3W0wDwEnRsYxosNhW8UouEO20SFFmDpltKY0FMcef3Gnd9EkTMLFPONQ98cXLgOpVF86qbEAocp1YTET5QkcGXfDzWOkZ1eW6RPfA-ZNpRxKjkm7Iy6UOax9xP6kprbmXmHHk0EVtZbBHIviTlQ57oUGDWWHJktQ9sk24Hz2yOQF4pUjLbzX6IhAf_IBNXwZhq0ApL914q5waybxiy-yPJ_cRXgRxYOXLoXEATNUG0qE3q-dJx8z_ro97PyV3yIAWPzaaFTRS-10_GY9ZMDLl92iKJAbubKZXDnLSbPWyHBh3JiLZOS1w7UVklsXP2MFDvRmHbA&client_id=RtUM17kYJP68sqqjVAcJ4x1NFI0yStAG';
  const findings = run(evidenceFromSaved({ endpoint: 'token', requestBody, body: '{"error":"invalid_request","error_description":"Invalid \'iss\'/\'sub\' claims in client_assertion JWT"}' }));
  assert.equal(findings[0]?.id, 'assertion-iss-sub-mismatch');
  const alg = findings.find((f) => f.id === 'assertion-alg-unsupported');
  assert.deepEqual([alg?.role, alg?.severity], ['also-noticed', 'warning']);
  // A bare invalid_client names nothing: the same lint still leads.
  const [bare] = run(evidenceFromSaved({ status: 401, endpoint: 'token', requestBody, body: '{"error":"invalid_client"}' }));
  assert.deepEqual([bare?.id, bare?.role], ['assertion-alg-unsupported', 'root-cause']);
});

test('held-out b: a pasted callback request line with error=invalid_scope is the server\'s refusal of the scopes', () => {
  // https://github.com/smart-on-fhir/sample-apps/issues/1
  const [top] = run(evidenceFromSaved({ messages: ['GET /?error=invalid_scope&error_description=Invalid%20scope.....'] }));
  assert.deepEqual([top?.id, top?.basis], ['invalid-scope', 'server-words']);
  const other = run(evidenceFromSaved({ messages: ['GET /callback?error=access_denied&error_description=invalid_scope%20denied'] }));
  assert.ok(!other.some((f) => f.id === 'invalid-scope'));
});

test('held-out b: a 401 from the token endpoint without an OAuth error is a likely client refusal, as a warning', () => {
  // https://github.com/auth0/laravel-auth0/issues/42
  const [top] = run(evidenceFromSaved({ status: 401, endpoint: 'token', url: 'https://example.auth0.com/oauth/token/', body: 'Unauthorized' }));
  assert.deepEqual([top?.id, top?.severity, top?.role, top?.basis], ['token-invalid-client', 'warning', 'root-cause', 'circumstance']);
  assert.match(top?.detail ?? '', /RFC 6749 §5\.2/);
  const [fault] = run(evidenceFromSaved({ status: 401, endpoint: 'token', body: 'An unexpected error has occurred. Please try this operation again later' }));
  assert.notEqual(fault?.id, 'token-invalid-client');
});

test('held-out b: an app saying the token response had no patient is token-response-missing-launch-context', () => {
  // https://github.com/jwilleke/yourphr/issues/293 (CMS Blue Button 2.0)
  const [top] = run(evidenceFromSaved({ messages: ['Connection failed: token response did not include a patient id (check the launch/patient scope)'] }));
  assert.deepEqual([top?.id, top?.basis], ['token-response-missing-launch-context', 'server-words']);
  assert.match(top?.detail ?? '', /give it \(--token-response\)/);
});

test('held-out b: Oracle Health\'s empty-scopes URN quoted by the app is a scope the app is not registered for', () => {
  // https://forums.oracle.com/ords/apexds/post/invalid-scope-while-trying-to-authorize-using-jwt-0436
  const [top] = run(evidenceFromSaved({ messages: ['The resulting token contains no scopes, either due to unsatisfied categories specified in the token request, or because the client is no longer authorized for the scopes associated with the refresh token.', 'Error Code: urn:cerner:error:authorization-server:oauth2:token:empty-scopes'] }));
  assert.deepEqual([top?.id, top?.basis], ['cerner-unauthorized-client-unregistered-scope', 'server-words']);
});
