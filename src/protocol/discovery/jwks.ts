// The server's JWKS (jwks_uri): a JWK Set holding keys that can verify signatures
// (RFC 7517 §5), each findable by kid when there are several (RFC 7515 §4.1.4), and
// any x5c certificate still valid at `now`.
import { X509Certificate } from 'node:crypto';
import { makeFinding, type Finding } from '../../report/finding.js';
import { isObject, type JsonObject } from './read-document.js';
import type { JwksSummary } from './types.js';

/** A key that can verify a signature: it has a kty and is not reserved for encryption. */
export function isSigningKey(k: JsonObject): boolean {
  return typeof k['kty'] === 'string' && (k['use'] === undefined || k['use'] === 'sig');
}

function noSigningKeys(jwksUri: string, keys: JsonObject[]): Finding {
  const uses = keys.map((k) => (typeof k['kty'] !== 'string' ? 'no kty' : `use ${JSON.stringify(k['use'])}`));
  return makeFinding({
    id: 'jwks-no-signing-keys',
    severity: 'error',
    title: 'the server JWKS holds no signing keys',
    detail: `${jwksUri}: expected at least one key with a kty and use "sig" (or no use), got ${keys.length} key(s)${uses.length > 0 ? ` (${uses.join(', ')})` : ''}`,
    fix: 'Publish the public keys that sign id_tokens at jwks_uri, with "use": "sig".',
    spec: 'oidc-signing-keys',
  });
}

function keysWithoutKid(jwksUri: string, signing: JsonObject[]): Finding[] {
  const without = signing.filter((k) => typeof k['kid'] !== 'string' || k['kid'] === '');
  if (signing.length < 2 || without.length === 0) return [];
  return [
    makeFinding({
      id: 'jwks-key-without-kid',
      severity: 'warning',
      title: 'the server JWKS has several signing keys, not all with a kid',
      detail: `${jwksUri}: ${without.length} of ${signing.length} signing keys have no kid; a client cannot tell which key signed a token`,
      fix: 'Give every key a unique kid and put it in the JWT header of what it signs.',
      spec: 'rfc7515-kid',
    }),
  ];
}

function duplicateKids(jwksUri: string, signing: JsonObject[]): Finding[] {
  const seen = new Set<string>();
  const dup = new Set<string>();
  for (const k of signing) {
    const kid = k['kid'];
    if (typeof kid !== 'string') continue;
    if (seen.has(kid)) dup.add(kid);
    seen.add(kid);
  }
  if (dup.size === 0) return [];
  return [
    makeFinding({
      id: 'jwks-duplicate-kid',
      severity: 'warning',
      title: 'the server JWKS uses one kid for several keys',
      detail: `${jwksUri}: kid ${[...dup].map((d) => `"${d}"`).join(', ')} names more than one signing key`,
      fix: 'Give every key its own kid.',
      spec: 'rfc7515-kid',
    }),
  ];
}

/** x5c (RFC 7517 §4.7): the first certificate holds the key; an expired or unreadable one breaks clients that check it. */
function certificates(jwksUri: string, signing: JsonObject[], now: Date): Finding[] {
  const out: Finding[] = [];
  signing.forEach((k, index) => {
    const x5c = k['x5c'];
    if (x5c === undefined) return;
    const name = typeof k['kid'] === 'string' ? `kid "${k['kid']}"` : `key #${index + 1}`;
    const first: unknown = Array.isArray(x5c) ? x5c[0] : undefined;
    let cert: X509Certificate | undefined;
    if (typeof first === 'string' && /^[A-Za-z0-9+/]+={0,2}$/.test(first)) {
      try {
        cert = new X509Certificate(Buffer.from(first, 'base64'));
      } catch {
        cert = undefined;
      }
    }
    if (cert === undefined) {
      out.push(
        makeFinding({
          id: 'jwks-certificate-invalid',
          severity: 'warning',
          title: `the x5c certificate of ${name} cannot be read`,
          detail: `${jwksUri}: x5c: expected an array whose first entry is a base64 DER certificate, got ${JSON.stringify(x5c).slice(0, 60)}`,
          fix: 'Publish x5c as an array of base64 (not base64url) DER certificates, or leave it out.',
          spec: 'rfc7517-x5c',
        }),
      );
      return;
    }
    const notAfter = new Date(cert.validTo);
    const notBefore = new Date(cert.validFrom);
    if (notAfter.getTime() < now.getTime()) {
      out.push(
        makeFinding({
          id: 'jwks-certificate-expired',
          severity: 'warning',
          title: `the x5c certificate of ${name} has expired`,
          detail: `${jwksUri}: certificate valid until ${notAfter.toISOString()}, ${Math.round((now.getTime() - notAfter.getTime()) / 86_400_000)} day(s) before ${now.toISOString()}`,
          fix: 'Renew the certificate and publish the new x5c (clients that check it will refuse the key).',
          spec: 'rfc7517-x5c',
        }),
      );
    } else if (notBefore.getTime() > now.getTime()) {
      out.push(
        makeFinding({
          id: 'jwks-certificate-not-yet-valid',
          severity: 'warning',
          title: `the x5c certificate of ${name} is not valid yet`,
          detail: `${jwksUri}: certificate valid from ${notBefore.toISOString()}, after ${now.toISOString()}`,
          fix: 'Check the certificate dates and the server clock.',
          spec: 'rfc7517-x5c',
        }),
      );
    }
  });
  return out;
}

export function readServerJwks(doc: unknown, jwksUri: string, now?: Date): { jwks?: JwksSummary; findings: Finding[] } {
  if (!isObject(doc) || !Array.isArray(doc['keys'])) {
    const got = !isObject(doc) ? (Array.isArray(doc) ? 'an array' : doc === null ? 'null' : typeof doc) : `an object with keys ${JSON.stringify(Object.keys(doc).slice(0, 5))}`;
    return {
      findings: [
        makeFinding({
          id: 'jwks-invalid',
          severity: 'error',
          title: 'jwks_uri did not return a JWK Set',
          detail: `${jwksUri}: expected a JSON object with a "keys" array, got ${got}`,
          fix: 'Serve a JWK Set ({"keys":[...]}) at jwks_uri.',
          spec: 'oidc-signing-keys',
        }),
      ],
    };
  }
  const keys = doc['keys'].filter(isObject);
  const signing = keys.filter(isSigningKey);
  if (signing.length === 0) return { jwks: { keys }, findings: [noSigningKeys(jwksUri, keys)] };
  return {
    jwks: { keys },
    findings: [...keysWithoutKid(jwksUri, signing), ...duplicateKids(jwksUri, signing), ...(now === undefined ? [] : certificates(jwksUri, signing, now))],
  };
}
