// pkce-method-not-s256: a code_challenge was sent with code_challenge_method plain, or with
// no method (which RFC 7636 §4.3 reads as plain). SMART servers should not support plain;
// Epic accepts only S256.
import { makeFinding, type Finding } from '../../../report/finding.js';
import type { Evidence } from '../../evidence.js';
import { saidLine, type DiagnosisRule } from '../../rule.js';
import { authorizeAnswer, bareAnswerLine, describeAnswer, isBareInvalidRequest } from './authorize-exchange.js';
import { pkceProblem } from './pkce-missing.js';

export const pkceMethodNotS256: DiagnosisRule = {
  id: 'pkce-method-not-s256',
  phase: 'authorize',
  catalog: ['pkce-method-unsupported'],
  diagnose(e: Evidence): Finding[] {
    const p = pkceProblem(e);
    if (p?.kind !== 'method') return [];
    const method = p.params?.get('code_challenge_method') ?? null;
    const answer = authorizeAnswer(e);
    const lines: string[] = [];
    if (p.phrase !== undefined && answer !== undefined) lines.push(describeAnswer(answer));
    if (p.phrase !== undefined) lines.push(saidLine(p.phrase));
    if (p.phrase === undefined && p.params !== undefined) {
      const bare = bareAnswerLine(e, p.params);
      if (bare !== undefined) lines.push(bare);
    }
    if (p.params !== undefined) lines.push(`code_challenge_method: expected "S256", got ${method === null ? 'none (RFC 7636 §4.3: an absent method means "plain")' : JSON.stringify(method)}`);
    // A bare invalid_request answering a request whose only flaw is the method: the method is why.
    const onlyFlaw = isBareInvalidRequest(answer) && p.params !== undefined && ['response_type', 'client_id', 'redirect_uri', 'scope'].every((k) => p.params?.has(k) === true);
    const role = p.phrase !== undefined || onlyFlaw ? 'root-cause' : isBareInvalidRequest(answer) ? 'contributing' : 'also-noticed';
    return [
      makeFinding({
        id: 'pkce-method-not-s256',
        severity: 'error',
        role,
        basis: p.phrase !== undefined ? 'server-words' : 'request-shape',
        title: 'the PKCE method is not S256',
        detail: lines.join('\n'),
        causes: [
          method === null ? 'The app sends code_challenge without code_challenge_method, which servers read as plain.' : `The app sends code_challenge_method=${method}; SMART servers should refuse plain and Epic accepts only S256.`,
          'The challenge is the verifier itself (plain) rather than base64url(SHA-256(verifier)).',
        ],
        fix: 'Send code_challenge=<base64url(SHA-256(verifier))> with code_challenge_method=S256.',
        spec: 'smart-pkce',
        exchanges: answer?.response?.exchangeId !== undefined ? [answer.response.exchangeId] : undefined,
      }),
    ];
  },
};
