// Headless authorization: follow the server's redirects with smartctl's own traced
// client (every hop in the trace), carrying cookies, until the server redirects to our
// redirect URI. Works where the server approves without a person (the sandbox's
// auto-approve header); elsewhere it stops at the first page that needs one.
import { networkError } from '../errors.js';
import type { HttpClient, HttpResponse } from '../http/client.js';
import { makeFinding, type Finding } from '../report/finding.js';
import { headerValue } from '../report/trace.js';
import type { CookieJar } from './cookie-jar.js';

export const SANDBOX_AUTO_APPROVE_HEADER = 'x-sandbox-auto-approve';
const MAX_HOPS = 12;

export type HeadlessOutcome =
  | { kind: 'redirected'; callbackUrl: string }
  /** To the redirect URI's origin (our listener) but another path: no callback can arrive. */
  | { kind: 'redirected-elsewhere'; location: string; response: HttpResponse }
  | { kind: 'http-error'; response: HttpResponse }
  | { kind: 'needs-person'; response: HttpResponse }
  /** The server did something no client can follow (a Location that is no URL, a file: redirect): its fault. */
  | { kind: 'server-fault'; finding: Finding };

/** A Location header the flow can follow: an http(s) URL, resolved against the page that sent it. */
function redirectTarget(location: string, from: URL, response: HttpResponse): URL | Finding {
  const fault = (title: string, detail: string): Finding =>
    makeFinding({
      id: 'authorize-redirect-invalid',
      severity: 'error',
      title,
      detail: `${response.exchange.request.method} ${from.origin}${from.pathname} → HTTP ${response.status}, Location: ${JSON.stringify(location.slice(0, 300))}; ${detail}`,
      fix: 'Redirect with an absolute http(s) URL (or a path on the same server) in the Location header (RFC 9110 §10.2.2).',
      spec: 'smart-authorize',
      exchanges: [response.exchange.id],
    });
  if (!URL.canParse(location, from.href)) return fault('the authorization server redirected to a Location that is not a URL', 'a browser cannot follow it either');
  const next = new URL(location, from);
  if (next.protocol !== 'http:' && next.protocol !== 'https:') return fault(`the authorization server redirected to a ${next.protocol.replace(':', '')}: URL`, 'an authorization flow only moves between http(s) pages; smartctl does not follow it');
  return next;
}

export async function followAuthorize(client: HttpClient, authorizeUrl: string, o: { redirectUri: string; jar: CookieJar; autoApproveHeader: boolean; nowSeconds: () => number; post?: boolean | undefined }): Promise<HeadlessOutcome> {
  let url = new URL(authorizeUrl);
  const redirect = new URL(o.redirectUri);
  // authorize-post: the first request carries the parameters as a form body.
  let body: URLSearchParams | undefined;
  if (o.post === true) {
    body = url.searchParams;
    url = new URL(`${url.origin}${url.pathname}`);
  }
  for (let hop = 0; hop < MAX_HOPS; hop++) {
    const headers: Record<string, string> = { accept: 'text/html,application/json' };
    const cookie = o.jar.header(url, o.nowSeconds());
    if (cookie !== undefined) headers['cookie'] = cookie;
    if (o.autoApproveHeader) headers[SANDBOX_AUTO_APPROVE_HEADER] = '1';
    const response = await client.request({ step: hop === 0 ? 'authorize' : 'authorize.redirect', url, headers, method: body === undefined ? 'GET' : 'POST', body });
    body = undefined;
    o.jar.store(url, response.headers['set-cookie'], o.nowSeconds());
    if (response.status >= 300 && response.status < 400) {
      const location = headerValue(response.headers, 'location');
      if (location === undefined) throw networkError('redirect-without-location', `${url.origin} answered ${response.status} without a Location header`);
      const next = redirectTarget(location, url, response);
      if (!(next instanceof URL)) return { kind: 'server-fault', finding: next };
      // The callback is the redirect URI exactly (RFC 6749 §3.1.2), not any URL it prefixes.
      if (next.origin === redirect.origin && next.pathname === redirect.pathname) return { kind: 'redirected', callbackUrl: next.href };
      if (next.origin === redirect.origin) return { kind: 'redirected-elsewhere', location: next.href, response };
      url = next;
      continue;
    }
    if (response.status >= 400) return { kind: 'http-error', response };
    return { kind: 'needs-person', response };
  }
  throw networkError('too-many-redirects', `the authorization server redirected more than ${MAX_HOPS} times`, 'Open the authorize URL in a browser to see where it loops.');
}
