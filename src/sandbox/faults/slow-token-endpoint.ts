// The token endpoint takes seconds to answer.
import type { FaultHooksEntry } from './fault.js';

/** How long the token endpoint waits before answering, ms. */
export const SLOW_TOKEN_DELAY_MS = 3000;

export const slowTokenEndpoint: FaultHooksEntry = {
  name: 'slow-token-endpoint',
  delayMs: (route) => (route === 'token' ? SLOW_TOKEN_DELAY_MS : 0),
};
