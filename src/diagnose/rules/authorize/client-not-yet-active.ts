// client-not-yet-active: at the authorize step the server does not recognise the client_id
// ("Client not found", "Invalid client_id") although the app was registered: the
// registration has not propagated yet, or it belongs to the other environment (non-production
// vs production). Token-endpoint invalid_client is left to the token rules.
import { makeFinding, type Finding } from '../../../report/finding.js';
import type { Evidence } from '../../evidence.js';
import { saidLine, type DiagnosisRule } from '../../rule.js';
import { authorizeAnswer, authorizeParams, describeAnswer, authorizeSays } from './authorize-exchange.js';

export const clientNotYetActive: DiagnosisRule = {
  id: 'client-not-yet-active',
  phase: 'authorize',
  catalog: ['client-not-yet-active'],
  diagnose(e: Evidence): Finding[] {
    const said = authorizeSays(e, 'client-not-yet-active');
    if (said === undefined) return [];
    // At authorize only: the same words at the token endpoint name the client authentication.
    if (said.response !== undefined && said.response.endpoint === 'token') return [];
    const answer = authorizeAnswer(e);
    const clientId = authorizeParams(e)?.get('client_id') ?? e.clientId;
    return [
      makeFinding({
        id: 'client-not-yet-active',
        severity: 'error',
        role: 'root-cause',
        basis: 'server-words',
        title: 'the authorization server does not know this client_id (not registered here, or not active yet)',
        detail: [...(answer !== undefined ? [describeAnswer(answer)] : []), saidLine(said.phrase), ...(clientId !== undefined ? [`client_id: "${clientId}"`] : [])].join('\n'),
        causes: [
          'The client id belongs to the other environment: a non-production id used against production, or the reverse.',
          'The registration was just created or changed and has not propagated yet (vendors mention a sync window of hours to a day; Oracle Health scope changes reach a client\'s tenant later).',
          'The client id has a typo or was copied from another app.',
        ],
        fix: 'Check the client id against the registration for this environment; if it was registered recently, wait for the sync window (or ask the vendor to confirm it is active) and retry.',
        spec: 'rfc6749-authorize-error',
        exchanges: answer?.response?.exchangeId !== undefined ? [answer.response.exchangeId] : undefined,
      }),
    ];
  },
};
