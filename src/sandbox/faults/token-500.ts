// The token endpoint fails with a 500 and a JSON body that is not an OAuth error.
import type { FaultHooksEntry } from './fault.js';
import { sendJson } from '../http-io.js';

export const tokenServerError: FaultHooksEntry = {
  name: 'token-500',
  intercept: (route, _req, res) => {
    if (route !== 'token') return false;
    sendJson(res, 500, { message: 'An unexpected error occurred', status: 500 });
    return true;
  },
};
