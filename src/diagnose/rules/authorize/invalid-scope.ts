// invalid_scope at authorize or token: scopes not registered, or in the other SMART syntax.
import { makeFinding, type Finding } from '../../../report/finding.js';
import type { Evidence } from '../../evidence.js';
import { describeError, exchangeIdOf, type DiagnosisRule } from '../../rule.js';

export const invalidScope: DiagnosisRule = {
  id: 'invalid-scope',
  phase: 'authorize',
  catalog: ['invalid-scope-at-authorize'],
  diagnose(e: Evidence): Finding[] {
    const r = e.responses.find((x) => x.status >= 400 && x.oauthError?.error === 'invalid_scope' && !/(^|&)grant_type=refresh_token(&|$)/.test(x.requestBody ?? '') && x.step !== 'refresh'); // refresh-scope-broadening
    const cb = e.callbackError?.error === 'invalid_scope' ? e.callbackError : undefined;
    if (r === undefined && cb === undefined) return [];
    return [
      makeFinding({
        id: 'invalid-scope',
        severity: 'error',
        role: 'root-cause',
        basis: 'server-words',
        title: 'the server refused the requested scopes (invalid_scope)',
        detail: r !== undefined ? describeError(r) : `callback error invalid_scope${cb?.error_description !== undefined ? `: "${cb.error_description}"` : ''}`,
        causes: ['A scope is not registered for this client in this environment.', 'The scope syntax does not match the server: SMART v2 (.rs, .cruds) on a v1-only server, or v1 on a v2-only one.', 'A system/ scope in a user launch, or a scope that needs a launch context the request cannot have.'],
        fix: 'Request only scopes listed in scopes_supported and registered for the app; run smartctl discover to see the syntax the server advertises, and smartctl diff-scopes to translate.',
        spec: 'smart-scopes',
        exchanges: r === undefined ? undefined : exchangeIdOf(r),
      }),
    ];
  },
};
