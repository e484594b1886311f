// scope-v1-v2-syntax-mismatch: the client and the server use different SMART versions of the
// scope grammar. Root cause when an invalid_scope names v2-style (.rs, .cruds) scopes, or
// rejects v2 scopes of a server whose discovery advertises only v1 (or the reverse); noticed
// when scopes are granted in the other syntax than asked (equivalent in meaning, but apps
// that compare strings think they were dropped).
import { makeFinding, type Finding } from '../../../report/finding.js';
import { parseScopes, type ResourceScope } from '../../../protocol/scopes/parse.js';
import { parseObject, type Evidence } from '../../evidence.js';
import { callbackWords, grantedScopeOf, serverWords, type DiagnosisRule } from '../../rule.js';

function resources(text: string): ResourceScope[] {
  return parseScopes(text).filter((s): s is ResourceScope => s.kind === 'resource');
}

function syntaxes(text: string): Set<string> {
  return new Set(resources(text).map((s) => s.syntax));
}

/** The scope grammar the server's discovery advertises, when a discovery document is in the evidence. */
function advertisedSyntax(e: Evidence): 'v1' | 'v2' | undefined {
  for (const r of e.responses) {
    if (r.endpoint !== 'discovery' || r.status !== 200) continue;
    const doc = parseObject(r.responseBody);
    const caps = Array.isArray(doc?.['capabilities']) ? (doc['capabilities'] as unknown[]) : [];
    const v1 = caps.includes('permission-v1');
    const v2 = caps.includes('permission-v2');
    if (v1 !== v2) return v1 ? 'v1' : 'v2';
    const supported = Array.isArray(doc?.['scopes_supported']) ? (doc['scopes_supported'] as unknown[]).filter((s): s is string => typeof s === 'string').join(' ') : '';
    const s = syntaxes(supported);
    if (s.size === 1) return [...s][0] as 'v1' | 'v2';
  }
  return undefined;
}

export interface SyntaxRejection {
  words: string;
  named: string[];
  requestedSyntax: 'v1' | 'v2';
  advertised?: 'v1' | 'v2' | undefined;
}

/** An invalid_scope whose evidence shows the grammar is the problem (used by invalid-scope to step aside). */
export function syntaxRejection(e: Evidence): SyntaxRejection | undefined {
  const bad = e.responses.find((r) => r.status >= 400 && r.oauthError?.error === 'invalid_scope');
  const words = bad !== undefined ? serverWords(bad) : e.callbackError?.error === 'invalid_scope' ? callbackWords(e) : undefined;
  if (words === undefined) return undefined;
  // Scopes the server quoted by name ("system/Patient.rs"), not a whole echoed request.
  const quoted = [...words.matchAll(/["'“]([^"'”\s]+\/[^"'”\s]+)["'”]/g)].map((m) => m[1] ?? '');
  const named = resources(quoted.join(' '));
  if (named.length > 0 && named.every((s) => s.syntax === 'v2')) return { words, named: named.map((s) => s.raw), requestedSyntax: 'v2' };
  const asked = resources(e.requestedScope ?? '');
  const advertised = advertisedSyntax(e);
  const askedSyntax = new Set(asked.map((s) => s.syntax));
  if (advertised !== undefined && askedSyntax.size === 1 && !askedSyntax.has(advertised)) return { words, named: asked.map((s) => s.raw), requestedSyntax: [...askedSyntax][0] as 'v1' | 'v2', advertised };
  return undefined;
}

export const scopeSyntaxMismatch: DiagnosisRule = {
  id: 'scope-v1-v2-syntax-mismatch',
  phase: 'scopes',
  catalog: ['scope-v1-v2-syntax-mismatch'],
  diagnose(e: Evidence): Finding[] {
    const rejected = syntaxRejection(e);
    if (rejected !== undefined) {
      const other = rejected.requestedSyntax === 'v2' ? 'v1' : 'v2';
      return [
        makeFinding({
          id: 'scope-v1-v2-syntax-mismatch',
          severity: 'error',
          role: 'root-cause',
          basis: rejected.advertised === undefined ? 'server-words' : 'request-shape',
          title: `the server refused scopes written in SMART ${rejected.requestedSyntax} syntax${rejected.advertised !== undefined ? ` (it advertises ${rejected.advertised})` : ''}`,
          detail: [
            `invalid_scope: ${JSON.stringify(rejected.words.replace(/\s+/g, ' ').trim().slice(0, 240))}`,
            `${rejected.requestedSyntax} scopes refused: ${rejected.named.map((s) => `"${s}"`).join(', ')}`,
            ...(rejected.advertised !== undefined ? [`discovery advertises permission-${rejected.advertised} only`] : []),
          ].join('\n'),
          causes: [
            `The server supports only SMART ${other} scopes (${other === 'v1' ? '.read/.write' : '.cruds'}), e.g. smart-launcher-v2 backend services, AWS HealthLake SMART_ON_FHIR_V1 datastores.`,
            'A scope syntax the server cannot parse is refused (or, on some servers such as Medplum, silently dropped).',
          ],
          fix: `Request the scopes in ${other} syntax (${rejected.requestedSyntax === 'v2' ? 'patient/Observation.rs → patient/Observation.read' : 'patient/Observation.read → patient/Observation.rs'}); smartctl diff-scopes translates, and smartctl discover shows the capabilities (permission-v1 / permission-v2).`,
          spec: 'smart-scopes-v1-v2',
        }),
      ];
    }
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
        role: 'also-noticed',
        basis: 'request-shape',
        title: `resource scopes were requested in SMART ${a} syntax and granted in ${g}`,
        detail: `requested: "${e.requestedScope}"\ngranted:   "${granted}"`,
        fix: `Compare scopes by meaning, not by string (smartctl diff-scopes shows the equivalence), or request in the syntax the server grants (${g}).`,
        spec: 'smart-scopes-v1-v2',
      }),
    ];
  },
};
