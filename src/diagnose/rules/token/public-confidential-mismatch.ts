// The client's registration type does not match how it authenticates: a confidential client
// that sent no credentials (Entra AADSTS7000218, Keycloak "Client secret not provided in
// request"), or a public client that sent a secret or assertion (Entra AADSTS700025). SMART:
// public apps send client_id and no authentication; confidential apps must authenticate.
import { makeFinding, type Finding } from '../../../report/finding.js';
import type { Evidence } from '../../evidence.js';
import type { FindingBasis } from '../../../report/finding.js';
import { describeError, exchangeIdOf, messageRelays, orderCauses, reportedLine, responsesAt, saidLine, serverWords, vendorSays, type DiagnosisRule } from '../../rule.js';
import { authMethodOf } from './client-auth-method.js';

export const publicConfidentialMismatch: DiagnosisRule = {
  id: 'public-confidential-mismatch',
  phase: 'token',
  catalog: ['public-confidential-mismatch'],
  diagnose(e: Evidence): Finding[] {
    for (const r of responsesAt(e, 'token')) {
      if (r.status < 400 || r.status >= 500) continue;
      const said = vendorSays(r, 'public-confidential-mismatch');
      const method = authMethodOf(e, r);
      // The whole request is known, it carries no credential, and the server refused the client.
      // ... unless the server's words say what else it is (Keycloak: "Invalid client or Invalid client credentials" is an unknown client).
      const bare = said === undefined && method === 'none' && r.headersSeen === true && ['invalid_client', 'unauthorized_client'].includes(r.oauthError?.error ?? '') && vendorSays(r, 'token-invalid-client') === undefined;
      if (said === undefined && !bare) continue;
      const words = `${serverWords(r)} ${method ?? ''}`;
      const lines = [describeError(r)];
      if (said !== undefined) lines.push(saidLine(said));
      lines.push(method === 'none' ? 'the request carries client_id only: no Authorization header, client_secret or client_assertion (a public client)' : method !== undefined ? `the request authenticates with ${method}` : 'the request itself is not in the evidence');
      return [mismatchFinding(lines, words, said !== undefined ? 'server-words' : 'request-shape', exchangeIdOf(r))];
    }
    // No saved answer says it: the app's message quoting the server (MSAL: "invalid_client: 7000218 ... AADSTS7000218: ...").
    const relayed = messageRelays(e, 'public-confidential-mismatch');
    if (relayed?.phrase === undefined) return [];
    return [mismatchFinding([reportedLine(relayed.message), saidLine(relayed.phrase)], relayed.message, 'server-words', undefined)];
  },
};

function mismatchFinding(lines: string[], words: string, basis: FindingBasis, exchanges: number[] | undefined): Finding {
  return makeFinding({
    id: 'public-confidential-mismatch',
    severity: 'error',
    role: 'root-cause',
    basis,
    title: /is public|neither/i.test(words) ? 'the client is registered as public but sent a secret or assertion' : 'the client is registered as confidential but sent no client authentication',
    detail: lines.join('\n'),
    causes: orderCauses(
      [
        { text: 'The app is registered as confidential (a "Web" platform, client authentication on) but authenticates like a public app, with client_id only.', when: /must contain|not provided|\bnone\b|confidential/i },
        { text: 'The app is registered as public (native / single-page, "allow public client flows") but sends a client_secret or client_assertion.', when: /is public|neither|should (not )?be presented/i },
        { text: 'The client id is of another app or environment than the one meant (one registered differently).', when: /not found|unknown/i },
      ],
      words,
    ),
    fix: 'Make the registration and the request agree: a public app sends client_id and PKCE, no secret; a confidential app authenticates (client_secret_basic, or private_key_jwt, which SMART prefers). With smartctl pick --client-auth accordingly.',
    spec: 'smart-app-launch',
    exchanges,
  });
}
