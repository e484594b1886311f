// redirect_uri refused: at authorize (often an HTML page, RFC 6749 §4.1.2.1: the server must
// not redirect to an unregistered URI) or at the token endpoint (invalid_grant). Causes are
// ordered by what the evidence shows: the token request's redirect_uri differing from the
// authorize one, a trailing slash, localhost vs 127.0.0.1, http to a non-loopback host, a
// fragment or a query string.
import { makeFinding, type Finding } from '../../../report/finding.js';
import { innerAuthorizeUrl, type Evidence, type ResponseEvidence } from '../../evidence.js';
import { describeError, exchangeIdOf, mentionsInError, messageRelays, orderCauses, pageText, reportedLine, saidLine, serverSays, serverWords, type DiagnosisRule } from '../../rule.js';
import { authorizeParams } from './authorize-exchange.js';

function tokenRedirectUri(e: Evidence): string | undefined {
  for (const r of e.responses) {
    if (r.endpoint !== 'token' || r.requestBody === undefined || r.requestBody.trimStart().startsWith('{')) continue;
    const v = new URLSearchParams(r.requestBody).get('redirect_uri');
    if (v !== null) return v;
  }
  return undefined;
}

/** What looks off about a redirect URI by itself, as cue words for the cause order. */
function redirectShape(uri: string | undefined): string[] {
  if (uri === undefined || !URL.canParse(uri)) return [];
  const u = new URL(uri);
  const out: string[] = [];
  if (u.pathname.length > 1 && u.pathname.endsWith('/')) out.push('trailing-slash');
  if (u.hash !== '') out.push('fragment');
  if (u.search !== '') out.push('query');
  if (u.hostname === 'localhost') out.push('localhost');
  if (u.protocol === 'http:' && !['localhost', '127.0.0.1', '[::1]'].includes(u.hostname)) out.push('http-remote');
  return out;
}

/**
 * The redirect URI the server's words quote ("The redirect URI 'https://…' specified in the request"), when it is on
 * the authorize URL's own host and is not the one the app sent: the server's callback from its upstream IdP.
 */
function serversOwnRedirect(words: string, e: Evidence, sentAtAuthorize: string | undefined): string | undefined {
  const quoted = /redirect[_ ]?ur[il] '([^']+)'/i.exec(words)?.[1];
  const authorize = innerAuthorizeUrl(e.authorizeUrl) ?? e.authorizeUrl;
  if (quoted === undefined || authorize === undefined || !URL.canParse(quoted) || !URL.canParse(authorize)) return undefined;
  if (new URL(quoted).host !== new URL(authorize).host || quoted === sentAtAuthorize) return undefined;
  // The app's own redirect_uri on the same host (an app served by the EHR) is the app's registration after all.
  if (sentAtAuthorize !== undefined && URL.canParse(sentAtAuthorize) && new URL(sentAtAuthorize).host === new URL(quoted).host) return undefined;
  return quoted;
}

/** A refused redirect URI in free text: the error code, or "redirect_uri ... does not match / not registered". */
const MESSAGE_WORDS = /\binvalid[_ ]redirect[_ ]?ur[il]\b|invalid parameter:? redirect_uri|redirect[_ ]?ur[il]'?\W{0,3}(parameter\W+)?(specified in the request\W+)?(does not|doesn't|did not) match|redirect[_ ]?ur[il]\W{1,3}(is |was )?(not (registered|allowed|valid|whitelisted)|mismatch)|\b(unregistered|mismatched|mismatching) redirect[_ ]?ur[il]/i;

/** Both findings of this rule: a root cause in the server's own words. */
function mismatch(f: Omit<Parameters<typeof makeFinding>[0], 'id' | 'severity' | 'role' | 'basis'>): Finding {
  return makeFinding({ id: 'redirect-uri-mismatch', severity: 'error', role: 'root-cause', basis: 'server-words', ...f });
}

