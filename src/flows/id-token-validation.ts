// id_token validation (OpenID Connect Core §3.1.3.7): signature against the server's
// jwks_uri, then iss, aud = client id, exp/iat with skew, nonce, fhirUser.
import type { HttpClient } from '../http/client.js';
import { makeFinding, type Finding } from '../report/finding.js';
import { decodeJwt, type DecodedJwt } from '../protocol/jwt/decode.js';
import { lintIdToken } from '../protocol/jwt/id-token.js';
import { verifySignature } from '../protocol/jwt/verify.js';
import { jwksFromJson } from '../protocol/keys.js';

export interface IdTokenCheck {
  claims?: Record<string, unknown> | undefined;
  header?: Record<string, unknown> | undefined;
  signatureValid: boolean;
  findings: Finding[];
}

export async function validateIdToken(client: HttpClient, idToken: string, o: { jwksUri?: string | undefined; issuer?: string | undefined; clientId: string; nonce?: string | undefined; now: Date }): Promise<IdTokenCheck> {
  let token: DecodedJwt;
  try {
    const decoded = decodeJwt(idToken);
    if (decoded.kind !== 'jwt') return { signatureValid: false, findings: [makeFinding({ id: 'id-token-not-jwt', severity: 'error', title: 'the id_token is not a signed JWT', detail: `kind: ${decoded.kind}`, fix: 'Issue id_tokens as signed JWTs (OpenID Connect Core §2).', spec: 'oidc-id-token' })] };
    token = decoded;
  } catch (error) {
    return { signatureValid: false, findings: [makeFinding({ id: 'id-token-malformed', severity: 'error', title: 'the id_token cannot be decoded', detail: error instanceof Error ? error.message : String(error), spec: 'oidc-id-token' })] };
  }
  const findings = lintIdToken(token, { issuer: o.issuer, clientId: o.clientId, nonce: o.nonce, now: o.now });
  let signatureValid = false;
  if (o.jwksUri === undefined) {
    findings.push(makeFinding({ id: 'id-token-unverifiable', severity: 'warning', title: 'the id_token signature could not be checked: no jwks_uri', detail: 'discovery named no jwks_uri', fix: 'Publish jwks_uri in the SMART configuration.', spec: 'oidc-signing-keys' }));
  } else {
    const { json } = await client.requestJson({ step: 'jwks', url: o.jwksUri });
    let jwks;
    try {
      jwks = jwksFromJson(json);
    } catch (error) {
      findings.push(makeFinding({ id: 'jwks-no-signing-keys', severity: 'error', title: 'the server JWKS cannot verify the id_token', detail: `${o.jwksUri}: ${error instanceof Error ? error.message : String(error)}`, fix: 'Publish the id_token signing keys at jwks_uri.', spec: 'oidc-signing-keys' }));
    }
    if (jwks !== undefined) {
      const outcome = await verifySignature(token, jwks);
      signatureValid = outcome.verified;
      findings.push(...outcome.findings.map((f) => ({ ...f, id: f.id === 'jwt-kid-not-in-jwks' ? 'id-token-kid-not-in-jwks' : f.id === 'jwt-signature-invalid' ? 'id-token-signature-invalid' : f.id, title: `id_token: ${f.title}` })));
    }
  }
  return { claims: token.payload, header: token.header, signatureValid, findings };
}
