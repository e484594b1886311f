// Client assertions for the backend services tests: the valid one SMART describes
// (client-confidential-asymmetric), and the broken ones a server must refuse, each
// changed in exactly one way.
import { generateKeyPair, SignJWT } from 'jose';
import type { LoadedKey } from '../protocol/keys.js';

export type AssertionFlaw = 'none' | 'malformed' | 'bad-signature' | 'alg-none' | 'expired' | 'exp-far-future' | 'wrong-aud' | 'iss-not-sub' | 'unregistered-kid';

function b64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

export async function assertionWith(flaw: AssertionFlaw, o: { key: LoadedKey; clientId: string; tokenEndpoint: string; fhirBase: string; now: Date }): Promise<string> {
  const iat = Math.floor(o.now.getTime() / 1000);
  const claims: Record<string, unknown> = { iss: o.clientId, sub: o.clientId, aud: o.tokenEndpoint, iat, exp: iat + 240, jti: crypto.randomUUID() };
  const header: Record<string, unknown> = { alg: o.key.alg, kid: o.key.kid, typ: 'JWT' };
  if (flaw === 'malformed') return 'this-is.not-a.jwt';
  if (flaw === 'expired') Object.assign(claims, { iat: iat - 900, exp: iat - 600 });
  if (flaw === 'exp-far-future') claims['exp'] = iat + 3600;
  if (flaw === 'wrong-aud') claims['aud'] = o.fhirBase;
  if (flaw === 'iss-not-sub') claims['sub'] = `${o.clientId}-someone-else`;
  if (flaw === 'unregistered-kid') header['kid'] = 'smartctl-check-unregistered-kid';
  if (flaw === 'alg-none') return `${b64url({ alg: 'none', typ: 'JWT', kid: o.key.kid })}.${b64url(claims)}.`;
  let signingKey = o.key.privateKey;
  if (flaw === 'bad-signature') signingKey = (await generateKeyPair(o.key.alg, { extractable: false })).privateKey;
  return new SignJWT(claims).setProtectedHeader(header as { alg: string }).sign(signingKey);
}
