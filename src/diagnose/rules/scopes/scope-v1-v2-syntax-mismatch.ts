// Resource scopes granted in the other SMART syntax than requested (v2 asked, v1 came
// back): equivalent in meaning, but apps that compare scope strings think they were dropped.
import { makeFinding, type Finding } from '../../../report/finding.js';
import { parseScopes, type ResourceScope } from '../../../protocol/scopes/parse.js';
import type { Evidence } from '../../evidence.js';
import { grantedScopeOf, type DiagnosisRule } from '../../rule.js';

function syntaxes(text: string): Set<string> {
  return new Set(parseScopes(text).filter((s): s is ResourceScope => s.kind === 'resource').map((s) => s.syntax));
}

export const scopeSyntaxMismatch: DiagnosisRule = {
  id: 'scope-v1-v2-syntax-mismatch',
  phase: 'scopes',
  catalog: ['scope-v1-v2-syntax-mismatch'],
  diagnose(e: Evidence): Finding[] {
    const granted = grantedScopeOf(e);
    if (e.requestedScope === undefined || granted === undefined) return [];
    const asked = syntaxes(e.requestedScope);
    const got = syntaxes(granted);
    if (asked.size !== 1 || got.size !== 1) return [];
    const [a] = [...asked];
    const [g] = [...got];
    if (a === g) return [];
    return [
      makeFinding({
        id: 'scope-v1-v2-syntax-mismatch',
        severity: 'warning',
        title: `resource scopes were requested in SMART ${a} syntax and granted in ${g}`,
        detail: `requested: "${e.requestedScope}"\ngranted:   "${granted}"`,
        fix: `Compare scopes by meaning, not by string (smartctl diff-scopes shows the equivalence), or request in the syntax the server grants (${g}).`,
        spec: 'smart-scopes-v1-v2',
      }),
    ];
  },
};
