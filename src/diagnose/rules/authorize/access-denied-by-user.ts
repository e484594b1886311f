// access_denied on the callback: the user (or a policy) refused. A vendor URN naming another
// cause (grant:missing-patient) is left to its own rule.
import { makeFinding, type Finding } from '../../../report/finding.js';
import { authorizeErrorOf, isMissingPatient } from './cerner-missing-patient-context.js';
import type { Evidence } from '../../evidence.js';
import { type DiagnosisRule } from '../../rule.js';

export const accessDenied: DiagnosisRule = {
  id: 'access-denied-by-user',
  phase: 'authorize',
  catalog: ['access-denied-by-user'],
  diagnose(e: Evidence): Finding[] {
    // access_denied also covers server policies; a vendor URN other than denied-by-user says which (catalog: access-denied-by-user).
    if (e.callbackError?.error !== 'access_denied' || isMissingPatient(authorizeErrorOf(e))) return [];
    return [
      makeFinding({
        id: 'access-denied-by-user',
        severity: 'error',
        role: 'root-cause',
        // Only the vendor's denied-by-user URN (or a description saying so) makes it a user decision.
        basis: /denied-by-user|den(y|ied)|user/i.test(`${e.callbackError.error_uri ?? ''} ${e.callbackError.error_description ?? ''}`) ? 'server-words' : 'circumstance',
        title: 'the user (or a policy) denied the authorization',
        detail: `callback error access_denied${e.callbackError.error_description !== undefined ? `: "${e.callbackError.error_description}"` : ''}`,
        causes: ['The user pressed Deny on the consent screen.', 'A server policy refused the app or the scopes for this user.'],
        fix: 'Run the launch again and approve; if it is refused without a consent screen, ask the administrator which policy applies.',
        spec: 'rfc6749-authorize-error',
      }),
    ];
  },
};
