// Opening the authorize URL: the system browser (open), a command the user names
// (--browser), or a fresh, empty browser profile (--fresh-session) so no cookies from
// earlier logins are sent. Failure to open is reported, never fatal: the URL is printed.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export type OpenOutcome = { opened: true; how: string; profileDir?: string | undefined } | { opened: false; reason: string };

const FRESH_PROFILE_BROWSERS = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable', 'firefox'];

function findOnPath(names: readonly string[]): string | undefined {
  const dirs = (process.env['PATH'] ?? '').split(path.delimiter);
  for (const name of names) for (const dir of dirs) if (dir !== '' && existsSync(path.join(dir, name))) return path.join(dir, name);
  return undefined;
}

/** Whether a graphical browser can plausibly be opened here. */
export function canOpenBrowser(env: Readonly<Record<string, string | undefined>>): boolean {
  if (env['CI'] !== undefined && env['CI'] !== '') return false;
  if (process.platform === 'darwin' || process.platform === 'win32') return true;
  return Boolean(env['DISPLAY'] ?? env['WAYLAND_DISPLAY']);
}

/** How long an opener gets to fail (xdg-open exits 3 at once when nothing can open a URL). */
export const OPENER_GRACE_MS = 1500;

/**
 * An opener that started may still fail: it counts as opened only if it is still
 * running after the grace period (a browser) or has exited 0 (xdg-open, open, start
 * hand the URL over and exit). A non-zero exit or a spawn error is a failure.
 */
function watchOpener(child: ChildProcess, command: string): Promise<OpenOutcome> {
  return new Promise((resolve) => {
    let settled = false;
    const settle = (outcome: OpenOutcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.unref();
      resolve(outcome);
    };
    const timer = setTimeout(() => settle({ opened: true, how: command }), OPENER_GRACE_MS);
    timer.unref();
    child.once('error', (error) => settle({ opened: false, reason: `${command}: ${error.message}` }));
    child.once('exit', (code, signal) => {
      if (code === 0) settle({ opened: true, how: command });
      else settle({ opened: false, reason: `${command} exited with ${code !== null ? `code ${code}` : `signal ${signal ?? 'unknown'}`}` });
    });
  });
}

function spawnDetached(command: string, args: string[]): Promise<OpenOutcome> {
  return watchOpener(spawn(command, args, { detached: true, stdio: 'ignore' }), command);
}

export async function openAuthorizeUrl(url: string, o: { browserCommand?: string | undefined; freshSession?: boolean | undefined }): Promise<OpenOutcome> {
  if (o.freshSession === true) {
    const browser = o.browserCommand ?? findOnPath(FRESH_PROFILE_BROWSERS);
    if (browser === undefined) return { opened: false, reason: 'no Chromium, Chrome or Firefox found for a fresh profile' };
    const profileDir = await mkdtemp(path.join(os.tmpdir(), 'smartctl-profile-'));
    const args = /firefox/.test(browser) ? ['-no-remote', '-profile', profileDir, url] : [`--user-data-dir=${profileDir}`, '--no-first-run', '--new-window', url];
    const outcome = await spawnDetached(browser, args);
    return outcome.opened ? { ...outcome, how: `${browser} (fresh profile)`, profileDir } : outcome;
  }
  if (o.browserCommand !== undefined) {
    const [command = '', ...args] = o.browserCommand.split(' ').filter((s) => s !== '');
    return spawnDetached(command, [...args, url]);
  }
  try {
    const { default: open } = await import('open');
    // open resolves once the opener (xdg-open, open, start) was spawned; its exit code tells whether it worked.
    const outcome = await watchOpener(await open(url, { wait: false }), 'the system browser');
    return outcome.opened ? outcome : { opened: false, reason: outcome.reason.replace(/^the system browser/, 'the system opener') };
  } catch (error) {
    return { opened: false, reason: error instanceof Error ? error.message : String(error) };
  }
}
