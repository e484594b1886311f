// One switch for every client authentication method at the token endpoint
// (RFC 6749 §2.3.1; SMART client-confidential-symmetric / -asymmetric).
import { CLIENT_ASSERTION_TYPE } from './private-key-jwt.js';

export type ClientAuthMethod = 'none' | 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt';

export const CLIENT_AUTH_METHODS: readonly ClientAuthMethod[] = ['none', 'client_secret_basic', 'client_secret_post', 'private_key_jwt'];

export interface ClientCredentials {
  clientId: string;
  clientSecret?: string | undefined;
  /** A signed client assertion (private_key_jwt). */
  assertion?: string | undefined;
  /** Reproduce the common mistake: send the assertion as "Authorization: Bearer". */
  assertionInHeader?: boolean | undefined;
}

export interface AppliedClientAuth {
  headers: Record<string, string>;
  params: Record<string, string>;
}

/** RFC 6749 §2.3.1: id and secret are form-encoded before being joined and base64-encoded. */
export function basicCredentials(clientId: string, secret: string): string {
  const enc = (s: string): string => encodeURIComponent(s).replace(/%20/g, '+');
  return Buffer.from(`${enc(clientId)}:${enc(secret)}`).toString('base64');
}

export function applyClientAuth(method: ClientAuthMethod, c: ClientCredentials): AppliedClientAuth {
  switch (method) {
    case 'none':
      return { headers: {}, params: { client_id: c.clientId } };
    case 'client_secret_basic':
      return { headers: { authorization: `Basic ${basicCredentials(c.clientId, c.clientSecret ?? '')}` }, params: {} };
    case 'client_secret_post':
      return { headers: {}, params: { client_id: c.clientId, client_secret: c.clientSecret ?? '' } };
    case 'private_key_jwt':
      if (c.assertionInHeader === true) return { headers: { authorization: `Bearer ${c.assertion ?? ''}` }, params: { client_id: c.clientId } };
      return { headers: {}, params: { client_assertion_type: CLIENT_ASSERTION_TYPE, client_assertion: c.assertion ?? '' } };
  }
}
