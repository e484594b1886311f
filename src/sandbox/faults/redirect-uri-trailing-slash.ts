// The server compares redirect_uri with a trailing slash added to the registered value.
import type { FaultHooksEntry } from './fault.js';

function withSlash(uri: string): string {
  return uri.endsWith('/') ? uri : `${uri}/`;
}

export const redirectUriTrailingSlash: FaultHooksEntry = {
  name: 'redirect-uri-trailing-slash',
  redirectUriMatches: (registered, given) => withSlash(registered) === given,
};
