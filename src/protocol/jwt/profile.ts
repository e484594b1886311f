// Which rules apply to a token when the user did not say: guessed from its claims.
import type { DecodedJwt } from './decode.js';

export type JwtProfile = 'id-token' | 'client-assertion' | 'access-token';

export function detectProfile(token: DecodedJwt): JwtProfile | undefined {
  const p = token.payload;
  const iss = p['iss'];
  if (typeof iss === 'string' && iss === p['sub'] && typeof p['jti'] === 'string' && typeof p['aud'] === 'string' && /token/i.test(p['aud'])) return 'client-assertion';
  if (p['nonce'] !== undefined || p['fhirUser'] !== undefined || p['auth_time'] !== undefined || p['azp'] !== undefined) return 'id-token';
  if (p['scope'] !== undefined || p['scp'] !== undefined || p['client_id'] !== undefined) return 'access-token';
  return undefined;
}
