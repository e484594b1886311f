// Token endpoint errors other than the assertion-in-header case: invalid_client,
// invalid_grant (code reused/expired, PKCE verifier, redirect_uri), invalid_scope.
import { makeFinding, type Finding } from '../../report/finding.js';
import { headerValue } from '../../report/trace.js';
import type { Evidence, ResponseEvidence } from '../evidence.js';
import { describeError, responsesAt, type DiagnosisRule, type RuleOptions } from '../rule.js';
import { assertionChecks, OTHER_INVALID_CLIENT_CAUSES } from './client-assertion-in-authorization-header.js';
import { namesInvalidClientCredentials } from './cerner-invalid-client-credentials.js';
import { authorizeErrorOf, isMissingPatient } from './cerner-missing-patient-context.js';

function tokenErrors(e: Evidence, error: string): ResponseEvidence[] {
  return responsesAt(e, 'token').filter((r) => r.status >= 400 && r.oauthError?.error === error);
}

function mentions(r: ResponseEvidence, pattern: RegExp): boolean {
  return pattern.test(`${r.oauthError?.error_description ?? ''} ${decodeURIComponent(r.oauthError?.error_uri ?? '')}`);
}

function ids(r: ResponseEvidence): number[] | undefined {
  return r.exchangeId === undefined ? undefined : [r.exchangeId];
}

export const invalidClient: DiagnosisRule = {
  id: 'token-invalid-client',
  diagnose(e: Evidence, o: RuleOptions): Finding[] {
    // The vendor-specific invalid_client answers have their own, more precise rules.
    const r = tokenErrors(e, 'invalid_client').find((x) => !namesInvalidClientCredentials(x) && !/invalid[-_ ]authorization[-_ ]header/i.test(decodeURIComponent(x.oauthError?.error_uri ?? '')) && !/^Bearer\s+eyJ/i.test(headerValue(x.requestHeaders, 'authorization') ?? ''));
    if (r === undefined) return [];
    const body = new URLSearchParams(r.requestBody ?? '');
    const usesAssertion = body.has('client_assertion') || e.sentClientAssertion !== undefined;
    const usesBasic = /^Basic\s/i.test(headerValue(r.requestHeaders, 'authorization') ?? '');
    const checks = usesAssertion ? assertionChecks(body.get('client_assertion') ?? e.sentClientAssertion, e, o.now) : [];
    const causes = usesAssertion
      ? OTHER_INVALID_CLIENT_CAUSES.map((c) => `${c}.`)
      : usesBasic || body.has('client_secret')
        ? ['The client secret is wrong, or belongs to another environment (sandbox vs production).', 'client_secret_basic needs the id and secret form-encoded before base64 (RFC 6749 §2.3.1); secrets with special characters break naive encoders.', 'The client is registered as public (no secret) or for another auth method.']
        : ['No client authentication was sent, but the client is registered as confidential.', 'The client id is unknown in this environment.'];
    return [
      makeFinding({
        id: 'token-invalid-client',
        severity: 'error',
        title: 'the token endpoint did not accept the client authentication (invalid_client)',
        detail: [describeError(r), ...(checks.length > 0 ? [`checks of the assertion sent:\n  - ${checks.join('\n  - ')}`] : [])].join('\n'),
        causes,
        fix: usesAssertion ? 'Fix what the checks name, then compare kid and alg with the JWKS registered for the client: smartctl jwt-assert --check <assertion> --jwks <registered jwks>.' : 'Check the client id, secret and the registered authentication method for this environment.',
        spec: 'rfc6749-token-error',
        exchanges: ids(r),
      }),
    ];
  },
};

export const redirectUriMismatch: DiagnosisRule = {
  id: 'redirect-uri-mismatch',
  diagnose(e: Evidence): Finding[] {
    // Authorize errors that cannot be redirected come as an HTML page (RFC 6749 §4.1.2.1): read its text too.
    const pageMentions = (r: ResponseEvidence): boolean => r.endpoint === 'authorize' && /redirect[_ ]uri/i.test((r.responseBody ?? '').replace(/<[^>]+>/g, ' '));
    const all = [...e.responses.filter((r) => r.status >= 400 && (mentions(r, /redirect[_ ]uri/i) || pageMentions(r))), ...(e.callbackError !== undefined && /redirect[_ ]uri/i.test(e.callbackError.error_description ?? '') ? [undefined] : [])];
    const [r] = all;
    if (all.length === 0) return [];
    return [
      makeFinding({
        id: 'redirect-uri-mismatch',
        severity: 'error',
        title: 'the redirect_uri does not match the registration',
        detail: r === undefined ? `callback error: "${e.callbackError?.error_description ?? ''}"` : describeError(r),
        causes: ['The redirect URI differs from the registered one by scheme, host (127.0.0.1 vs localhost), port, path or a trailing slash.', 'The token request sent a different redirect_uri than the authorize request.'],
        fix: 'Register the exact redirect URI the app sends (for native apps, loopback http://127.0.0.1/<path>; RFC 8252 lets the port vary), and send the same value to authorize and token.',
        spec: 'rfc8252-loopback',
        exchanges: r === undefined ? undefined : ids(r),
      }),
    ];
  },
};

