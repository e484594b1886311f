// redirect_uri matching: exact string comparison (RFC 6749 §3.1.2.3), except that a
// registered loopback URI (127.0.0.1, [::1], localhost over http) matches on any
// port, as RFC 8252 §7.3 requires for native apps.
import type { FaultHooks } from './faults/fault.js';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);

function parse(uri: string): URL | undefined {
  try {
    return new URL(uri);
  } catch {
    return undefined;
  }
}

export function isLoopbackUri(uri: string): boolean {
  const url = parse(uri);
  return url !== undefined && url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname);
}

function loopbackMatch(registered: string, given: string): boolean {
  const r = parse(registered);
  const g = parse(given);
  if (r === undefined || g === undefined) return false;
  if (r.protocol !== 'http:' || !LOOPBACK_HOSTS.has(r.hostname)) return false;
  // Everything but the port must be the same.
  return g.protocol === 'http:' && g.hostname === r.hostname && g.pathname === r.pathname && g.search === r.search && g.hash === '' && g.username === '' && g.password === '';
}

export function redirectUriMatches(registered: string, given: string, faults: readonly FaultHooks[]): boolean {
  // RFC 6749 §3.1.2: a redirect URI never has a fragment, not even an empty one ("#").
  if (given.includes('#')) return false;
  const override = faults.find((f) => f.redirectUriMatches !== undefined);
  if (override?.redirectUriMatches !== undefined) return override.redirectUriMatches(registered, given);
  return registered === given || loopbackMatch(registered, given);
}

export function findRegisteredRedirect(registered: readonly string[], given: string, faults: readonly FaultHooks[]): string | undefined {
  return registered.find((r) => redirectUriMatches(r, given, faults));
}
