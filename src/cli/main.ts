// The CLI entry: takes argv, env and streams as one value and returns an exit code.
// The only place (with program.ts) that touches process state.
import type { Readable, Writable } from 'node:stream';
import { isSmartctlError, type SmartctlError } from '../errors.js';
import { EXIT, exitCodeForError } from './exit-codes.js';
import { buildProgram } from './program.js';
import { safeText } from '../report/render/terminal-text.js';

export interface CliIo {
  env: Record<string, string | undefined>;
  /** Read only by commands that read stdin (bin/smartctl.js passes a getter: making process.stdin costs ms). */
  stdin: Readable & { isTTY?: boolean };
  /** Whether stdin is a terminal, known without touching stdin (bin passes tty.isatty(0)); else stdin.isTTY. */
  stdinIsTTY?: boolean | undefined;
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable & { isTTY?: boolean };
}

/** Error messages can quote server text (an error_description, a URL): control characters are shown escaped. */
export function formatError(error: SmartctlError, debug: boolean): string {
  const lines = [`smartctl: ${error.message}`];
  if (error.hint !== undefined) lines.push(`  hint: ${error.hint}`);
  if (debug && error.stack !== undefined) lines.push(error.stack);
  return `${safeText(lines.join('\n'))}\n`;
}

/**
 * Ctrl-C or Ctrl-D at an @inquirer prompt rejects with ExitPromptError ("User force
 * closed the prompt"), an abort with AbortPromptError: the person chose to stop.
 */
export function isPromptExit(error: unknown): boolean {
  const name = (error as { name?: unknown } | null)?.name;
  return name === 'ExitPromptError' || name === 'AbortPromptError';
}

export async function main(argv: string[], io: CliIo): Promise<number> {
  const debug = argv.includes('--debug');
  const state = { exitCode: EXIT.ok as number };
  const program = buildProgram(io, state);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return state.exitCode;
  } catch (error) {
    if (isSmartctlError(error)) {
      io.stderr.write(formatError(error, debug));
      return exitCodeForError(error.kind);
    }
    if (isPromptExit(error)) {
      // Quietly, as a shell does: the person knows they pressed it. A newline leaves the prompt line.
      io.stderr.write('\n');
      return EXIT.interrupted;
    }
    const commanderCode = (error as { code?: unknown }).code;
    if (typeof commanderCode === 'string' && commanderCode.startsWith('commander.')) {
      // commander already printed help, version or its error message.
      return (error as { exitCode?: number }).exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    // An untyped exception is a bug: say so, with the stack only under --debug.
    const message = error instanceof Error ? error.message : String(error);
    io.stderr.write(`smartctl: internal error: ${safeText(message)}\n  hint: this is a bug in smartctl; rerun with --debug and report it.\n`);
    if (debug && error instanceof Error && error.stack !== undefined) io.stderr.write(`${safeText(error.stack)}\n`);
    return EXIT.internal;
  }
}
