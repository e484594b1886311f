// Builds a SMART client assertion (client-confidential-asymmetric.html): iss = sub =
// client id, aud = token endpoint, exp <= 5 min, a fresh jti, kid and typ in the header.
import { SignJWT } from 'jose';
import type { LoadedKey } from '../keys.js';

export const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

export interface ClientAssertionOptions {
  key: LoadedKey;
  clientId: string;
  tokenEndpoint: string;
  now: Date;
  lifetimeSeconds?: number | undefined;
  jti?: string | undefined;
  jku?: string | undefined;
}

export async function buildClientAssertion(o: ClientAssertionOptions): Promise<string> {
  const iat = Math.floor(o.now.getTime() / 1000);
  const header: Record<string, string> = { alg: o.key.alg, kid: o.key.kid, typ: 'JWT' };
  if (o.jku !== undefined) header['jku'] = o.jku;
  return new SignJWT({})
    .setProtectedHeader(header as { alg: string })
    .setIssuer(o.clientId)
    .setSubject(o.clientId)
    .setAudience(o.tokenEndpoint)
    .setIssuedAt(iat)
    .setExpirationTime(iat + (o.lifetimeSeconds ?? 300))
    .setJti(o.jti ?? crypto.randomUUID())
    .sign(o.key.privateKey);
}
