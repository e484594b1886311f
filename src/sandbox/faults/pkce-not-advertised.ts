// Discovery says nothing about PKCE although authorize requires it.
import type { FaultHooksEntry } from './fault.js';

export const pkceNotAdvertised: FaultHooksEntry = {
  name: 'pkce-not-advertised',
  smartConfiguration: (doc) => {
    const { code_challenge_methods_supported: _m, ...rest } = doc;
    return rest;
  },
  openidConfiguration: (doc) => {
    const { code_challenge_methods_supported: _m, ...rest } = doc;
    return rest;
  },
};
