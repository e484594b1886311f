// On a terminal with no --login script: a page that needs a person opens in the system
// browser, and the redirect comes back to a loopback listener on the redirect URI (which
// then needs an explicit port). One login at a time; in CI this is never used (the test
// is skipped with the reason instead).
import { networkError, usageError } from '../errors.js';
import { openAuthorizeUrl, type OpenOutcome } from '../flows/browser.js';
import { startLoopbackListener } from '../flows/loopback-listener.js';
import { Trace } from '../report/trace.js';
import type { LoginRunner } from './types.js';

export function redirectHasPort(redirectUri: string): boolean {
  return URL.canParse(redirectUri) && new URL(redirectUri).port !== '';
}

export function personLogin(o: { action(message: string): void; now(): Date; timeoutMs: number; open?: ((url: string) => Promise<OpenOutcome>) | undefined }): LoginRunner {
  let queue: Promise<unknown> = Promise.resolve();
  return (authorizeUrl, redirectUri) => {
    const run = queue.then(async () => {
      if (!redirectHasPort(redirectUri)) throw usageError('person-login-needs-port', `signing in with a person needs a redirect URI with a port to listen on, got "${redirectUri}"`, 'Pass --redirect-uri http://127.0.0.1:<port>/callback (registered with the server).');
      const listener = await startLoopbackListener({ redirectUri, trace: new Trace(), now: o.now });
      try {
        const state = new URL(authorizeUrl).searchParams.get('state');
        if (state !== null) listener.setExpectedState(state);
        const opened = await (o.open ?? ((url: string) => openAuthorizeUrl(url, {})))(authorizeUrl);
        const wait = Math.round(o.timeoutMs / 1000);
        o.action(opened.opened ? `a test needs a person: sign in in the browser (${opened.how}); waiting ${wait} s` : `a test needs a person: open this URL in a browser and sign in (waiting ${wait} s):\n${authorizeUrl}`);
        const callback = await listener.waitForCallback(o.timeoutMs);
        if (callback === undefined) throw networkError('login-timeout', `nobody completed the login within ${wait} s`, 'Sign in in the browser, or give a --login script for unattended runs.');
        return callback.url;
      } finally {
        await listener.close();
      }
    });
    queue = run.catch(() => undefined);
    return run;
  };
}
