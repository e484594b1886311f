// Lints smartctl applies to its own authorize request before sending it: the rules
// explain applies to a saved URL, plus the requested-scope lints.
import type { Finding } from '../report/finding.js';
import { lintRequestedScopes } from '../protocol/scopes/findings.js';
import { parseScopes } from '../protocol/scopes/parse.js';
import { evidenceFromSaved } from './evidence.js';
import { mergeFindings } from './index.js';
import { authorizeUrlLint } from './rules/authorize/authorize-url.js';

export function lintAuthorizeRequest(url: string, now: Date): Finding[] {
  const scope = URL.canParse(url) ? (new URL(url).searchParams.get('scope') ?? '') : '';
  return mergeFindings(authorizeUrlLint.diagnose(evidenceFromSaved({ authorizeUrl: url }), { now }), lintRequestedScopes(parseScopes(scope), { userFacing: true }));
}
