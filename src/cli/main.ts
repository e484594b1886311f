// The CLI entry: takes argv, env and streams as one value and returns an exit code.
// The only place (with program.ts) that touches process state.
import type { Readable, Writable } from 'node:stream';
import { isSmartctlError, type SmartctlError } from '../errors.js';
import { EXIT, exitCodeForError } from './exit-codes.js';
import { buildProgram, describeCommanderError, type ProgramState } from './program.js';
import type { ReportError } from '../report/report.js';
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

/**
 * Error messages can quote server text (an error_description, a URL) and the user's input:
 * control characters are shown escaped, and `redact` (redactString, unless --show-secrets)
 * masks the secrets they quote, as in every other output.
 */
export function formatError(error: SmartctlError, debug: boolean, redact: (text: string) => string = (t) => t): string {
  const lines = [`smartctl: ${error.message}`];
  if (error.hint !== undefined) lines.push(`  hint: ${error.hint}`);
  if (debug && error.stack !== undefined) lines.push(error.stack);
  return `${safeText(redact(lines.join('\n')))}\n`;
}

/**
 * Ctrl-C or Ctrl-D at an @inquirer prompt rejects with ExitPromptError ("User force
 * closed the prompt"), an abort with AbortPromptError: the person chose to stop.
 */
export function isPromptExit(error: unknown): boolean {
  const name = (error as { name?: unknown } | null)?.name;
  return name === 'ExitPromptError' || name === 'AbortPromptError';
}

/** --json before any `--`: the caller reads stdout as one JSON document, whatever happens. */
function wantsJson(argv: string[]): boolean {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).includes('--json');
}

/** commander.unknownOption -> unknown-option: a stable kebab-case code, as ours are. */
export function commanderErrorCode(code: string): string {
  return code.replace(/^commander\./, '').replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/**
 * The error document: { command, ok: false, error: { kind, code, message, hint }, findings },
 * redacted like every report (the code is ours, never a secret, and is kept as thrown).
 */
async function writeErrorDocument(io: CliIo, command: string, error: ReportError, showSecrets: boolean): Promise<void> {
  const [{ makeErrorReport }, { redactReport }, { renderJson }] = await Promise.all([import('../report/report.js'), import('../report/redact.js'), import('../report/render/json.js')]);
  const report = redactReport(makeErrorReport(command, error), showSecrets);
  report.data['error'] = { ...(report.data['error'] as Record<string, unknown>), code: error.code };
  io.stdout.write(renderJson(report));
}

export async function main(argv: string[], io: CliIo): Promise<number> {
  const debug = argv.includes('--debug');
  const state: ProgramState = { exitCode: EXIT.ok };
  const program = buildProgram(io, state, argv[0]);
  const commandName = (): string => state.command ?? argv.find((a) => program.commands.some((c) => c.name() === a)) ?? 'smartctl';
  const fail = async (exitCode: number, error: ReportError): Promise<number> => {
    if (wantsJson(argv) && state.printed !== true) await writeErrorDocument(io, commandName(), error, argv.includes('--show-secrets'));
    return exitCode;
  };
  try {
    await program.parseAsync(argv, { from: 'user' });
    return state.exitCode;
  } catch (error) {
    if (isSmartctlError(error)) {
      const redact = argv.includes('--show-secrets') ? undefined : (await import('../report/redact.js')).redactString;
      io.stderr.write(formatError(error, debug, redact === undefined ? undefined : (t) => redact(t)));
      return fail(exitCodeForError(error.kind), { kind: error.kind, code: error.code, message: error.message, hint: error.hint });
    }
    if (isPromptExit(error)) {
      // Quietly, as a shell does: the person knows they pressed it. A newline leaves the prompt line.
      io.stderr.write('\n');
      return fail(EXIT.interrupted, { kind: 'interrupted', code: 'interrupted', message: 'stopped at a prompt (Ctrl-C or Ctrl-D)' });
    }
    const commanderCode = (error as { code?: unknown }).code;
    if (typeof commanderCode === 'string' && commanderCode.startsWith('commander.')) {
      // commander already printed help, version or its error message.
      if ((error as { exitCode?: number }).exitCode === 0) return EXIT.ok;
      const name = commandName();
      // A bare `smartctl` (or a command group) shows its help on stderr and exits 2.
      if (commanderCode === 'commander.help') return fail(EXIT.usage, { kind: 'usage', code: 'missing-command', message: 'no command given', hint: `run \`smartctl${name === 'smartctl' ? '' : ` ${name}`} --help\` for usage` });
      const { message, hint } = describeCommanderError(error instanceof Error ? error.message : String(error), name === 'smartctl' ? '' : name);
      return fail(EXIT.usage, { kind: 'usage', code: commanderErrorCode(commanderCode), message, hint });
    }
    // An untyped exception is a bug: say so, with the stack only under --debug.
    const message = error instanceof Error ? error.message : String(error);
    io.stderr.write(`smartctl: internal error: ${safeText(message)}\n  hint: this is a bug in smartctl; rerun with --debug and report it.\n`);
    if (debug && error instanceof Error && error.stack !== undefined) io.stderr.write(`${safeText(error.stack)}\n`);
    return fail(EXIT.internal, { kind: 'internal', code: 'internal-error', message: `internal error: ${message}`, hint: 'this is a bug in smartctl; rerun with --debug and report it.' });
  }
}
