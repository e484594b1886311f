// The token endpoint answers 200 with an HTML page (a login or proxy page) instead of JSON.
import type { FaultHooksEntry } from './fault.js';
import { sendHtml } from '../http-io.js';

export const tokenHtml: FaultHooksEntry = {
  name: 'token-html',
  intercept: (route, _req, res) => {
    if (route !== 'token') return false;
    sendHtml(res, 200, '<!doctype html><html><head><title>Sign in</title></head><body><form method="post"><input name="username"></form></body></html>');
    return true;
  },
};
