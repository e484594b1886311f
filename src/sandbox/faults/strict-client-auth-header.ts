// Any Authorization header the client's registered method does not call for is refused.
import type { FaultHooksEntry } from './fault.js';

export const strictClientAuthHeader: FaultHooksEntry = {
  name: 'strict-client-auth-header',
  strictAuthorizationHeader: true,
};
