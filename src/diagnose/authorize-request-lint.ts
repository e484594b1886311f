// Lints smartctl applies to its own authorize request before sending it: the rules
// explain applies to a saved URL, plus the requested-scope lints.
import type { Finding } from '../report/finding.js';
import { lintRequestedScopes } from '../protocol/scopes/findings.js';
import { parseScopes } from '../protocol/scopes/parse.js';
import { evidenceFromSaved } from './evidence.js';
import { mergeFindings } from './index.js';
import { audMissingOrWrong } from './rules/authorize/aud-missing-or-wrong.js';
import { authorizeUrlLint } from './rules/authorize/authorize-url.js';
import { pkceMethodNotS256 } from './rules/authorize/pkce-method-not-s256.js';
import { pkceMissing } from './rules/authorize/pkce-missing.js';

/** The rules that read only the authorize URL (nothing has failed yet, so their findings are also-noticed). */
const URL_RULES = [pkceMissing, pkceMethodNotS256, audMissingOrWrong, authorizeUrlLint];

export function lintAuthorizeRequest(url: string, now: Date): Finding[] {
  const scope = URL.canParse(url) ? (new URL(url).searchParams.get('scope') ?? '') : '';
  const evidence = evidenceFromSaved({ authorizeUrl: url });
  return mergeFindings(URL_RULES.flatMap((rule) => rule.diagnose(evidence, { now })), lintRequestedScopes(parseScopes(scope), { userFacing: true }));
}
