// openid (and profile/fhirUser) requested, not granted: no id_token, no identity.
// Built on the scopes module's requested-vs-granted comparison (compareScopes); its
// scopeFindings emits the same id, and diagnose()/mergeFindings keeps the richer one.
import { makeFinding, type Finding } from '../../../report/finding.js';
import { compareScopes } from '../../../protocol/scopes/compare.js';
import { parseScopes } from '../../../protocol/scopes/parse.js';
import type { Evidence } from '../../evidence.js';
import { exchangeIds, grantedScopeOf, responsesAt, type DiagnosisRule } from '../../rule.js';

const IDENTITY: readonly string[] = ['openid', 'fhirUser', 'profile'];

export const openidScopeDropped: DiagnosisRule = {
  id: 'openid-scope-dropped',
  phase: 'id-token',
  catalog: ['openid-not-granted-no-id-token'],
  diagnose(e: Evidence): Finding[] {
    const granted = grantedScopeOf(e);
    if (e.requestedScope === undefined || e.tokenResponse === undefined) return [];
    const comparison = compareScopes(parseScopes(e.requestedScope), parseScopes(granted ?? ''));
    const droppedEntries = comparison.entries.filter((x) => x.side === 'requested' && x.classification === 'dropped' && IDENTITY.includes(x.parsed.kind));
    if (!droppedEntries.some((x) => x.parsed.kind === 'openid')) return [];
    const dropped = IDENTITY.filter((k) => droppedEntries.some((x) => x.parsed.kind === k));
    const noIdToken = e.tokenResponse['id_token'] === undefined;
    return [
      makeFinding({
        id: 'openid-scope-dropped',
        severity: 'error',
        role: 'root-cause',
        // The granted scope is the server's own statement of what it granted.
        basis: 'server-words',
        title: `${dropped.join(', ')} ${dropped.length === 1 ? 'was' : 'were'} requested but not granted${noIdToken ? ', so no id_token came back' : ''}`,
        detail: `requested scope: "${e.requestedScope}"\ngranted scope:   ${granted === undefined ? '(no scope in the token response)' : `"${granted}"`}\nid_token: ${noIdToken ? 'absent' : 'present, though openid was not granted'}. Without openid there is no id_token and no fhirUser: the app cannot tell who signed in.`,
        causes: [
          'The app registration in this environment (sandbox or production tenant) does not have OpenID Connect / the profile or fhirUser scopes enabled, so the server trims them from the grant.',
          'The user or test persona did not consent to sharing identity (some consent screens let scopes be unticked).',
          'The sandbox is configured differently from production: scopes added to the developer registration were not propagated to this tenant.',
        ],
        fix: 'Enable OpenID Connect (openid, fhirUser/profile) in the app registration for this environment and re-authorize. Confirm with a minimal request: smartctl launch --scope "openid fhirUser" ... — if that also comes back without openid, the registration is the cause.',
        spec: 'smart-identity-scopes',
        exchanges: exchangeIds(responsesAt(e, 'token').filter((r) => r.status === 200)),
      }),
    ];
  },
};
