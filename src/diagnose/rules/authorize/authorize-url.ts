// Lints of an authorize URL a user saved (explain --url) that diagnose no catalogued failure
// by themselves: non-standard parameters, no state, system/ scopes in a user launch, size,
// and vendor login wrappers. The lints that are catalog diagnoses have their own rule files
// with roles: pkce-missing.ts, pkce-method-not-s256.ts, aud-missing-or-wrong.ts.
import { makeFinding, type Finding } from '../../../report/finding.js';
import { parseScopes } from '../../../protocol/scopes/parse.js';
import type { Evidence } from '../../evidence.js';
import { saidLine, type DiagnosisRule } from '../../rule.js';
import { authorizeParams, authorizeSays } from './authorize-exchange.js';

const LONG_URL = 2000;
const MANY_SCOPES = 30;

/** A vendor login page may carry the real authorize request in a "to" parameter. */
export function unwrapAuthorizeUrl(url: string): { url: string; wrappedBy?: string } {
  if (!URL.canParse(url)) return { url };
  const outer = new URL(url);
  const inner = outer.searchParams.get('to');
  if (inner !== null && URL.canParse(inner) && new URL(inner).searchParams.has('response_type')) return { url: inner, wrappedBy: `${outer.origin}${outer.pathname}` };
  if (inner !== null && inner.startsWith('/') && URL.canParse(inner, outer.origin) && new URL(inner, outer.origin).searchParams.has('response_type')) {
    return { url: new URL(inner, outer.origin).href, wrappedBy: `${outer.origin}${outer.pathname}` };
  }
  return { url };
}

export const authorizeUrlLint: DiagnosisRule = {
  id: 'authorize-url',
  phase: 'authorize',
  catalog: [],
  siblings: ['authorize-url-wrapped', 'authorize-nonstandard-parameter', 'state-missing', 'system-scope-in-user-request', 'authorize-url-long'],
  diagnose(e: Evidence): Finding[] {
    if (e.authorizeUrl === undefined || !URL.canParse(e.authorizeUrl) || authorizeParams(e) === undefined) return [];
    const { url, wrappedBy } = unwrapAuthorizeUrl(e.authorizeUrl);
    const params = new URL(url).searchParams;
    const out: Finding[] = [];
    if (wrappedBy !== undefined) {
      out.push(makeFinding({ id: 'authorize-url-wrapped', severity: 'info', title: 'the URL is a vendor login page wrapping the authorize request', detail: `${wrappedBy} carries the real request in its "to" parameter; the lints below apply to that inner request`, spec: 'smart-authorize' }));
    }
    // The vendor parameter may sit on the outer login page (…/session-api/realm/<tenant>?to=…&forceAuthn=true) or inside to=.
    const outerParams = new URL(e.authorizeUrl).searchParams;
    const forceAuthn = [...params.keys()].find((k) => k.toLowerCase() === 'forceauthn') ?? [...outerParams.keys()].find((k) => k.toLowerCase() === 'forceauthn');
    if (forceAuthn !== undefined) {
      const value = params.get(forceAuthn) ?? outerParams.get(forceAuthn) ?? '';
      out.push(
        makeFinding({
          id: 'authorize-nonstandard-parameter',
          severity: 'warning',
          title: `${forceAuthn}=${value} is a vendor parameter, not OAuth/OpenID`,
          detail: `the standard way to ask for re-authentication is prompt=login${params.has('prompt') ? ` (this request also has prompt=${params.get('prompt') ?? ''})` : ''}; with a stale session cookie some servers answer forceAuthn with 400 Bad Request`,
          fix: 'Use prompt=login instead of forceAuthn=true.',
          spec: 'oidc-prompt',
        }),
      );
    }
    const scope = params.get('scope') ?? '';
    const scopes = parseScopes(scope);
    const system = scopes.filter((s) => s.kind === 'resource' && s.compartment === 'system');
    if (system.length > 0) {
      out.push(makeFinding({ id: 'system-scope-in-user-request', severity: 'error', title: 'system/ scopes in a user-facing authorize request', detail: `system scopes: ${system.map((s) => `"${s.raw}"`).join(', ')}; they belong to backend services (client_credentials)`, fix: 'Use patient/ or user/ scopes here.', spec: 'smart-scopes' }));
    }
    if (!params.has('state')) {
      // Root cause only when the server says state is required (smart-launcher "Missing state parameter"); state is RECOMMENDED, not required, by RFC 6749.
      const said = authorizeSays(e, 'state-missing');
      out.push(makeFinding({ id: 'state-missing', severity: 'error', role: said !== undefined ? 'root-cause' : 'also-noticed', basis: said !== undefined ? 'server-words' : 'request-shape', title: 'the authorize request has no state', detail: `without state the callback cannot be tied to this request (CSRF)${said !== undefined ? `\n${saidLine(said.phrase)}` : ''}`, fix: 'Send a random state and check it on the callback.', spec: 'rfc6749-state' }));
    }
    if (url.length > LONG_URL || scopes.length > MANY_SCOPES) {
      out.push(makeFinding({ id: 'authorize-url-long', severity: 'warning', title: 'the authorize request is very large', detail: `${url.length} characters, ${scopes.length} scopes; some servers and proxies refuse request lines over about ${LONG_URL} characters`, fix: 'Request fewer, wider scopes (e.g. patient/*.rs), or use POST to the authorize endpoint where the server advertises authorize-post.', spec: 'smart-authorize' }));
    }
    return out;
  },
};
