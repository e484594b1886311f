// invalid_grant on a refresh_token grant: the refresh token was refused (catalog
// refresh-revoked-or-session-ended). Context decides the meaning: the same invalid_grant on a
// code exchange is invalid-grant-code, which stays silent for refresh grants (isRefreshRejection).
// The causes follow the evidence: online_access ends with the user's session, offline_access
// fails when access was revoked or suspended (Oracle Health does not say which), a rotated
// token reused is refused, and the server's words (Keycloak "Session not active", Okta "The
// refresh token is invalid or expired.", Entra AADSTS700082) say which.
import { makeFinding, type Finding } from '../../../report/finding.js';
import { parseScopes } from '../../../protocol/scopes/parse.js';
import { parseVendorErrorUri } from '../../../protocol/oauth-error.js';
import { grantTypeOf, parseObject, type Evidence, type ResponseEvidence } from '../../evidence.js';
import { describeError, exchangeIdOf, messageRelays, orderCauses, reportedLine, saidLine, serverWords, tokenErrorResponses, vendorSays, type DiagnosisRule } from '../../rule.js';

/** A refresh_token value that is no token: the app lost it (see refresh-response-omits-refresh-token). */
export const PLACEHOLDER_REFRESH = /^(|undefined|null|none|nil|\[object object\])$/i;

function form(r: ResponseEvidence): URLSearchParams {
  try {
    return new URLSearchParams(r.requestBody !== undefined && !r.requestBody.trimStart().startsWith('{') ? r.requestBody : '');
  } catch {
    return new URLSearchParams();
  }
}

/** Whether this token answer refused a refresh: the grant says so, or (grant unknown) the server's words name a refresh token and not a code. */
export function isRefreshGrant(r: ResponseEvidence): boolean {
  const grant = grantTypeOf(r);
  if (grant !== undefined) return grant === 'refresh_token';
  if (r.step?.split('.')[0] === 'refresh') return true;
  return vendorSays(r, 'refresh-token-rejected') !== undefined && vendorSays(r, 'invalid-grant-code') === undefined;
}

/** invalid_grant answered to a refresh: what refresh-token-rejected explains and invalid-grant-code must leave alone. */
export function isRefreshRejection(r: ResponseEvidence): boolean {
  return r.oauthError?.error === 'invalid_grant' && isRefreshGrant(r);
}

/** A refresh that reused a refresh token an earlier refresh had already replaced (rotation). */
function reusedRotated(e: Evidence, r: ResponseEvidence): boolean {
  const sent = form(r).get('refresh_token');
  if (sent === null) return false;
  const i = e.responses.indexOf(r);
  return e.responses.slice(0, i).some((x) => x.endpoint === 'token' && x.status === 200 && grantTypeOf(x) === 'refresh_token' && form(x).get('refresh_token') === sent && typeof parseObject(x.responseBody)?.['refresh_token'] === 'string' && parseObject(x.responseBody)?.['refresh_token'] !== sent);
}

/** No saved answer: the app's message or the server's log line naming a refused refresh (Keycloak's REFRESH_TOKEN_ERROR event, "Session not active"). */
function relayedRefusal(e: Evidence): Finding[] {
  if (e.responses.some((x) => x.endpoint === 'token' && x.status >= 400)) return [];
  const relayed = messageRelays(e, 'refresh-token-rejected');
  if (relayed?.phrase === undefined) return [];
  return [
    makeFinding({
      id: 'refresh-token-rejected',
      severity: 'error',
      role: 'root-cause',
      basis: 'server-words',
      title: 'the refresh token was rejected (invalid_grant)',
      detail: [reportedLine(relayed.message), saidLine(relayed.phrase)].join('\n'),
      causes: orderCauses(
        [
          { text: 'The user session behind the refresh token ended (logout, idle or maximum session time), or the server lost it (a restart of a server that keeps sessions in memory).', when: /session/i },
          { text: 'The refresh token expired, or was issued before a not-before push.', when: /not active|expired/i },
          { text: 'The refresh token was rotated: an earlier refresh returned a new one and the app reused the old one.' },
          { text: 'Access was revoked by the user, an administrator or the app.' },
        ],
        relayed.message,
      ),
      fix: 'Offer re-authorization; always store the newest refresh_token from each refresh answer and refresh once at a time.',
      spec: 'smart-refresh',
    }),
  ];
}

