// OAuth errors: the JSON answer of the token, introspection and revocation
// endpoints (RFC 6749 §5.2), the redirect back to the app (§4.1.2.1), the HTML
// page for authorize errors that cannot be redirected, and the pages error_uri
// points at, one per error, saying what it means and what to change.
import type { ServerResponse } from 'node:http';
import type { SandboxContext } from '../context.js';
import { escapeHtml, htmlPage } from '../html.js';
import { redirect, sendHtml, sendJson } from '../http-io.js';

/** What each error_uri page explains. Keys are RFC 6749 error codes plus the sandbox's own sub-errors. */
export const ERROR_EXPLANATIONS: Readonly<Record<string, { title: string; meaning: string; fix: string; spec: string }>> = {
  invalid_request: {
    title: 'invalid_request',
    meaning: 'A required parameter is missing, repeated, or has a value the server does not accept (for example no code_verifier, an unsupported grant parameter, or a body that is not application/x-www-form-urlencoded).',
    fix: 'Read error_description: it names the parameter. Send each parameter once, form-encoded in the POST body.',
    spec: 'https://www.rfc-editor.org/rfc/rfc6749#section-5.2',
  },
  invalid_client: {
    title: 'invalid_client',
    meaning: 'Client authentication failed: unknown client_id, wrong secret, a client assertion that does not verify, or an authentication method the client is not registered for.',
    fix: 'Use the method the client is registered with (token_endpoint_auth_method) and the credentials the sandbox printed at start-up.',
    spec: 'https://www.rfc-editor.org/rfc/rfc6749#section-5.2',
  },
  'invalid-authorization-header': {
    title: 'invalid_client: invalid Authorization header',
    meaning: 'The token request carried an Authorization header the server cannot use as client credentials. A token endpoint takes client credentials as "Authorization: Basic base64(client_id:client_secret)" or, for private_key_jwt, in the body; a signed JWT sent as "Authorization: Bearer <jwt>" is not a client credential.',
    fix: 'Remove the Authorization header. For private_key_jwt, POST client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer and client_assertion=<jwt> in the form body.',
    spec: 'https://hl7.org/fhir/smart-app-launch/client-confidential-asymmetric.html#request',
  },
  'invalid-client-assertion': {
    title: 'invalid_client: client assertion rejected',
    meaning: 'The private_key_jwt client assertion failed a check SMART requires: alg RS384 or ES384, a kid, iss = sub = client_id, aud = this token endpoint, exp at most 5 minutes ahead, a jti not used before, and a signature made with a key in the client\'s registered JWKS.',
    fix: 'Read error_description for the failed check; `smartctl jwt-assert --check <assertion>` lints the assertion locally.',
    spec: 'https://hl7.org/fhir/smart-app-launch/client-confidential-asymmetric.html#authentication-jwt-header-values',
  },
  invalid_grant: {
    title: 'invalid_grant',
    meaning: 'The authorization code or refresh token is unknown, expired, already used, issued to another client, or the redirect_uri or PKCE code_verifier does not match the authorize request.',
    fix: 'Exchange each code once, within 2 minutes, with the same redirect_uri and the code_verifier whose S256 hash was the code_challenge.',
    spec: 'https://www.rfc-editor.org/rfc/rfc6749#section-5.2',
  },
  unauthorized_client: {
    title: 'unauthorized_client',
    meaning: 'The client is not registered for this grant type.',
    fix: 'Use a client registered for the grant (grant_types), e.g. the demo backend client for client_credentials.',
    spec: 'https://www.rfc-editor.org/rfc/rfc6749#section-5.2',
  },
  unsupported_grant_type: {
    title: 'unsupported_grant_type',
    meaning: 'The sandbox supports authorization_code, refresh_token and client_credentials.',
    fix: 'Send one of those as grant_type.',
    spec: 'https://www.rfc-editor.org/rfc/rfc6749#section-5.2',
  },
  invalid_scope: {
    title: 'invalid_scope',
    meaning: 'The scope is missing, malformed, wider than the original grant (refresh), or none of it is allowed for the client.',
    fix: 'Ask for scopes within the client registration; on refresh, ask for the original scopes or fewer.',
    spec: 'https://hl7.org/fhir/smart-app-launch/scopes-and-launch-context.html',
  },
  unsupported_response_type: {
    title: 'unsupported_response_type',
    meaning: 'SMART App Launch uses the authorization code flow: response_type must be "code".',
    fix: 'Send response_type=code.',
    spec: 'https://www.rfc-editor.org/rfc/rfc6749#section-4.1.2.1',
  },
  access_denied: {
    title: 'access_denied',
    meaning: 'The user (or the sandbox on their behalf) refused the authorization.',
    fix: 'Approve on the consent page, or start again.',
    spec: 'https://www.rfc-editor.org/rfc/rfc6749#section-4.1.2.1',
  },
  login_required: {
    title: 'login_required',
    meaning: 'prompt=none was sent but nobody is signed in to the sandbox.',
    fix: 'Drop prompt=none, or sign in first (or send the x-sandbox-auto-approve: 1 header).',
    spec: 'https://openid.net/specs/openid-connect-core-1_0.html#AuthError',
  },
  server_error: {
    title: 'server_error',
    meaning: 'The sandbox failed unexpectedly.',
    fix: 'Retry; if it persists, report it with the request.',
    spec: 'https://www.rfc-editor.org/rfc/rfc6749#section-4.1.2.1',
  },
};

