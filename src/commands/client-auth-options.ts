// The client authentication flags shared by launch and token: a secret from a flag, a
// file or SMARTCTL_CLIENT_SECRET; a key for private_key_jwt; the method, derived when
// not given.
import { usageError } from '../errors.js';
import { readTextFile } from '../flows/local-file.js';
import type { ClientAuthConfig } from '../flows/token-request.js';
import { CLIENT_AUTH_METHODS, type ClientAuthMethod } from '../protocol/client-auth/index.js';
import type { ClientRegistration } from '../sandbox/types.js';
import type { CommandContext } from './context.js';

export interface ClientAuthOptions {
  clientId?: string;
  clientSecret?: string;
  clientSecretFile?: string;
  key?: string;
  kid?: string;
  authMethod?: ClientAuthMethod;
  assertionInHeader?: boolean;
}

/** On a TTY with neither secret nor key, the method is picked from what the server lists. */
export async function askAuthMethod(ctx: CommandContext, advertised: readonly string[]): Promise<ClientAuthMethod | undefined> {
  const offered = CLIENT_AUTH_METHODS.filter((m) => advertised.includes(m));
  if (!ctx.interactive || offered.length < 2) return undefined;
  const { select } = await import('@inquirer/prompts');
  return select<ClientAuthMethod>({ message: 'Client authentication (token_endpoint_auth_methods_supported):', choices: offered.map((value) => ({ value })) });
}

export async function resolveClientAuth(ctx: CommandContext, o: ClientAuthOptions, clientId: string, registered?: ClientRegistration): Promise<ClientAuthConfig> {
  let secret = o.clientSecret;
  if (secret === undefined && o.clientSecretFile !== undefined) secret = (await readTextFile(o.clientSecretFile, 'client secret file')).trim();
  secret ??= ctx.env['SMARTCTL_CLIENT_SECRET'] !== undefined && ctx.env['SMARTCTL_CLIENT_SECRET'] !== '' ? ctx.env['SMARTCTL_CLIENT_SECRET'] : undefined;
  // The embedded sandbox knows its own demo secrets and key files.
  secret ??= registered?.client_secret;
  const keyFile = o.key ?? (registered?.token_endpoint_auth_method === 'private_key_jwt' ? registered.private_key_file : undefined);
  let key;
  if (keyFile !== undefined) {
    const { loadPrivateKey } = await import('../protocol/keys.js');
    key = await loadPrivateKey(await readTextFile(keyFile, 'key file'), { kid: o.kid });
  }
  const method: ClientAuthMethod = o.authMethod ?? (registered?.token_endpoint_auth_method as ClientAuthMethod | undefined) ?? (key !== undefined ? 'private_key_jwt' : secret !== undefined ? 'client_secret_basic' : 'none');
  if (!CLIENT_AUTH_METHODS.includes(method)) throw usageError('auth-method-unknown', `unknown --auth-method "${String(method)}"`, `Use one of ${CLIENT_AUTH_METHODS.join(', ')}.`);
  if ((method === 'client_secret_basic' || method === 'client_secret_post') && secret === undefined && ctx.interactive) {
    const { password } = await import('@inquirer/prompts');
    secret = await password({ message: `Client secret for ${clientId}:`, mask: true });
  }
  if ((method === 'client_secret_basic' || method === 'client_secret_post') && secret === undefined) {
    throw usageError('option-missing', `--auth-method ${method} needs a client secret`, 'Pass --client-secret-file <file> or set SMARTCTL_CLIENT_SECRET (preferred over --client-secret, which shows in shell history).');
  }
  if (method === 'private_key_jwt' && key === undefined) throw usageError('option-missing', '--auth-method private_key_jwt needs --key <pem|jwk|jwks>', 'Create one with: smartctl keygen --out my-app');
  return { method, clientId, clientSecret: secret, key, assertionInHeader: o.assertionInHeader };
}