export const invalidGrant: DiagnosisRule = {
  id: 'invalid-grant-code',
  diagnose(e: Evidence): Finding[] {
    const r = tokenErrors(e, 'invalid_grant').find((x) => !mentions(x, /redirect[_ ]uri/i));
    if (r === undefined) return [];
    const pkce = mentions(r, /verifier|pkce|code_challenge/i);
    const refresh = new URLSearchParams(r.requestBody ?? '').get('grant_type') === 'refresh_token';
    return [
      makeFinding({
        id: pkce ? 'pkce-verifier-mismatch' : refresh ? 'refresh-token-rejected' : 'invalid-grant-code',
        severity: 'error',
        title: pkce ? 'the PKCE code_verifier does not match the code_challenge' : refresh ? 'the refresh token was rejected (invalid_grant)' : 'the authorization code was rejected (invalid_grant)',
        detail: describeError(r),
        causes: pkce
          ? ['The code_verifier sent is not the one whose S256 hash was sent as code_challenge (a new verifier was generated between the two requests).', 'The challenge was computed with plain or a different encoding (it must be base64url(SHA-256(verifier)) without padding).']
          : refresh
            ? ['online_access refresh tokens stop working when the user session ends.', 'Access was revoked by the user or an administrator, or the refresh token was rotated and an old one reused.']
            : ['The code was already used (codes are single use; a retry or a double submit uses it twice).', 'The code expired (they live for seconds to minutes).', 'The code was issued to another client id or redirect_uri.'],
        fix: pkce ? 'Keep the verifier from the authorize step and send it unchanged.' : refresh ? 'Re-authorize the user; for offline use request offline_access.' : 'Exchange each code once, right after the callback.',
        spec: pkce ? 'rfc7636-pkce' : refresh ? 'smart-refresh' : 'rfc6749-token-error',
        exchanges: ids(r),
      }),
    ];
  },
};

export const invalidScope: DiagnosisRule = {
  id: 'invalid-scope',
  diagnose(e: Evidence): Finding[] {
    const r = e.responses.find((x) => x.status >= 400 && x.oauthError?.error === 'invalid_scope');
    const cb = e.callbackError?.error === 'invalid_scope' ? e.callbackError : undefined;
    if (r === undefined && cb === undefined) return [];
    return [
      makeFinding({
        id: 'invalid-scope',
        severity: 'error',
        title: 'the server refused the requested scopes (invalid_scope)',
        detail: r !== undefined ? describeError(r) : `callback error invalid_scope${cb?.error_description !== undefined ? `: "${cb.error_description}"` : ''}`,
        causes: ['A scope is not registered for this client in this environment.', 'The scope syntax does not match the server: SMART v2 (.rs, .cruds) on a v1-only server, or v1 on a v2-only one.', 'A system/ scope in a user launch, or a scope that needs a launch context the request cannot have.'],
        fix: 'Request only scopes listed in scopes_supported and registered for the app; run smartctl discover to see the syntax the server advertises, and smartctl diff-scopes to translate.',
        spec: 'smart-scopes',
        exchanges: r === undefined ? undefined : ids(r),
      }),
    ];
  },
};

export const accessDenied: DiagnosisRule = {
  id: 'access-denied-by-user',
  diagnose(e: Evidence): Finding[] {
    // access_denied also covers server policies; a vendor URN other than denied-by-user says which (catalog: access-denied-by-user).
    if (e.callbackError?.error !== 'access_denied' || isMissingPatient(authorizeErrorOf(e))) return [];
    return [
      makeFinding({
        id: 'access-denied-by-user',
        severity: 'error',
        title: 'the user (or a policy) denied the authorization',
        detail: `callback error access_denied${e.callbackError.error_description !== undefined ? `: "${e.callbackError.error_description}"` : ''}`,
        causes: ['The user pressed Deny on the consent screen.', 'A server policy refused the app or the scopes for this user.'],
        fix: 'Run the launch again and approve; if it is refused without a consent screen, ask the administrator which policy applies.',
        spec: 'rfc6749-authorize-error',
      }),
    ];
  },
};
