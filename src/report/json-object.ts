// A JSON object where a server or a command may have put anything: the object, or undefined.
import { isObject } from '../protocol/discovery/read-document.js';

export function asObject(value: unknown): Record<string, unknown> | undefined {
  return isObject(value) ? value : undefined;
}

/** The JSON object a body holds, or undefined (not JSON, or JSON that is not an object). */
export function jsonObjectIn(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined || !text.trimStart().startsWith('{')) return undefined;
  try {
    return asObject(JSON.parse(text));
  } catch {
    return undefined;
  }
}
