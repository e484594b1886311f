// access_denied at authorize: the user (or a policy) refused. Only the vendor's words make it
// a user decision (Oracle Health's grant:denied-by-user URN, a description naming the user,
// node-oidc-provider's "End-User aborted interaction"); a bare access_denied may be a policy,
// and an access_denied whose vendor URN names another check (grant:missing-patient, or one no
// rule knows) is not claimed here: its own rule or unknown-failure says what it is.
import { makeFinding, type Finding } from '../../../report/finding.js';
import type { Evidence } from '../../evidence.js';
import { reportedLine, saidLine, type DiagnosisRule } from '../../rule.js';
import { phrasesIn } from '../../vendors/index.js';
import { answerUrn, authorizeAnswer, describeAnswer, authorizeSays } from './authorize-exchange.js';

const USER_WORDS = /\b(user|end-user|resource owner)\b.*\b(den(y|ied)|declin|cancel|abort|refus|reject)|\b(den(y|ied)|declined|cancell?ed|aborted|rejected) by (the )?(user|end-user|resource owner)|consent/i;

export const accessDenied: DiagnosisRule = {
  id: 'access-denied-by-user',
  phase: 'authorize',
  catalog: ['access-denied-by-user'],
  diagnose(e: Evidence): Finding[] {
    const answer = authorizeAnswer(e);
    const said = authorizeSays(e, 'access-denied-by-user');
    if (answer?.error !== 'access_denied' && said === undefined) return [];
    const urn = answerUrn(answer);
    if (urn !== undefined && !/:grant:denied-by-user$/i.test(urn.urn)) return [];
    // access_denied is also how some servers (Okta) send other refusals: words naming another cause leave it to that rule.
    if (said === undefined && answer !== undefined && phrasesIn(answer.words).some((p) => p.findingId !== 'access-denied-by-user')) return [];
    const byUser = said !== undefined || USER_WORDS.test(`${answer?.description ?? ''}`);
    const lines = [...(answer !== undefined ? [describeAnswer(answer)] : []), ...(said?.message !== undefined ? [reportedLine(said.message)] : []), ...(said !== undefined ? [saidLine(said.phrase)] : [])];
    if (!byUser) lines.push('access_denied alone does not say who refused: the user on the consent screen, or a server policy (Oracle notes other causes surface as access_denied too)');
    return [
      makeFinding({
        id: 'access-denied-by-user',
        severity: byUser ? 'error' : 'warning',
        role: 'root-cause',
        basis: byUser ? 'server-words' : 'circumstance',
        title: byUser ? 'the user denied the authorization' : 'the authorization was denied (by the user or a server policy)',
        detail: lines.join('\n'),
        causes: byUser
          ? ['The user pressed Deny (or Go Back) on the login or consent screen.', 'The user or administrator has not consented to the app.']
          : ['The user pressed Deny on the consent screen.', 'A server policy refused the app or the scopes for this user.'],
        fix: byUser
          ? 'Not a bug in the app: run the launch again and approve. Show the user the error_uri page when there is one.'
          : 'Run the launch again and approve; if it is refused without a consent screen, ask the administrator which policy applies (the error_uri, when present, names it).',
        spec: 'rfc6749-authorize-error',
        exchanges: answer?.response?.exchangeId !== undefined ? [answer.response.exchangeId] : undefined,
      }),
    ];
  },
};
