// The JWKS endpoint is down.
import type { FaultHooksEntry } from './fault.js';
import { sendHtml } from '../http-io.js';

export const jwksDown: FaultHooksEntry = {
  name: 'jwks-down',
  intercept: (route, _req, res) => {
    if (route !== 'jwks') return false;
    sendHtml(res, 503, '<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>', { 'retry-after': '120' });
    return true;
  },
};
