// The id_token kid is not in the JWKS (Oracle Health sandbox key rotation: "could not find key
// ID '2025-09-29T02:43:24.322.rsa' in available keys: [...]"). From the app's words, or from
// the id_token header against the JWKS fetched in the same run; a later fetch that has the kid
// means a stale cache, none means the key was published late (or never).
import { makeFinding, type Finding } from '../../../report/finding.js';
import type { Evidence } from '../../evidence.js';
import { exchangeIdOf, messageSays, orderCauses, saidLine, type DiagnosisRule } from '../../rule.js';
import { idTokenRole, jwksFetches, receivedIdToken } from './received-id-token.js';

const CERNER = /cerner\.com|oracle\.com/i;

export const idTokenKidNotInJwks: DiagnosisRule = {
  id: 'id-token-kid-not-in-jwks',
  phase: 'id-token',
  catalog: ['id-token-kid-not-in-jwks'],
  diagnose(e: Evidence): Finding[] {
    const said = messageSays(e, 'id-token-kid-not-in-jwks');
    const idToken = receivedIdToken(e);
    const kid = typeof idToken?.token.header['kid'] === 'string' ? idToken.token.header['kid'] : (said !== undefined ? /key ID '([^']+)'|"kid"\s*:\s*"([^"]+)"|\bkid\s*[:=]\s*'?([\w.:-]+)'?|\bkid '([^']+)'|\bkid "([^"]+)"/i.exec(said.message)?.slice(1).find((x) => x !== undefined) : undefined);
    const fetches = jwksFetches(e);
    const first = fetches[0];
    const missingFirst = kid !== undefined && first !== undefined && !first.kids.includes(kid);
    const laterHas = missingFirst && fetches.slice(1).some((f) => f.kids.includes(kid));
    if (said === undefined && !missingFirst) return [];
    // A JWKS fetched after the token answer is fresh: a stale cache cannot explain the missing kid.
    const tokenAt = idToken?.response?.startedAt !== undefined ? Date.parse(idToken.response.startedAt) : Number.NaN;
    const fresh = first?.response.startedAt !== undefined && Number.isFinite(tokenAt) && Date.parse(first.response.startedAt) >= tokenAt;
    const iss = typeof idToken?.token.payload['iss'] === 'string' ? idToken.token.payload['iss'] : '';
    const where = `${iss} ${first?.response.url ?? ''} ${said?.message ?? ''}`;
    const lines = [
      ...(kid !== undefined ? [`id_token kid: "${kid}"`] : []),
      ...(first !== undefined && kid !== undefined ? [`JWKS ${first.response.url ?? ''}: expected a key with kid "${kid}", got ${first.kids.length === 0 ? 'no kids' : first.kids.map((k) => `"${k}"`).join(', ')}`] : []),
      ...(fresh && !laterHas ? ['the JWKS was fetched after the token answer, so it was not a stale cache'] : []),
      ...(laterHas ? ['a later fetch of the JWKS has the kid: the first key set was stale'] : fetches.length > 1 && missingFirst ? [`none of the ${fetches.length} JWKS fetches has the kid`] : []),
      ...(said !== undefined ? [`the app said ${JSON.stringify(said.message)}`, saidLine(said.phrase)] : []),
    ];
    const { role, basis } = idTokenRole(e, said !== undefined);
    return [
      makeFinding({
        id: 'id-token-kid-not-in-jwks',
        severity: 'error',
        role,
        basis,
        title: `the id_token is signed with a key${kid !== undefined ? ` (kid "${kid}")` : ''} that the JWKS does not publish`,
        detail: lines.join('\n'),
        causes: orderCauses(
          [
            { text: 'The client caches the JWKS and does not re-fetch it once on an unknown kid.' },
            { text: 'The app fetched the JWKS of another issuer or environment (sandbox vs production jwks_uri).' },
            { text: 'The kid matches but the key\'s alg or use does not (jose and openid-client also report "no applicable key" then).' },
            { text: 'The client validated against a cached JWKS from before a key rotation; a fresh fetch has the key.', when: /stale-cache/ },
            { text: 'The server rotated its signing key and signs with the new key before publishing it in jwks_uri (reported on the Oracle Health sandbox; the key appeared later).', when: new RegExp(`${CERNER.source}|published-late|fresh-fetch`, 'i') },
          ],
          `${where} ${laterHas ? 'stale-cache' : fetches.length > 1 && missingFirst ? 'published-late' : fresh ? 'fresh-fetch' : ''}`,
        ),
        fix: 'On an unknown kid, re-fetch the JWKS once (rate limited) before failing; if the kid is still absent, report it to the vendor with the token iat, the kid and the time of the JWKS fetch.',
        spec: 'oidc-jwks-rotation',
        exchanges: first !== undefined ? exchangeIdOf(first.response) : undefined,
      }),
    ];
  },
};
