// iat/nbf ahead of the clock, or exp already past when the id_token arrived: the clocks of the
// issuer and the client disagree (openid-client "id_token issued in the future", "JWT not active
// yet, now N, nbf M"). Measured against the token answer's own Date header (the server's clock
// when it answered) or the time of the exchange in the trace; a saved token without either is
// only compared for claims in the future of the given now: an exp in the past of a token saved
// earlier says nothing about skew.
import { makeFinding, type Finding } from '../../../report/finding.js';
import { claimNumber } from '../../../protocol/jwt/decode.js';
import { DEFAULT_SKEW_SECONDS, describeSeconds, isoTime } from '../../../protocol/jwt/time-claims.js';
import type { Evidence } from '../../evidence.js';
import { exchangeIdOf, messageSays, orderCauses, saidLine, type DiagnosisRule, type RuleOptions } from '../../rule.js';
import { answeredAt, dateHeaderSeconds, idTokenRole, receivedIdToken } from './received-id-token.js';

/** The skew a library printed: "now 1642051718, nbf 1642051719" -> +1 s (claim ahead of the client clock). */
function printedSkew(message: string): { claim: string; seconds: number } | undefined {
  const m = /now (\d{9,}), (nbf|iat|exp) (\d{9,})/i.exec(message);
  return m === null ? undefined : { claim: (m[2] ?? '').toLowerCase(), seconds: Number(m[3]) - Number(m[1]) };
}

export const idTokenClockSkew: DiagnosisRule = {
  id: 'id-token-clock-skew',
  phase: 'id-token',
  catalog: ['id-token-clock-skew'],
  diagnose(e: Evidence, o: RuleOptions): Finding[] {
    const said = messageSays(e, 'id-token-clock-skew');
    const idToken = receivedIdToken(e);
    const lines: string[] = [];
    let direction: 'ahead' | 'behind' | undefined;
    // Claims against the server's own Date header: its token signer and its HTTP front disagree.
    let againstOwnDate = false;
    if (idToken !== undefined) {
      const p = idToken.token.payload;
      const iat = claimNumber(p, 'iat');
      const nbf = claimNumber(p, 'nbf');
      const exp = claimNumber(p, 'exp');
      const at = answeredAt(idToken.response);
      const ref = at?.seconds ?? o.now.getTime() / 1000;
      const refName = at === undefined ? 'now' : at.source === 'Date header' ? 'the token answer\'s Date header' : 'the time of the token exchange';
      for (const [name, value] of [['iat', iat], ['nbf', nbf]] as const) {
        if (value !== undefined && value - ref > DEFAULT_SKEW_SECONDS) {
          lines.push(`${name} is ${describeSeconds(value - ref)} after ${refName} (${isoTime(value) ?? value} vs ${isoTime(ref) ?? ref}); allowed skew ${DEFAULT_SKEW_SECONDS} s`);
          direction = 'ahead';
          againstOwnDate ||= at?.source === 'Date header';
        }
      }
      // Expired on arrival is only measurable against the time of the answer.
      if (at !== undefined && exp !== undefined && exp <= at.seconds) {
        lines.push(`exp ${isoTime(exp) ?? exp} is ${describeSeconds(at.seconds - exp)} before ${refName}: the id_token was expired when it arrived`);
        direction ??= 'behind';
      }
    }
    if (said !== undefined) {
      const skew = printedSkew(said.message);
      lines.push(`the app said ${JSON.stringify(said.message)}`, saidLine(said.phrase));
      if (skew !== undefined) {
        lines.push(skew.claim === 'exp' ? `exp was ${describeSeconds(-skew.seconds)} before the client's clock` : `${skew.claim} was ${describeSeconds(skew.seconds)} after the client's clock`);
        direction ??= skew.claim === 'exp' ? 'behind' : 'ahead';
      }
      if (/expired/i.test(said.message)) direction ??= 'behind';
      direction ??= 'ahead';
    }
    if (lines.length === 0) return [];
    // In a live run (or a HAR) the answer's Date against the time this machine sent the request measures the clock difference itself.
    const date = dateHeaderSeconds(idToken?.response);
    const sent = idToken?.response?.startedAt !== undefined ? Date.parse(idToken.response.startedAt) / 1000 : Number.NaN;
    if (date !== undefined && Number.isFinite(sent) && Math.abs(date - sent) > DEFAULT_SKEW_SECONDS) {
      lines.push(`the server's Date header is ${describeSeconds(date - sent)} ${date > sent ? 'ahead of' : 'behind'} this machine's clock at the time of the request`);
    }
    const { role, basis } = idTokenRole(e, said !== undefined);
    return [
      makeFinding({
        id: 'id-token-clock-skew',
        severity: 'error',
        role,
        basis,
        title: direction === 'behind' ? 'the id_token was already expired by the client clock (clock skew)' : 'the id_token was issued in the future of the client clock (clock skew)',
        detail: lines.join('\n'),
        causes: orderCauses(
          [
            { text: 'The client machine\'s clock is behind the issuer\'s (the token looks issued in the future).', when: /^ahead( |$)/ },
            { text: 'The client machine\'s clock is ahead of the issuer\'s, or an old id_token was validated (the token looks expired).', when: /^behind( |$)/ },
            { text: 'The issuer rounds iat/nbf up to the next second while the client rounds its clock down, and the client allows no tolerance (openid-client defaulted to 0 s).' },
            { text: 'The issuer\'s signing host has a clock that differs from its own HTTP Date (a server clock problem to report).', when: /own-date/ },
          ],
          `${direction ?? 'ahead'}${againstOwnDate ? ' own-date' : ''}`,
        ),
        fix: 'Synchronise the clocks (NTP) and allow a small tolerance when validating (a few seconds; OpenID Connect assumes at most about 5 minutes), e.g. openid-client clockTolerance.',
        spec: direction === 'behind' ? 'rfc7519-exp' : 'rfc7519-iat',
        exchanges: idToken?.response !== undefined ? exchangeIdOf(idToken.response) : undefined,
      }),
    ];
  },
};