export const refreshTokenRejected: DiagnosisRule = {
  id: 'refresh-token-rejected',
  phase: 'refresh',
  catalog: ['refresh-revoked-or-session-ended'],
  diagnose(e: Evidence): Finding[] {
    const r = tokenErrorResponses(e, 'invalid_grant').find((x) => isRefreshGrant(x) && !PLACEHOLDER_REFRESH.test(form(x).get('refresh_token') ?? 'x'));
    if (r === undefined) return relayedRefusal(e);
    const words = serverWords(r);
    const phrase = vendorSays(r, 'refresh-token-rejected');
    const described = (r.oauthError?.error_description ?? '').trim() !== '' || r.oauthError?.error_uri !== undefined;
    const granted = typeof e.tokenResponse?.['scope'] === 'string' ? e.tokenResponse['scope'] : undefined;
    const scopes = granted === undefined ? [] : parseScopes(granted);
    const access = scopes.some((s) => s.kind === 'offline_access') ? 'offline' : scopes.some((s) => s.kind === 'online_access') ? 'online' : undefined;
    const rotated = reusedRotated(e, r);
    const vendor = parseVendorErrorUri(r.oauthError?.error_uri);
    const context = `${words} ${access === 'online' ? 'grant:online' : access === 'offline' ? 'grant:offline' : ''} ${rotated ? 'grant:rotated' : ''}`;
    return [
      makeFinding({
        id: 'refresh-token-rejected',
        severity: 'error',
        role: 'root-cause',
        // invalid_grant to a refresh request is the server refusing that refresh token; its words (if any) say why.
        basis: described || phrase !== undefined ? 'server-words' : 'request-shape',
        title: `the refresh token was rejected (invalid_grant)${access !== undefined ? ` — an ${access}_access grant` : ''}`,
        detail: [
          describeError(r),
          `${grantTypeOf(r) === 'refresh_token' ? 'grant_type=refresh_token' : 'a refresh (the server\'s words name the refresh token or its session)'}${access !== undefined ? `; the original grant was ${access}_access (granted scope "${granted}")` : granted !== undefined ? `; the granted scope "${granted}" names neither online_access nor offline_access` : ''}`,
          ...(rotated ? ['this refresh sent a refresh token that an earlier refresh had already replaced with a new one (rotation)'] : []),
          ...(phrase !== undefined ? [saidLine(phrase)] : []),
          ...(vendor !== undefined ? [`error_uri names ${vendor.urn}${vendor.instance !== undefined ? `; instance ${vendor.instance}` : ''}: the page may let the user re-approve the app`] : []),
        ].join('\n'),
        causes: orderCauses(
          [
            { text: 'Access was revoked or suspended by the user, an administrator or the app (offline_access); Oracle Health does not say which, and its error_uri page may let the user re-approve.', when: /grant:offline|revoked|suspend/i },
            { text: 'online_access refresh works only while the user\'s session lasts: the user logged out or the session timed out.', when: /grant:online|session not active|session (has )?(ended|expired)|not active/i },
            { text: 'The refresh token was rotated: the earlier refresh returned a new refresh_token and the app reused the old one (or two refreshes raced).', when: /grant:rotated|reuse|already (been )?(used|exchanged)|rotat/i },
            { text: 'The refresh token expired (its lifetime or inactivity limit passed).', when: /expired|inactiv|not active/i },
            { text: 'The refresh token belongs to another client id, or the client authentication of the refresh differs from the original one.', when: /client/i },
          ],
          context,
        ),
        fix: access === 'online' ? 'Re-launch or re-authorize the user (an online_access grant ends with the session).' : `Offer re-authorization${vendor !== undefined ? ' and show the error_uri link (it may let the user re-approve)' : ''}; always store the newest refresh_token from each refresh answer and refresh once at a time.`,
        spec: 'smart-refresh',
        exchanges: exchangeIdOf(r),
      }),
    ];
  },
};
