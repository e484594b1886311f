// granted-scope-trimmed-to-registration: a token response granted less than was requested.
// The server grants the intersection of the request, the app's registration in that
// environment and tenant, the policy and the launch context; the missing items are listed
// and classified (OpenID, launch context, resource: wildcard or explicit, refresh).
import { makeFinding, type Finding } from '../../../report/finding.js';
import { compareScopes } from '../../../protocol/scopes/compare.js';
import { parseScopes, type Scope } from '../../../protocol/scopes/parse.js';
import type { Evidence } from '../../evidence.js';
import { grantedScopeOf, orderCauses, type DiagnosisRule } from '../../rule.js';

type Group = 'OpenID' | 'launch context' | 'wildcard resource' | 'resource' | 'refresh' | 'other';

function groupOf(s: Scope): Group {
  switch (s.kind) {
    case 'openid':
    case 'fhirUser':
    case 'profile':
      return 'OpenID';
    case 'launch':
    case 'launch-context':
      return 'launch context';
    case 'resource':
      return s.resourceType === '*' ? 'wildcard resource' : 'resource';
    case 'offline_access':
    case 'online_access':
      return 'refresh';
    default:
      return 'other';
  }
}

export const grantedScopeTrimmed: DiagnosisRule = {
  id: 'granted-scope-trimmed-to-registration',
  phase: 'scopes',
  catalog: ['granted-scope-trimmed-to-registration'],
  diagnose(e: Evidence): Finding[] {
    const granted = grantedScopeOf(e);
    if (e.requestedScope === undefined || granted === undefined || e.tokenResponse === undefined) return [];
    const c = compareScopes(parseScopes(e.requestedScope), parseScopes(granted));
    const dropped = c.entries.filter((x) => x.side === 'requested' && x.classification === 'dropped' && x.parsed.kind !== 'malformed');
    if (dropped.length === 0) return [];
    const groups = new Map<Group, string[]>();
    for (const d of dropped) groups.set(groupOf(d.parsed), [...(groups.get(groupOf(d.parsed)) ?? []), d.scope]);
    const resourceDropped = groups.has('resource') || groups.has('wildcard resource');
    // Dropped resource, identity or context scopes make what follows fail (403s, no id_token, no patient): contributing.
    // The missing id_token or patient itself is explained by its own rule (openid-scope-dropped, token-response-missing-launch-context).
    const contributes = resourceDropped || groups.has('OpenID') || groups.has('launch context') || e.responses.some((r) => r.endpoint === 'fhir' && r.status === 403);
    const facts = [...groups.keys()].join(' ');
    const grantedScopes = parseScopes(granted);
    const onlyIdentity = grantedScopes.length > 0 && grantedScopes.every((g) => g.kind === 'openid' || g.kind === 'profile' || g.kind === 'fhirUser' || g.kind === 'other');
    return [
      makeFinding({
        id: 'granted-scope-trimmed-to-registration',
        severity: resourceDropped || groups.has('OpenID') ? 'error' : 'warning',
        role: contributes ? 'contributing' : 'also-noticed',
        basis: 'request-shape',
        title: `the server granted ${dropped.length} requested scope${dropped.length === 1 ? '' : 's'} less than asked`,
        detail: [`requested: "${e.requestedScope}"`, `granted:   "${granted}"`, 'not granted:', ...[...groups.entries()].map(([g, list]) => `  ${g}: ${list.map((s) => `"${s}"`).join(', ')}`)].join('\n'),
        causes: orderCauses(
          [
            { text: 'The app registration in this environment (and tenant) lacks these scopes: the server grants only the intersection of the request and the registration.' },
            ...(groups.has('wildcard resource') ? [{ text: 'Wildcard resource scopes (patient/*.read, user/*.read) are not granted by this server or registration; request explicit resource scopes.', when: /wildcard resource/ }] : []),
            { text: 'Scopes added to the developer (sandbox) registration have not reached the client\'s tenant yet.' },
            ...(onlyIdentity ? [{ text: 'The identity provider does not know SMART scopes (Auth0, a plain OpenID provider in front of the FHIR server) and grants only its own (openid profile).' }] : []),
          ],
          facts,
        ),
        fix: 'Register the missing scopes for the app in this environment and tenant, prefer explicit resource scopes to wildcards, then authorize again; the app must trust the granted scope, not the requested one.',
        spec: 'smart-token-response',
      }),
    ];
  },
};
