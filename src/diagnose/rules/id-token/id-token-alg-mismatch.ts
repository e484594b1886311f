// The id_token is signed with another alg than the client expects or the server advertises:
// openid-client pins RS256 ("unexpected JWT alg received, expected RS256, got: ES256"), HS256
// id_tokens need the client secret (a public client has none), and alg must be one of the
// discovery id_token_signing_alg_values_supported. alg none keeps the id jwt-alg-none.
import { makeFinding, type Finding } from '../../../report/finding.js';
import type { Evidence } from '../../evidence.js';
import { messageSays, orderCauses, saidLine, type DiagnosisRule } from '../../rule.js';
import { discoveryDocuments, idTokenRole, receivedIdToken } from './received-id-token.js';

/** expected/got from "expected RS256, got: ES256" or "Algorithm HS256 is not supported. (Expected algs: [RS256])". */
function printedAlgs(message: string): { expected?: string; got?: string } {
  const a = /expected (\w+), got:? (\w+)/i.exec(message);
  if (a !== null) return { expected: a[1], got: a[2] };
  const b = /Algorithm (\w+) is not supported\. \(Expected algs?: \[([^\]]*)\]/i.exec(message);
  return b === null ? {} : { got: b[1], expected: b[2] };
}

export const idTokenAlgMismatch: DiagnosisRule = {
  id: 'id-token-alg-mismatch',
  phase: 'id-token',
  catalog: ['id-token-alg-mismatch'],
  diagnose(e: Evidence): Finding[] {
    const said = messageSays(e, 'id-token-alg-mismatch');
    const idToken = receivedIdToken(e);
    const alg = typeof idToken?.token.header['alg'] === 'string' ? idToken.token.header['alg'] : undefined;
    const advertised = discoveryDocuments(e)
      .map((d) => d.body['id_token_signing_alg_values_supported'])
      .find((v): v is unknown[] => Array.isArray(v))
      ?.filter((v): v is string => typeof v === 'string');
    const lines: string[] = [];
    const notAdvertised = alg !== undefined && alg.toLowerCase() !== 'none' && advertised !== undefined && !advertised.includes(alg);
    if (notAdvertised) {
      lines.push(`id_token alg: expected one of id_token_signing_alg_values_supported ${JSON.stringify(advertised)}, got "${alg}"`);
    }
    const hmacPublic = alg !== undefined && /^HS/i.test(alg) && e.authMethod === 'none';
    if (hmacPublic) lines.push(`id_token alg "${alg}" is an HMAC keyed with the client secret, and this client authenticates with none (a public client has no secret to verify it with)`);
    if (lines.length === 0 && said === undefined) return [];
    // HS* on a public client alone is a warning: it may still verify if the app holds a secret.
    const severity = said !== undefined || notAdvertised ? 'error' : 'warning';
    const printed = said === undefined ? {} : printedAlgs(said.message);
    if (said !== undefined) lines.push(`the app said ${JSON.stringify(said.message)}`, saidLine(said.phrase));
    if (alg !== undefined && printed.got === undefined && !notAdvertised) lines.push(`id_token header alg: "${alg}"`);
    const got = printed.got ?? alg ?? '';
    const { role, basis } = idTokenRole(e, said !== undefined);
    return [
      makeFinding({
        id: 'id-token-alg-mismatch',
        severity,
        role,
        basis,
        title: `the id_token is signed with ${got !== '' ? got : 'another alg'}${printed.expected !== undefined ? `, the client expects ${printed.expected}` : advertised !== undefined && alg !== undefined && !advertised.includes(alg) ? ', which the server does not advertise' : ''}`,
        detail: lines.join('\n'),
        causes: orderCauses(
          [
            { text: 'HS* id_tokens are MACed with the client secret: the client must verify them with its secret, not the JWKS (and a public client cannot), or the provider should sign with RS256/ES256.', when: /^HS/i },
            { text: 'The client pins one alg (openid-client\'s id_token_signed_response_alg defaults to RS256) and the provider signs with another (ES256 with an EC key, as Kanidm and authentik do).', when: /^(ES|PS|RS(384|512)|EdDSA)/i },
            { text: 'The client picked the expected alg as the first entry of the discovery list instead of the alg the provider actually uses for this client.' },
            { text: 'The provider signs with an alg it does not advertise in id_token_signing_alg_values_supported (a discovery defect).' },
          ],
          got,
        ),
        fix: 'Configure the client\'s expected id_token alg from the provider (id_token_signed_response_alg, e.g. ES256) or switch the provider\'s signing key to RS256; do not verify HS* id_tokens with the JWKS.',
        spec: 'oidc-signing-keys',
      }),
    ];
  },
};
