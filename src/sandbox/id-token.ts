// The id_token (OpenID Connect Core §2, SMART "fhirUser"): RS256, signed with the
// key jwks_uri publishes (unless a fault says otherwise).
import { SignJWT } from 'jose';
import type { SandboxContext } from './context.js';
import { LIFETIME } from './store.js';

export interface IdTokenInput {
  clientId: string;
  userId: string;
  fhirUser?: string | undefined;
  displayName?: string | undefined;
  nonce?: string | undefined;
  authTime?: number | undefined;
  scope: readonly string[];
}

export async function signIdToken(ctx: SandboxContext, input: IdTokenInput): Promise<string> {
  const now = ctx.nowSeconds();
  let claims: Record<string, unknown> = {
    iss: ctx.urls.issuer,
    sub: input.userId,
    aud: input.clientId,
    exp: now + LIFETIME.accessToken,
    iat: now,
  };
  if (input.authTime !== undefined) claims['auth_time'] = input.authTime;
  if (input.nonce !== undefined) claims['nonce'] = input.nonce;
  if (input.fhirUser !== undefined && (input.scope.includes('fhirUser') || input.scope.includes('profile'))) {
    claims['fhirUser'] = `${ctx.urls.fhirBase}/${input.fhirUser}`;
  }
  if (input.displayName !== undefined && input.scope.includes('profile')) claims['name'] = input.displayName;
  for (const f of ctx.faults) if (f.idTokenClaims !== undefined) claims = f.idTokenClaims(claims, { fhirBaseUrl: ctx.urls.fhirBase });
  const key = ctx.faults.some((f) => f.idTokenSignedWithUnpublishedKey === true) ? ctx.keys.unpublished : ctx.keys.idToken;
  return new SignJWT(claims).setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT' }).sign(key.privateKey);
}