export const redirectUriMismatch: DiagnosisRule = {
  id: 'redirect-uri-mismatch',
  phase: 'authorize',
  catalog: ['redirect-uri-mismatch'],
  diagnose(e: Evidence): Finding[] {
    // Authorize errors that cannot be redirected come as an HTML page (RFC 6749 §4.1.2.1): read its text too.
    const pageMentions = (r: ResponseEvidence): boolean => r.endpoint === 'authorize' && /redirect[_ ]?uri/i.test(pageText(r.responseBody ?? ''));
    const said = serverSays(e, 'redirect-uri-mismatch');
    const r = e.responses.find((x) => x.status >= 400 && (mentionsInError(x, /redirect[_ ]?uri/i) || pageMentions(x))) ?? said?.response;
    const viaCallback = r === undefined && e.callbackError !== undefined && /redirect[_ ]?uri/i.test(e.callbackError.error_description ?? '');
    // No answer saved: the app's message (or a server log line) quoting the refusal; a bare "redirect_uri" is not enough there.
    const relayed = r === undefined && !viaCallback && said === undefined ? messageRelays(e, 'redirect-uri-mismatch', { also: MESSAGE_WORDS }) : undefined;
    if (r === undefined && !viaCallback && said === undefined && relayed === undefined) return [];
    const sentAtAuthorize = authorizeParams(e)?.get('redirect_uri') ?? undefined;
    const sentAtToken = tokenRedirectUri(e);
    const lines = [r !== undefined ? describeError(r) : relayed !== undefined ? reportedLine(relayed.message) : `callback error: "${e.callbackError?.error_description ?? ''}"`];
    if (said !== undefined) lines.push(saidLine(said.phrase));
    if (relayed?.phrase !== undefined) lines.push(saidLine(relayed.phrase));
    if (sentAtAuthorize !== undefined && sentAtToken !== undefined && sentAtAuthorize !== sentAtToken) lines.push(`redirect_uri: the authorize request sent "${sentAtAuthorize}", the token request "${sentAtToken}"; they must be identical`);
    else if (sentAtAuthorize !== undefined || sentAtToken !== undefined) lines.push(`redirect_uri sent: "${sentAtAuthorize ?? sentAtToken ?? ''}"`);
    const words = `${r !== undefined ? serverWords(r) : ''} ${e.callbackError?.error_description ?? ''} ${relayed?.message ?? ''}`;
    const missing = /missing (parameter:? )?redirect[_ ]?uri|redirect[_ ]?uri (parameter )?(is )?(required|missing)/i.test(words);
    const facts = [...redirectShape(sentAtAuthorize ?? sentAtToken), sentAtAuthorize !== undefined && sentAtToken !== undefined && sentAtAuthorize !== sentAtToken ? 'differs' : '', missing ? 'missing' : ''].join(' ');
    // Causes the evidence rules out are left out: a redirect_uri that was sent is not missing; refused at
    // authorize (or by a page or message), no token request came, so the two requests cannot differ yet.
    const sent = sentAtAuthorize !== undefined || sentAtToken !== undefined;
    const atToken = r?.endpoint === 'token' || sentAtToken !== undefined;
    const saysNoMatch = /(does not|doesn't|did not|not) match|not registered|mismatch|not (among|one of)|invalid[_ ]redirect|invalid parameter:? redirect/i.test(words);
    const applies = (c: { when?: RegExp | undefined }): boolean => !((c.when?.source === 'missing' && !missing && (sent || saysNoMatch)) || (c.when?.source === 'differs' && !atToken));
    const upstream = serversOwnRedirect(words, e, sentAtAuthorize);
    if (upstream !== undefined) {
      // The refused URI is the authorization server's own callback (its federated sign-in), not the app's: no app registration fixes it.
      lines.push(`the refused redirect URI "${upstream}" is on the authorization server's own host, not the app's redirect_uri${sentAtAuthorize !== undefined ? ` ("${sentAtAuthorize}")` : ''}: the server's sign-in with its upstream identity provider failed`);
      return [
        mismatch({
          title: 'the authorization server\'s own upstream sign-in refused its redirect URI (not the app\'s)',
          detail: lines.join('\n'),
          causes: [
            'The server signs users in through another identity provider (Entra ID / Azure AD B2C, Okta ...) whose registration lacks the server\'s own callback URI: a configuration fault of that environment.',
            'An old or retired environment (a sandbox host that was replaced) whose upstream registration no longer lists its callback.',
          ],
          fix: 'Report it to the vendor with the refused URI and the correlation id; try the environment the vendor currently documents. Changing the app\'s redirect_uri registration does not fix it.',
          spec: 'rfc6749-authorize-error',
          exchanges: r === undefined ? undefined : exchangeIdOf(r),
        }),
      ];
    }
    return [
      mismatch({
        title: missing ? 'the redirect_uri is missing from the request' : 'the redirect_uri does not match the registration',
        detail: lines.join('\n'),
        causes: orderCauses(
          [
            { text: 'The request carries no redirect_uri although the server needs one (several are registered, or it always requires it); the token request must repeat it when the authorize request sent it.', when: /missing/ },
            { text: 'The token request sent a different redirect_uri than the authorize request; they must be byte-identical.', when: /differs/ },
            { text: 'A trailing slash differs from the registered URI.', when: /trailing-slash/ },
            { text: 'localhost vs 127.0.0.1 (or the port) differs from the registered loopback URI.', when: /localhost/ },
            { text: 'http to a non-loopback host: servers (Epic in production) accept only https there.', when: /http-remote/ },
            { text: 'The URI has a fragment or query string the registration lacks (Epic forbids fragments).', when: /fragment|query/ },
            { text: 'The redirect URI differs from the registered one by scheme, host, port, path or case.' },
          ].filter(applies),
          facts,
        ),
        fix: 'Register the exact redirect URI the app sends (for native apps, loopback http://127.0.0.1/<path>; RFC 8252 lets the port vary), and send the same value to authorize and token.',
        spec: 'rfc8252-loopback',
        exchanges: r === undefined ? undefined : exchangeIdOf(r),
      }),
    ];
  },
};
