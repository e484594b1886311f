// forceAuthn=true (a vendor re-authentication parameter, e.g. the one Oracle Health's Code
// Console adds) answered 400 Bad Request at the authorization server, with no redirect back.
// Only a 400 whose words name nothing else: a server that says why (redirect_uri, scope ...)
// is explained by that rule.
import { makeFinding, type Finding } from '../../../report/finding.js';
import { headerValue } from '../../../report/trace.js';
import type { Evidence, ResponseEvidence } from '../../evidence.js';
import { exchangeIds, orderCauses, responsesAt, serverWords, type DiagnosisRule } from '../../rule.js';
import { phrasesIn } from '../../vendors/index.js';
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

/** A 400 that says nothing a more specific rule reads (no vendor wording, no OAuth error naming a parameter). */
function saysNothingElse(r: ResponseEvidence): boolean {
  return phrasesIn(serverWords(r)).length === 0 && (r.oauthError === undefined || (r.oauthError.error === 'invalid_request' && r.oauthError.error_description === undefined));
}

export const forceAuthnRejected: DiagnosisRule = {
  id: 'force-authn-rejected',
  phase: 'authorize',
  catalog: ['cerner-forceauthn-stale-cookies'],
  diagnose(e: Evidence): Finding[] {
    if (!hasForceAuthn(e.authorizeUrl)) return [];
    const bad = responsesAt(e, 'authorize').filter((r) => r.status === 400 && saysNothingElse(r));
    if (bad.length === 0) return [];
    const url = e.authorizeUrl ?? '';
    const cookies = bad.some((r) => headerValue(r.requestHeaders, 'cookie') !== undefined);
    const correlation = bad.map((r) => headerValue(r.responseHeaders, 'cerner-correlation-id')).find((v) => v !== undefined);
    const wrapped = unwrapAuthorizeUrl(url).wrappedBy;
    const seen = `the authorize request answered HTTP 400 Bad Request, with no redirect back to the app${cookies ? ' (the request carried session cookies)' : ''}`;
    return [
      makeFinding({
        id: 'force-authn-rejected',
        severity: 'error',
        role: 'root-cause',
        basis: 'request-shape',
        title: 'the authorize request with forceAuthn=true was rejected',
        detail: [
          `${seen}.`,
          `The request carried the non-standard vendor parameter forceAuthn=true${wrapped !== undefined ? ` on the vendor login page ${wrapped}, which wraps the authorize request in its to= parameter` : ''}; its URL is ${url.length} characters long${url.length > LONG_URL ? ` (over ${LONG_URL}: some servers and proxies also reject long request lines)` : ''}.`,
          ...(correlation !== undefined ? [`Cerner-Correlation-Id: ${correlation} (quote it on the Oracle forum)`] : []),
        ].join('\n'),
        causes: orderCauses(
          [
            { text: 'A stale login session cookie for the authorization host: some servers fail a forced re-authentication when a session already exists, and answer 400 instead of showing the login page.' },
            { text: 'forceAuthn is a vendor extension, not OAuth or OpenID Connect; the server may not accept it in this combination of parameters.' },
            ...(url.length > LONG_URL ? [{ text: 'The request URL is very long (many scopes); the server or a proxy may refuse the request line.' }] : []),
          ],
          cookies ? 'cookies' : '',
        ),
        fix: 'Clear the cookies for the authorization host (or use a fresh browser profile: smartctl launch --fresh-session) and retry; use the standard prompt=login to ask for re-authentication instead of forceAuthn=true. If it persists, post the Cerner-Correlation-Id to the Oracle forum.',
        spec: 'oidc-prompt',
        exchanges: exchangeIds(bad),
      }),
    ];
  },
};
