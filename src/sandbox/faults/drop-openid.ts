// The grant silently loses `openid` and `profile`, so no id_token comes back.
import type { FaultHooksEntry } from './fault.js';

const DROPPED = new Set(['openid', 'profile']);

export const dropOpenid: FaultHooksEntry = {
  name: 'drop-openid',
  grantScopes: (scopes) => scopes.filter((s) => !DROPPED.has(s)),
};