const NO_STORE = { 'cache-control': 'no-store', pragma: 'no-cache' };

export interface OAuthErrorOptions {
  /** The error_uri page name when it is not the error code itself. */
  page?: string | undefined;
  status?: number | undefined;
  headers?: Record<string, string> | undefined;
}

/** RFC 6749 §5.2 error: 400 (401 for invalid_client), JSON with error, error_description and error_uri. */
export function sendOAuthError(ctx: SandboxContext, res: ServerResponse, error: string, description: string, options: OAuthErrorOptions = {}): void {
  const status = options.status ?? (error === 'invalid_client' ? 401 : 400);
  sendJson(res, status, { error, error_description: description, error_uri: ctx.urls.errorPage(options.page ?? error) }, { ...NO_STORE, ...options.headers });
}

/** RFC 6749 §4.1.2.1: the error goes back to the app's redirect_uri with state. */
export function redirectError(ctx: SandboxContext, res: ServerResponse, redirectUri: string, error: string, description: string, state: string | undefined): void {
  const url = new URL(redirectUri);
  url.searchParams.set('error', error);
  url.searchParams.set('error_description', description);
  url.searchParams.set('error_uri', ctx.urls.errorPage(error));
  if (state !== undefined) url.searchParams.set('state', state);
  redirect(res, url.toString());
}

/** An authorize error that must not be redirected (unknown client, bad redirect_uri): an HTML page. */
export function sendErrorPage(res: ServerResponse, status: number, title: string, message: string, headers: Record<string, string> = {}): void {
  sendHtml(res, status, htmlPage(title, `<div class="error"><h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p></div>`), headers);
}

/** GET /oauth/errors/<name>: what the error means and what to change. */
export function handleErrorPage(res: ServerResponse, name: string): void {
  const entry = ERROR_EXPLANATIONS[name];
  if (entry === undefined) {
    sendErrorPage(res, 404, 'Unknown error page', `The sandbox has no page for "${name}".`);
    return;
  }
  sendHtml(
    res,
    200,
    htmlPage(
      entry.title,
      `<h1>${escapeHtml(entry.title)}</h1>
<h2>What it means</h2><p>${escapeHtml(entry.meaning)}</p>
<h2>What to change</h2><p>${escapeHtml(entry.fix)}</p>
<p class="note">Spec: <a href="${escapeHtml(entry.spec)}">${escapeHtml(entry.spec)}</a></p>`,
    ),
  );
}
