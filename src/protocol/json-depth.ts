// Bounds on how deep parsed JSON is walked. JSON.parse reads 100 000 nested arrays
// without trouble, but every recursive walk after it (JSON.stringify, redaction, the
// renderers) overflows the stack at a few thousand levels. No real token response,
// JWT or discovery document nests more than a handful of levels.
import { setOwn } from './own-property.js';

export const MAX_JSON_DEPTH = 64;

/** Whether a parsed JSON value nests deeper than limit (counted without recursion; stops at the first too-deep branch). */
export function jsonTooDeep(value: unknown, limit = MAX_JSON_DEPTH): boolean {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop() as [unknown, number];
    if (current === null || typeof current !== 'object') continue;
    if (depth >= limit) return true;
    for (const child of Array.isArray(current) ? current : Object.values(current)) {
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
    }
  }
  return false;
}

/** A copy in which every container below limit levels is replaced by a note; the recursion is bounded by limit. */
export function pruneDeepJson(value: unknown, limit = MAX_JSON_DEPTH): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (limit <= 0) return `[nested deeper than ${MAX_JSON_DEPTH} levels: not shown]`;
  if (Array.isArray(value)) return value.map((v) => pruneDeepJson(v, limit - 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) setOwn(out, k, pruneDeepJson(v, limit - 1));
  return out;
}
