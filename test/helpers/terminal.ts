// Runs the built CLI in a real pseudo-terminal: a tmux session on its own socket (so it
// never touches the user's tmux), read with capture-pane, typed into with send-keys.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BIN, CLI_CACHE_HOME, REPO_ROOT } from './run-cli.js';

export function hasTmux(): boolean {
  return spawnSync('tmux', ['-V']).status === 0;
}

function sh(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

export interface TerminalSession {
  /** The screen and its scrollback, as text. */
  screen(): string;
  /** Waits until the screen matches (or throws with the screen). */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** tmux key names: 'C-c', 'C-d', 'Enter', or literal text. */
  keys(...keys: string[]): void;
  /** Waits for the command to end and returns its exit code. */
  exitCode(timeoutMs?: number): Promise<number>;
  close(): void;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts `smartctl <args>` on a 200x50 terminal, without CI set (a person is at this keyboard). */
export function startInTerminal(args: string[], env: Record<string, string> = {}): TerminalSession {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'smartctl-pty-'));
  const socket = `smartctl-test-${process.pid}-${Math.random().toString(36).slice(2)}`;
  const exitFile = path.join(dir, 'exit');
  const assignments = Object.entries({ XDG_CACHE_HOME: CLI_CACHE_HOME, NO_COLOR: '1', ...env }).map(([k, v]) => `${k}=${sh(v)}`);
  // The shell traps SIGINT (a handler, not an ignore, so smartctl gets the default back) to outlive a Ctrl-C and record the exit code.
  const command = `trap : INT; cd ${sh(REPO_ROOT)} && env -u CI ${assignments.join(' ')} ${sh(process.execPath)} ${sh(BIN)} ${args.map(sh).join(' ')}; echo $? > ${sh(exitFile)}; sleep 30`;
  const tmux = (...a: string[]): string => {
    const r = spawnSync('tmux', ['-L', socket, ...a], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`tmux ${a[0]}: ${r.stderr}`);
    return r.stdout;
  };
  tmux('new-session', '-d', '-x', '200', '-y', '50', '-s', 'smartctl', command);
  const session: TerminalSession = {
    screen: () => tmux('capture-pane', '-p', '-J', '-S', '-', '-t', 'smartctl'),
    waitFor: async (pattern, timeoutMs = 20_000) => {
      const end = Date.now() + timeoutMs;
      for (;;) {
        const screen = session.screen();
        if (pattern.test(screen)) return screen;
        if (Date.now() > end) throw new Error(`the terminal never showed ${pattern}:\n${screen}`);
        await sleep(100);
      }
    },
    keys: (...keys) => void tmux('send-keys', '-t', 'smartctl', ...keys),
    exitCode: async (timeoutMs = 20_000) => {
      const end = Date.now() + timeoutMs;
      while (!existsSync(exitFile) || readFileSync(exitFile, 'utf8').trim() === '') {
        if (Date.now() > end) throw new Error(`smartctl did not exit:\n${session.screen()}`);
        await sleep(100);
      }
      return Number(readFileSync(exitFile, 'utf8').trim());
    },
    close: () => {
      spawnSync('tmux', ['-L', socket, 'kill-server']);
    },
  };
  return session;
}
