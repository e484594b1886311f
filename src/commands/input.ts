// Reading a command's text argument: a literal, @file, or - (stdin).
import { usageError } from '../errors.js';
import { readTextFile } from '../flows/local-file.js';
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
