// The PKCE code_verifier is refused at the token endpoint (RFC 7636 §4.6: invalid_grant;
// some servers say invalid_request). The server's words name it, or the request proves it:
// the verifier does not hash to the challenge of the authorize URL, is outside 43..128
// characters of [A-Za-z0-9-._~], or is missing although a challenge was sent.
import { makeFinding, type Finding } from '../../../report/finding.js';
import { s256Challenge as s256 } from './pkce-s256.js';
import { formOf, grantTypeOf, innerAuthorizeUrl, type Evidence, type ResponseEvidence } from '../../evidence.js';
import { describeError, exchangeIdOf, messageRelays, orderCauses, reportedLine, responsesAt, saidLine, serverWords, vendorSays, type DiagnosisRule } from '../../rule.js';
import type { VendorPhrase } from '../../vendors/index.js';

const VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;

/** The challenge the authorize request sent, when the evidence has it. */
export function sentChallenge(e: Evidence): { challenge: string; method: string } | undefined {
  const url = innerAuthorizeUrl(e.authorizeUrl);
  if (url === undefined || !URL.canParse(url)) return undefined;
  const q = new URL(url).searchParams;
  const challenge = q.get('code_challenge');
  return challenge === null ? undefined : { challenge, method: q.get('code_challenge_method') ?? 'plain' };
}

/** What the request shows wrong with the verifier; undefined when it shows nothing (or cannot tell). */
export function verifierProblem(e: Evidence, r: ResponseEvidence): string | undefined {
  if (r.requestBody === undefined) return undefined;
  const verifier = formOf(r.requestBody).get('code_verifier');
  const sent = sentChallenge(e);
  if (verifier === null) return sent !== undefined ? `code_verifier: expected the verifier of code_challenge "${sent.challenge}", got none in the token request` : undefined;
  if (!VERIFIER.test(verifier)) {
    const bad = [...new Set(verifier.replace(/[A-Za-z0-9\-._~]/g, ''))].join('');
    return `code_verifier: expected 43 to 128 characters of [A-Za-z0-9-._~], got ${verifier.length} characters${bad !== '' ? ` including "${bad}" (base64, not base64url?)` : ''}`;
  }
  if (sent === undefined) return undefined;
  const computed = sent.method.toUpperCase() === 'S256' ? s256(verifier) : verifier;
  return computed === sent.challenge ? undefined : `code_challenge: expected ${sent.method.toUpperCase() === 'S256' ? 'BASE64URL(SHA256(code_verifier))' : 'the verifier itself (plain)'} = "${computed}", got "${sent.challenge}" in the authorize URL`;
}

/** The verifier was checked against the challenge and matches. */
export function verifierMatches(e: Evidence, r: ResponseEvidence): boolean {
  const verifier = formOf(r.requestBody).get('code_verifier');
  return verifier !== null && sentChallenge(e) !== undefined && verifierProblem(e, r) === undefined;
}

export const pkceVerifierMismatch: DiagnosisRule = {
  id: 'pkce-verifier-mismatch',
  phase: 'token',
  catalog: ['pkce-verifier-mismatch'],
  diagnose(e: Evidence): Finding[] {
    for (const r of responsesAt(e, 'token')) {
      if (r.status < 400 || r.status >= 500 || !['invalid_grant', 'invalid_request'].includes(r.oauthError?.error ?? '')) continue;
      if (grantTypeOf(r) === 'refresh_token') continue;
      const said = vendorSays(r, 'pkce-verifier-mismatch');
      const problem = verifierProblem(e, r);
      if (said === undefined && problem === undefined) continue;
      const lines = [describeError(r)];
      if (said !== undefined) lines.push(saidLine(said));
      if (problem !== undefined) lines.push(problem);
      else if (verifierMatches(e, r)) lines.push('the code_verifier sent does hash to the code_challenge of the authorize URL given: the verifier of another attempt reached the server, or the server stored another challenge');
      return [verifierFinding(lines, `${serverWords(r)} ${problem ?? ''}`, said, exchangeIdOf(r))];
    }
    // No saved answer: the app's message relaying the server's words (AppAuth, Duende's log line, a token endpoint's text).
    const relayed = messageRelays(e, 'pkce-verifier-mismatch', { generic: true });
    if (relayed === undefined) return [];
    return [verifierFinding([reportedLine(relayed.message), ...(relayed.phrase !== undefined ? [saidLine(relayed.phrase)] : [])], relayed.message, relayed.phrase, undefined)];
  },
};

function verifierFinding(lines: string[], words: string, said: VendorPhrase | undefined, exchanges: number[] | undefined): Finding {
  return makeFinding({
    id: 'pkce-verifier-mismatch',
    severity: 'error',
    role: 'root-cause',
    basis: said !== undefined ? 'server-words' : 'request-shape',
    title: 'the PKCE code_verifier does not match the code_challenge',
    detail: lines.join('\n'),
    causes: orderCauses(
      [
        { text: 'The code_verifier sent is not the one whose S256 hash was sent as code_challenge (a new verifier was generated between the two requests, or the verifier of another attempt or tab was used).', when: /does not match|mismatch|verification failed|expected BASE64URL|another attempt/i },
        { text: 'The verifier is not 43..128 characters of [A-Za-z0-9-._~] (base64 with + / = instead of base64url; too short).', when: /characters|at least 43|length|base64/i },
        { text: 'The code_verifier is missing from the token request although a challenge was sent.', when: /missing|got none|required/i },
        { text: 'The challenge was computed with another encoding (it must be BASE64URL(SHA-256(ASCII(verifier))) without padding), or plain was sent as the method.', when: /plain|encoding|padding/i },
      ],
      words,
    ),
    fix: 'Generate one base64url verifier of 43..128 characters per attempt, keep it with its state, and send it unchanged to the token endpoint; send code_challenge = BASE64URL(SHA256(verifier)) with code_challenge_method=S256.',
    spec: 'rfc7636-token-error',
    exchanges,
  });
}
