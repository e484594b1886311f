// One switch for every client authentication method at the token endpoint
// (RFC 6749 §2.3.1; SMART client-confidential-symmetric / -asymmetric).
import { CLIENT_ASSERTION_TYPE } from './private-key-jwt.js';
import { noneAuth } from './none.js';
import { basicCredentials, clientSecretBasicAuth } from './client-secret-basic.js';
import { clientSecretPostAuth } from './client-secret-post.js';

export { basicCredentials };

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

export function applyClientAuth(method: ClientAuthMethod, c: ClientCredentials): AppliedClientAuth {
  switch (method) {
    case 'none':
      return noneAuth(c.clientId);
    case 'client_secret_basic':
      return clientSecretBasicAuth(c.clientId, c.clientSecret ?? '');
    case 'client_secret_post':
      return clientSecretPostAuth(c.clientId, c.clientSecret ?? '');
    case 'private_key_jwt':
      // SMART client-confidential-asymmetric: the assertion goes in the form body; the header
      // variant exists only to reproduce the common mistake (client-assertion-in-authorization-header).
      if (c.assertionInHeader === true) return { headers: { authorization: `Bearer ${c.assertion ?? ''}` }, params: { client_id: c.clientId } };
      return { headers: {}, params: { client_assertion_type: CLIENT_ASSERTION_TYPE, client_assertion: c.assertion ?? '' } };
  }
}
