// forceAuthn=true (a vendor re-authentication parameter) answered 400 Bad Request.
import { makeFinding, type Finding } from '../../../report/finding.js';
import { headerValue } from '../../../report/trace.js';
import type { Evidence } from '../../evidence.js';
import { exchangeIds, responsesAt, type DiagnosisRule } from '../../rule.js';
import { unwrapAuthorizeUrl } from './authorize-url.js';

const LONG_URL = 2000;

function forceAuthnIn(params: URLSearchParams): boolean {
  return [...params.entries()].some(([k, v]) => k.toLowerCase() === 'forceauthn' && /^true$/i.test(v));
}

/**
 * forceAuthn=true on the URL itself (the outer vendor login page, .../session-api/realm/<tenant>?to=...&forceAuthn=true,
 * the shape users paste) or in the authorize request that page carries in to=.
 */
export function hasForceAuthn(url: string | undefined): boolean {
  if (url === undefined || !URL.canParse(url)) return false;
  return forceAuthnIn(new URL(url).searchParams) || forceAuthnIn(new URL(unwrapAuthorizeUrl(url).url).searchParams);
}

export const forceAuthnRejected: DiagnosisRule = {
  id: 'force-authn-rejected',
  phase: 'authorize',
  catalog: ['cerner-forceauthn-stale-cookies'],
  diagnose(e: Evidence): Finding[] {
    if (!hasForceAuthn(e.authorizeUrl)) return [];
    const bad = responsesAt(e, 'authorize').filter((r) => r.status === 400);
    const callback = e.callbackError;
    if (bad.length === 0 && callback === undefined) return [];
    const url = e.authorizeUrl ?? '';
    const seen = bad.length > 0 ? `the authorize request answered HTTP 400 Bad Request${bad.some((r) => headerValue(r.requestHeaders, 'cookie') !== undefined) ? ' (the request carried session cookies)' : ''}` : `the authorization server redirected back with error "${callback?.error ?? ''}"${callback?.error_description !== undefined ? `: "${callback.error_description}"` : ''}`;
    return [
      makeFinding({
        id: 'force-authn-rejected',
        severity: 'error',
        role: 'root-cause',
        basis: 'request-shape',
        title: 'the authorize request with forceAuthn=true was rejected',
        detail: `${seen}.\nThe request carried the non-standard vendor parameter forceAuthn=true; its URL is ${url.length} characters long${url.length > LONG_URL ? ` (over ${LONG_URL}: some servers and proxies also reject long request lines)` : ''}.`,
        causes: [
          'A stale login session cookie for the authorization host: some servers fail a forced re-authentication when a session already exists, and answer 400 instead of showing the login page.',
          'forceAuthn is a vendor extension, not OAuth or OpenID Connect; the server may not accept it in this combination of parameters.',
          ...(url.length > LONG_URL ? ['The request URL is very long (many scopes); the server or a proxy may refuse the request line.'] : []),
        ],
        fix: 'Use the standard prompt=login to ask for re-authentication instead of forceAuthn=true. Confirm the cookie cause with a clean browser profile: smartctl launch --fresh-session (or clear the cookies for the authorization host).',
        spec: 'oidc-prompt',
        exchanges: exchangeIds(bad),
      }),
    ];
  },
};
