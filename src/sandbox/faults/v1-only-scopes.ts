// A server that advertises SMART v2 but grants every v2 resource scope back in v1 spelling.
import type { FaultHooksEntry } from './fault.js';
import { toV1 } from '../../protocol/scopes/defaults.js';

export const v1OnlyScopes: FaultHooksEntry = {
  name: 'v1-only-scopes',
  grantScopes: (scopes) => scopes.flatMap((s) => {
    const v1 = toV1(s);
    return v1 === undefined ? [] : [v1];
  }),
};
