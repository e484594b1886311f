// A refresh answer with a new access_token but no refresh_token: allowed (SMART "Refresh access
// token": refresh_token is optional there), so the client must keep the previous one. A client
// that overwrites its stored token with the missing value then sends refresh_token=None /
// undefined / nothing on the next refresh and fails (client-py with the Oracle Health sandbox).
import { makeFinding, type Finding } from '../../../report/finding.js';
import { grantTypeOf, parseObject, type Evidence, type ResponseEvidence } from '../../evidence.js';
import { describeError, exchangeIdOf, type DiagnosisRule } from '../../rule.js';
import { PLACEHOLDER_REFRESH } from './refresh-token-rejected.js';

function sentRefreshToken(r: ResponseEvidence): string | null {
  try {
    return new URLSearchParams(r.requestBody !== undefined && !r.requestBody.trimStart().startsWith('{') ? r.requestBody : '').get('refresh_token');
  } catch {
    return null;
  }
}

/** Successful refresh answers without a refresh_token (from the trace, or a saved 200 answer to a refresh request). */
function refreshAnswersWithout(e: Evidence): Array<{ response?: ResponseEvidence | undefined; body: Record<string, unknown> }> {
  const fromResponses = e.responses
    .filter((r) => r.endpoint === 'token' && r.status === 200 && grantTypeOf(r) === 'refresh_token')
    .map((r) => ({ response: r, body: parseObject(r.responseBody) }))
    .filter((x): x is { response: ResponseEvidence; body: Record<string, unknown> } => x.body !== undefined && typeof x.body['access_token'] === 'string' && x.body['refresh_token'] === undefined);
  if (fromResponses.length > 0) return fromResponses;
  const rr = e.refreshResponse;
  return rr !== undefined && typeof rr['access_token'] === 'string' && rr['refresh_token'] === undefined ? [{ body: rr }] : [];
}

export const refreshResponseOmitsRefreshToken: DiagnosisRule = {
  id: 'refresh-response-omits-refresh-token',
  phase: 'refresh',
  catalog: ['refresh-response-omits-refresh-token'],
  diagnose(e: Evidence): Finding[] {
    // A refresh that failed because the app sent no refresh token: the app lost it.
    const lost = e.responses.find((r) => r.endpoint === 'token' && r.status >= 400 && grantTypeOf(r) === 'refresh_token' && PLACEHOLDER_REFRESH.test(sentRefreshToken(r) ?? ''));
    const without = refreshAnswersWithout(e);
    if (lost !== undefined) {
      const sent = sentRefreshToken(lost);
      return [
        makeFinding({
          id: 'refresh-response-omits-refresh-token',
          severity: 'error',
          role: 'root-cause',
          basis: 'request-shape',
          title: 'the refresh request carried no refresh token: the app lost it, most likely to a refresh answer without refresh_token',
          detail: [
            describeError(lost),
            `refresh_token sent: expected the token from the last answer that had one, got ${sent === null ? 'no refresh_token parameter' : JSON.stringify(sent)}`,
            ...(without.length > 0 ? [`an earlier refresh answer had no refresh_token (keys: ${Object.keys(without[0]?.body ?? {}).join(', ')})`] : ['a refresh answer may omit refresh_token (SMART allows it); a client that stores the missing value fails on the next refresh']),
          ].join('\n'),
          causes: [
            'The previous refresh answer had no refresh_token and the app overwrote its stored token with the missing value (client-py with the Oracle Health sandbox).',
            'The app never stored a refresh token (none came with the first token response: see no-refresh-token-without-offline-scope).',
          ],
          fix: 'Replace the stored refresh token only when a refresh answer carries a new one; keep the previous one otherwise, then re-authorize once to get a refresh token back.',
          spec: 'smart-refresh',
          exchanges: exchangeIdOf(lost),
        }),
      ];
    }
    const first = without[0];
    if (first === undefined) return [];
    return [
      makeFinding({
        id: 'refresh-response-omits-refresh-token',
        severity: 'info',
        role: 'also-noticed',
        basis: 'request-shape',
        title: 'the refresh answer has no refresh_token: keep the previous one',
        detail: `${first.response !== undefined ? `${describeError(first.response).replace(/ answered HTTP 200.*$/, ' answered HTTP 200')}; ` : ''}refresh answer keys: ${Object.keys(first.body).join(', ')}; expected the app to keep its previous refresh token (SMART makes refresh_token optional here)`,
        fix: 'Replace the stored refresh token only when a refresh answer carries a new one.',
        spec: 'smart-refresh',
        exchanges: first.response !== undefined ? exchangeIdOf(first.response) : undefined,
      }),
    ];
  },
};
