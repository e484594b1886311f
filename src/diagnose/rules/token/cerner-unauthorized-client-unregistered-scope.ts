// unauthorized_client at the token endpoint. On Oracle Health (Cerner) it means a requested
// scope is not in the app's registration (Cerner staff: a lone system/Patient.write gives
// unauthorized_client; with other scopes it is silently left out of the grant). Elsewhere it
// is RFC 6749 §5.2's "not authorized to use this grant type" first: token-unauthorized-client.
import { makeFinding, type Finding } from '../../../report/finding.js';
import { headerValue } from '../../../report/trace.js';
import { formOf, grantTypeOf, type Evidence, type ResponseEvidence } from '../../evidence.js';
import { describeError, exchangeIdOf, messageRelays, orderCauses, reportedLine, responsesAt, saidLine, serverWords, vendorSays, type DiagnosisRule } from '../../rule.js';

/** An Oracle Health (Cerner) authorization server answered. */
export function isCerner(r: ResponseEvidence): boolean {
  return /(^|\.)cerner\.com$|(^|\.)sandboxcerner\.com$|oraclehealth/i.test(URL.canParse(r.url ?? '') ? new URL(r.url ?? '').hostname : '') || /authorization\.(sandbox)?cerner\.com|urn:cerner:/i.test(serverWords(r)) || headerValue(r.responseHeaders, 'cerner-correlation-id') !== undefined;
}

const ID = 'cerner-unauthorized-client-unregistered-scope';

/**
 * Oracle Health's empty-scopes URN ("The resulting token contains no scopes ..."): none of the
 * requested scopes is registered for the app (Cerner staff on its developer group), whatever the
 * error code; from a saved answer, or an app message quoting the page.
 */
function emptyScopes(e: Evidence): Finding[] {
  const r = responsesAt(e, 'token').find((x) => x.status >= 400 && x.status < 500 && vendorSays(x, ID) !== undefined);
  const phrase = r !== undefined ? vendorSays(r, ID) : undefined;
  const relayed = r === undefined && responsesAt(e, 'token').every((x) => x.status < 400) ? messageRelays(e, ID) : undefined;
  const said = phrase ?? relayed?.phrase;
  if (said === undefined) return [];
  const scope = (r !== undefined ? formOf(r.requestBody).get('scope') : null) ?? e.requestedScope;
  return [
    makeFinding({
      id: ID,
      severity: 'error',
      role: 'root-cause',
      basis: 'server-words',
      title: 'the server refused a scope the app is not registered for (no requested scope is left)',
      detail: [r !== undefined ? describeError(r) : reportedLine(relayed?.message ?? ''), saidLine(said), ...(scope !== undefined ? [`scope requested: "${scope}"`] : [])].join('\n'),
      causes: [
        `The requested scopes are not in the app registration${scope !== undefined ? ` (check each of "${scope}" against it)` : ''}: Oracle Health grants only registered scopes, and with none left it refuses the token.`,
        'A refresh asked for scopes the client is no longer authorized for (the registration changed since the refresh token was issued).',
      ],
      fix: 'Add the scopes to the app registration in the Oracle Health code console (and re-authorize), or request only registered ones.',
      spec: 'rfc6749-token-error',
      exchanges: r !== undefined ? exchangeIdOf(r) : undefined,
    }),
  ];
}

export const cernerUnauthorizedClientUnregisteredScope: DiagnosisRule = {
  id: 'cerner-unauthorized-client-unregistered-scope',
  phase: 'token',
  catalog: ['cerner-unauthorized-client-unregistered-scope'],
  siblings: ['token-unauthorized-client'],
  diagnose(e: Evidence): Finding[] {
    const r = responsesAt(e, 'token').find((x) => x.status >= 400 && x.status < 500 && x.oauthError?.error === 'unauthorized_client');
    if (r === undefined) return emptyScopes(e);
    // Another rule reads these words more precisely (Keycloak: "Client secret not provided in request").
    if (['public-confidential-mismatch', 'assertion-iss-sub-mismatch', 'token-invalid-client'].some((id) => vendorSays(r, id) !== undefined)) return [];
    const cerner = isCerner(r);
    const scope = formOf(r.requestBody).get('scope') ?? e.requestedScope;
    const grant = grantTypeOf(r);
    const lines = [describeError(r)];
    if (scope !== undefined) lines.push(`scope requested: "${scope}"${grant !== undefined ? ` (grant_type=${grant})` : ''}`);
    if (cerner) lines.push('Oracle Health (Cerner) answers unauthorized_client when a requested scope is not in the app registration (with other scopes, it leaves that scope out of the grant instead)');
    const words = `${serverWords(r)} ${cerner ? 'cerner scope' : ''} ${/\.(write|c|u|d|cud|cruds)\b|\/\*\.\*/.test(scope ?? '') ? 'write scope' : ''}`;
    const causes = orderCauses(
      [
        { text: `A requested scope is not registered for the app${scope !== undefined ? ` (check each of "${scope}" against the registration)` : ''}; Oracle Health answers unauthorized_client for a lone unregistered scope such as system/Patient.write.`, when: /cerner scope|scope/i },
        { text: `The client is not registered for this grant type${grant !== undefined ? ` (${grant})` : ''} (RFC 6749 §5.2).`, when: /grant[_ ]type|not (registered|allowed|authorized) for/i },
        { text: 'The client is public, and this grant (client_credentials) needs a confidential client.', when: /confidential|public/i },
      ],
      words,
    );
    return [
      makeFinding({
        id: cerner ? 'cerner-unauthorized-client-unregistered-scope' : 'token-unauthorized-client',
        severity: 'error',
        role: 'root-cause',
        basis: 'server-words',
        title: cerner ? 'the server refused a scope the app is not registered for (unauthorized_client)' : 'the client is not authorized for this request (unauthorized_client)',
        detail: lines.join('\n'),
        causes,
        fix: cerner ? 'Add the scope to the app registration in the Oracle Health code console (and re-authorize), or stop requesting it.' : 'Enable the grant type and scopes for the client in the authorization server, or use a client registered for them.',
        spec: 'rfc6749-token-error',
        exchanges: exchangeIdOf(r),
      }),
    ];
  },
};
