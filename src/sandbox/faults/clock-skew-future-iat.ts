// Tokens dated ten minutes ahead: a server clock that runs fast.
import type { FaultHooksEntry } from './fault.js';

/** How far the fault moves the server's clock, seconds. */
export const CLOCK_SKEW_SECONDS = 600;

export const clockSkewFutureIat: FaultHooksEntry = {
  name: 'clock-skew-future-iat',
  idTokenClaims: (claims) => {
    const shift = (v: unknown): unknown => (typeof v === 'number' ? v + CLOCK_SKEW_SECONDS : v);
    return { ...claims, iat: shift(claims['iat']), exp: shift(claims['exp']), auth_time: shift(claims['auth_time']) };
  },
};
