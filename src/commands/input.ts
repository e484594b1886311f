// Reading a command's text argument: a literal, @file, or - (stdin).
import { inputError, usageError } from '../errors.js';
import { readTextFile } from '../flows/local-file.js';
import { jsonTooDeep, MAX_JSON_DEPTH } from '../protocol/json-depth.js';
import type { CommandContext } from './context.js';

export async function readArgument(ctx: CommandContext, value: string | undefined, what: string): Promise<string> {
  if (value === undefined || value === '-') {
    if (ctx.stdinIsTTY) throw usageError('input-missing', `no ${what} given`, `Pass the ${what} as an argument, as @file, or pipe it on stdin.`);
    return ctx.readStdin();
  }
  if (value.startsWith('@')) {
    const path = value.slice(1);
    if (path === '') throw usageError('file-name-missing', `"@" needs a file name for the ${what}`);
    return readTextFile(path, what);
  }
  return value;
}

/** Parses text that must be one JSON object (a token response, a saved body). */
export function parseJsonObject(text: string, what: string, hint: string, tooDeepCode = 'json-malformed'): Record<string, unknown> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw inputError('json-malformed', `${what} is not valid JSON`, hint);
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw inputError('json-malformed', `${what} is JSON but not an object`, hint);
  if (jsonTooDeep(json)) throw inputError(tooDeepCode, `${what} nests JSON deeper than ${MAX_JSON_DEPTH} levels; no token response or saved body does`, hint);
  return json as Record<string, unknown>;
}
