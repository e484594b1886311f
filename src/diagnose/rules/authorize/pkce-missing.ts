// pkce-missing: the authorize request carried no PKCE code_challenge (SMART App Launch 2
// requires S256 PKCE for every app). Root cause when the server says a challenge is
// required, or when a bare invalid_request answers a request that lacks only PKCE;
// contributing when other needed parameters are missing too; otherwise also noticed.
import { makeFinding, type Finding } from '../../../report/finding.js';
import { parseObject, type Evidence } from '../../evidence.js';
import { orderCauses, saidLine, type DiagnosisRule } from '../../rule.js';
import type { VendorPhrase } from '../../vendors/index.js';
import { authorizeAnswer, authorizeParams, bareAnswerLine, describeAnswer, lintRole, authorizeSays } from './authorize-exchange.js';

export type PkceProblem = { kind: 'missing' | 'method'; phrase?: VendorPhrase | undefined; params?: URLSearchParams | undefined };

/**
 * Which PKCE problem the evidence shows, if any. The server's PKCE wording is read against
 * the request: Keycloak says "Missing parameter: code_challenge_method" both when nothing
 * was sent and when only the method was left out, so the URL decides between the two ids.
 */
export function pkceProblem(e: Evidence): PkceProblem | undefined {
  const params = authorizeParams(e);
  const said = authorizeSays(e, 'pkce-missing')?.phrase ?? authorizeSays(e, 'pkce-method-not-s256')?.phrase;
  const hasChallenge = params?.has('code_challenge') === true;
  const methodOk = params?.get('code_challenge_method') === 'S256';
  if (said !== undefined) {
    if (params === undefined) return { kind: said.findingId === 'pkce-method-not-s256' ? 'method' : 'missing', phrase: said };
    return { kind: hasChallenge && !methodOk ? 'method' : 'missing', phrase: said, params };
  }
  if (params === undefined) return undefined;
  if (!hasChallenge) return { kind: 'missing', params };
  if (!methodOk) return { kind: 'method', params };
  return undefined;
}

/** Whether a discovery document in the evidence omits code_challenge_methods_supported (client-js then skips PKCE). */
export function discoveryOmitsPkce(e: Evidence): boolean {
  return e.responses.some((r) => r.endpoint === 'discovery' && r.status === 200 && /smart-configuration/.test(r.url ?? '') && (() => {
    const doc = parseObject(r.responseBody);
    return doc !== undefined && doc['code_challenge_methods_supported'] === undefined;
  })());
}

export const pkceMissing: DiagnosisRule = {
  id: 'pkce-missing',
  phase: 'authorize',
  catalog: ['pkce-challenge-missing'],
  diagnose(e: Evidence): Finding[] {
    const p = pkceProblem(e);
    if (p?.kind !== 'missing') return [];
    // A server that says no challenge came although the URL has one: the challenge did not reach it.
    const notArrived = p.phrase !== undefined && p.params?.has('code_challenge') === true;
    const answer = authorizeAnswer(e);
    const lines: string[] = [];
    if (p.phrase !== undefined && answer !== undefined) lines.push(describeAnswer(answer));
    if (p.phrase !== undefined) lines.push(saidLine(p.phrase));
    const bare = p.phrase === undefined && p.params !== undefined ? bareAnswerLine(e, p.params) : undefined;
    if (bare !== undefined) lines.push(bare);
    if (notArrived) lines.push('the authorize URL given carries a code_challenge, yet the server says none reached it: check that the request sent is this one (a POST body, a proxy or a redirect may drop it)');
    else lines.push(p.params !== undefined ? 'code_challenge: expected a base64url SHA-256 of the verifier with code_challenge_method=S256, got none in the authorize request' : 'the authorize request itself was not given; the server\'s words say it carried no code_challenge');
    const omits = discoveryOmitsPkce(e);
    if (omits) lines.push('the smart-configuration has no code_challenge_methods_supported, so libraries such as client-js send no PKCE');
    const role = p.phrase !== undefined ? 'root-cause' : p.params !== undefined ? lintRole(e, p.params, 'code_challenge') : 'also-noticed';
    const words = `${p.phrase?.meaning ?? ''} ${omits ? 'discovery-omits' : ''}`;
    return [
      makeFinding({
        id: 'pkce-missing',
        severity: 'error',
        role,
        basis: p.phrase !== undefined ? 'server-words' : 'request-shape',
        title: 'the authorize request has no PKCE code_challenge',
        detail: lines.join('\n'),
        causes: orderCauses(
          [
            { text: 'The app (or its library) does not send PKCE: SMART App Launch 2 requires code_challenge and code_challenge_method=S256 for every app, and servers such as Duende IdentityServer and Medplum refuse requests without them.' },
            ...(omits ? [{ text: 'The library decides from discovery: client-js sends PKCE only when the smart-configuration lists code_challenge_methods_supported, which this server omits.', when: /discovery-omits/ }] : []),
            { text: 'A server (Epic) that makes PKCE optional let the app leave it out; another server of the same app requires it.' },
          ],
          words,
        ),
        fix: 'Send code_challenge=<base64url(SHA-256(verifier))> and code_challenge_method=S256 in every authorize request, and the verifier at the token endpoint (client-js: pkceMode "always"); it is harmless to servers that ignore it.',
        spec: 'smart-pkce',
        exchanges: answer?.response?.exchangeId !== undefined ? [answer.response.exchangeId] : undefined,
      }),
    ];
  },
};
