// openid (and profile/fhirUser) requested, not granted: no id_token, no identity
// (catalog openid-not-granted-no-id-token, the Cerner sandbox report). Built on the scopes
// module's requested-vs-granted comparison (compareScopes); its scopeFindings emits the same
// id, and diagnose()/mergeFindings keeps the richer one. A token response without any scope
// says nothing of what was granted: openid-granted-no-id-token handles that case.
import { makeFinding, type Finding } from '../../../report/finding.js';
import { compareScopes } from '../../../protocol/scopes/compare.js';
import { parseScopes } from '../../../protocol/scopes/parse.js';
import type { Evidence } from '../../evidence.js';
import { exchangeIds, responsesAt, type DiagnosisRule } from '../../rule.js';
import { receivedTokenResponse } from './received-id-token.js';

const IDENTITY: readonly string[] = ['openid', 'fhirUser', 'profile'];

export const openidScopeDropped: DiagnosisRule = {
  id: 'openid-scope-dropped',
  phase: 'id-token',
  catalog: ['openid-not-granted-no-id-token'],
  diagnose(e: Evidence): Finding[] {
    const tr = receivedTokenResponse(e);
    const granted = typeof tr?.body['scope'] === 'string' ? tr.body['scope'] : undefined;
    if (e.requestedScope === undefined || tr === undefined || granted === undefined) return [];
    const comparison = compareScopes(parseScopes(e.requestedScope), parseScopes(granted));
    const droppedEntries = comparison.entries.filter((x) => x.side === 'requested' && x.classification === 'dropped' && IDENTITY.includes(x.parsed.kind));
    if (!droppedEntries.some((x) => x.parsed.kind === 'openid')) return [];
    const dropped = IDENTITY.filter((k) => droppedEntries.some((x) => x.parsed.kind === k));
    const noIdToken = tr.body['id_token'] === undefined;
    const onlyIdentity = comparison.entries.filter((x) => x.side === 'requested' && x.classification === 'dropped').every((x) => IDENTITY.includes(x.parsed.kind));
    return [
      makeFinding({
        id: 'openid-scope-dropped',
        // An id_token that came anyway contradicts the scope string; that is odd, not the failure.
        severity: noIdToken ? 'error' : 'warning',
        role: noIdToken ? 'root-cause' : 'also-noticed',
        // The granted scope is the server's own statement of what it granted.
        basis: 'server-words',
        title: `${dropped.join(', ')} ${dropped.length === 1 ? 'was' : 'were'} requested but not granted${noIdToken ? ', so no id_token came back' : ''}`,
        detail: `requested scope: "${e.requestedScope}"\ngranted scope:   "${granted}"\nid_token: ${noIdToken ? 'absent' : 'present, though openid was not granted'}. Without openid there is no id_token and no fhirUser: the app cannot tell who signed in.${onlyIdentity ? '\nOnly the identity scopes were dropped; the resource scopes were granted as asked.' : ''}${dropped.includes('profile') && !dropped.includes('fhirUser') ? '\nprofile is the SMART v1 identity scope (Cerner documented no support for it); SMART v2 uses fhirUser.' : ''}`,
        causes: [
          // Only identity scopes trimmed: a registration (or tenant policy) without OpenID Connect is the likeliest.
          'The app registration in this environment (sandbox or production tenant) does not have OpenID Connect / the profile or fhirUser scopes enabled, so the server trims them from the grant.',
          'The flow went through a persona or endpoint that does not issue OpenID Connect tokens (e.g. a sandbox token endpoint or a patient persona without identity).',
          'The user or test persona did not consent to sharing identity (some consent screens let scopes be unticked).',
        ],
        fix: 'Enable OpenID Connect (openid, fhirUser/profile) in the app registration for this environment and re-authorize. Confirm with a minimal request: smartctl launch --scope "openid fhirUser" ... — if that also comes back without openid, the registration is the cause. Give the vendor the Cerner-Correlation-Id (or request id) of the token answer.',
        spec: 'smart-identity-scopes',
        exchanges: exchangeIds(responsesAt(e, 'token').filter((r) => r.status === 200)),
      }),
    ];
  },
};
