// invalid_scope on a refresh: the scope sent at refresh is not within the original grant (SMART
// "Refresh access token": scope, if present, must be a subset of the scopes granted before; no
// new permissions at refresh time).
import { makeFinding, type Finding } from '../../../report/finding.js';
import { parseScopes } from '../../../protocol/scopes/parse.js';
import { grantTypeOf, type Evidence, type ResponseEvidence } from '../../evidence.js';
import { describeError, exchangeIdOf, orderCauses, serverWords, type DiagnosisRule } from '../../rule.js';

function refreshScopeOf(r: ResponseEvidence): string | undefined {
  try {
    return new URLSearchParams(r.requestBody !== undefined && !r.requestBody.trimStart().startsWith('{') ? r.requestBody : '').get('scope') ?? undefined;
  } catch {
    return undefined;
  }
}

export const refreshScopeBroadening: DiagnosisRule = {
  id: 'refresh-scope-broadening',
  phase: 'refresh',
  catalog: ['refresh-scope-broadening'],
  diagnose(e: Evidence): Finding[] {
    const r = e.responses.find((x) => x.endpoint === 'token' && x.status >= 400 && x.oauthError?.error === 'invalid_scope' && (grantTypeOf(x) === 'refresh_token' || x.step?.split('.')[0] === 'refresh'));
    if (r === undefined) return [];
    const asked = refreshScopeOf(r);
    const granted = typeof e.tokenResponse?.['scope'] === 'string' ? e.tokenResponse['scope'] : undefined;
    const grantedRaw = new Set(granted === undefined ? [] : parseScopes(granted).map((s) => s.raw));
    const extra = asked === undefined || granted === undefined ? [] : parseScopes(asked).map((s) => s.raw).filter((s) => !grantedRaw.has(s));
    const syntaxOnly = extra.length > 0 && granted !== undefined && extra.every((s) => /\.(read|write|\*)$/.test(s) !== /\.(read|write|\*)$/.test(granted.split(/\s+/).find((g) => g.includes('/')) ?? ''));
    return [
      makeFinding({
        id: 'refresh-scope-broadening',
        severity: 'error',
        role: 'root-cause',
        basis: 'server-words',
        title: extra.length > 0 ? `the refresh asked for scopes the original grant does not hold: ${extra.join(' ')}` : 'the server refused the scope sent with the refresh (invalid_scope)',
        detail: [
          describeError(r),
          `scope sent with grant_type=refresh_token: ${asked === undefined ? 'none (then invalid_scope is the server\'s own defect)' : `"${asked}"`}`,
          ...(granted !== undefined ? [`originally granted: "${granted}"${extra.length > 0 ? `; expected a subset of it, got ${extra.length} more: ${extra.map((s) => `"${s}"`).join(', ')}` : ''}`] : []),
        ].join('\n'),
        causes: orderCauses(
          [
            { text: 'The refresh request sends the originally requested scope (or a wider one) instead of the granted one; the server trimmed some scopes at authorize and refuses them now.', when: /^extra$/ },
            { text: 'The scope at refresh is written in the other SMART syntax (v1 .read vs v2 .rs) than the grant, so it does not match.', when: /^syntax$/ },
            { text: 'The app adds scopes at refresh time; new permissions need a new authorization.' },
          ],
          syntaxOnly ? 'syntax' : extra.length > 0 ? 'extra' : serverWords(r),
        ),
        fix: 'Omit scope on refresh (the grant stays as it was), or send a subset of the granted scope exactly as the token response spelled it; ask for more by authorizing again.',
        spec: 'smart-refresh',
        exchanges: exchangeIdOf(r),
      }),
    ];
  },
};
