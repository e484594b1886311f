// invalid_scope at authorize or token: scopes not registered or not assigned to the client,
// in the other SMART syntax, or of the wrong kind (system/ in a user launch). Causes are
// ordered by what the request and the server's words show. When the evidence shows the
// grammar is the problem, scope-v1-v2-syntax-mismatch explains it and this rule steps aside.
import { makeFinding, type Finding } from '../../../report/finding.js';
import { parseScopes, type ResourceScope } from '../../../protocol/scopes/parse.js';
import type { Evidence } from '../../evidence.js';
import { callbackWords, describeError, exchangeIdOf, messageRelays, orderCauses, reportedLine, saidLine, serverSays, serverWords, type DiagnosisRule } from '../../rule.js';
import { syntaxRejection } from '../scopes/scope-v1-v2-syntax-mismatch.js';

/** A callback URL (or its request line) pasted as a message: the error parameter is the server's code (RFC 6749 §4.1.2.1). */
const PASTED_CALLBACK = /[?&#]error=invalid_scope(?=[&#\s]|$)/;

export const invalidScope: DiagnosisRule = {
  id: 'invalid-scope',
  phase: 'authorize',
  catalog: ['invalid-scope-at-authorize'],
  diagnose(e: Evidence): Finding[] {
    const r = e.responses.find((x) => x.status >= 400 && x.oauthError?.error === 'invalid_scope' && !/(^|&)grant_type=refresh_token(&|$)/.test(x.requestBody ?? '') && x.step !== 'refresh'); // refresh-scope-broadening
    const cb = e.callbackError?.error === 'invalid_scope' ? e.callbackError : undefined;
    const said = serverSays(e, 'invalid-scope');
    // No answer says it: the app's message (or a server log line) quoting a vendor's refusal of the scopes.
    const relayed = r === undefined && cb === undefined && said === undefined ? messageRelays(e, 'invalid-scope', { also: PASTED_CALLBACK }) : undefined;
    if (r === undefined && cb === undefined && said === undefined && relayed === undefined) return [];
    if (syntaxRejection(e) !== undefined) return [];
    const words = r !== undefined ? serverWords(r) : cb !== undefined ? callbackWords(e) : said?.response !== undefined ? serverWords(said.response) : (relayed?.message ?? '');
    const requested = parseScopes(e.requestedScope ?? '');
    const resources = requested.filter((s): s is ResourceScope => s.kind === 'resource');
    const facts = [
      resources.some((s) => s.compartment === 'system') && e.launchType !== 'backend' && !/client_credentials/.test(r?.requestBody ?? '') ? 'system-in-user' : '',
      resources.some((s) => s.syntax === 'v2') ? 'v2-requested' : '',
      requested.some((s) => s.kind === 'launch-context' || s.kind === 'launch') ? 'context-scopes' : '',
    ].join(' ');
    const lines = [r !== undefined ? describeError(r) : cb !== undefined ? `callback error invalid_scope${cb.error_description !== undefined ? `: "${cb.error_description}"` : ''}` : relayed !== undefined ? reportedLine(relayed.message) : `the server said: ${JSON.stringify(words.slice(0, 200))}`];
    if (said !== undefined) lines.push(saidLine(said.phrase));
    if (relayed?.phrase !== undefined) lines.push(saidLine(relayed.phrase));
    if (e.requestedScope !== undefined) lines.push(`requested: "${e.requestedScope}"`);
    return [
      makeFinding({
        id: 'invalid-scope',
        severity: 'error',
        role: 'root-cause',
        basis: 'server-words',
        title: 'the server refused the requested scopes (invalid_scope)',
        detail: lines.join('\n'),
        causes: orderCauses(
          [
            { text: 'A scope is not defined on the authorization server (the realm), or not assigned to this client: Keycloak-based SMART servers need each SMART scope created and assigned as a client scope (Alvearie: launch/patient).' },
            { text: 'system/ scopes in a user-facing request: they belong to backend services (client_credentials).', when: /system-in-user|Only system scopes/i },
            { text: 'The scope syntax does not match the server: SMART v2 (.rs, .cruds) on a v1-only server, or v1 (.read/.write) on a v2-only one.', when: /v2-requested/ },
            { text: 'A launch context scope (launch, launch/patient) the server does not offer to this client or flow.', when: /context-scopes/ },
          ],
          `${facts} ${words}`,
        ),
        fix: 'Request only scopes listed in scopes_supported and registered (assigned) for the app; run smartctl discover to see the syntax the server advertises, and smartctl diff-scopes to translate.',
        spec: 'smart-scopes',
        exchanges: r === undefined ? undefined : exchangeIdOf(r),
      }),
    ];
  },
};
