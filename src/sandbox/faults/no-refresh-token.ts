// offline_access is granted but no refresh token is issued.
import type { FaultHooksEntry } from './fault.js';

export const noRefreshToken: FaultHooksEntry = {
  name: 'no-refresh-token',
  tokenResponse: (body) => {
    const { refresh_token: _dropped, ...rest } = body;
    return rest;
  },
};
