// A vendor re-authentication flag plus an existing session cookie gives a bare 400.
import type { FaultHooksEntry } from './fault.js';

export const forceAuthnStaleSession: FaultHooksEntry = {
  name: 'force-authn-stale-session',
  authorize: ({ params, hasSessionCookie }) =>
    hasSessionCookie && params.get('forceAuthn') === 'true'
      ? { status: 400, title: 'Bad Request', message: 'The request could not be processed.' }
      : undefined,
};
