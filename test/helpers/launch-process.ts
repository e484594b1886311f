// Runs `smartctl launch --no-open ...` as a subprocess and hands the test the URL it
// prints on stderr (the authorize URL, or the local authorize-post page), the way a
// person would copy it into a browser. Also: Debian's chromium, as the tests start it.
import { spawn } from 'node:child_process';
import { chromium, type Browser } from 'playwright-core';
import { BIN, CLI_CACHE_HOME, type CliResult } from './run-cli.js';

export const CHROMIUM = '/usr/bin/chromium';

export interface WaitingLaunch {
  /** The first URL on stderr matching the pattern. */
  url: Promise<string>;
  done: Promise<CliResult>;
}

export function launchWaiting(args: string[], urlPattern = /(http:\/\/127\.0\.0\.1:\d+\/(?:oauth\/authorize\?|authorize-post)\S*)/): WaitingLaunch {
  const child = spawn(process.execPath, [BIN, 'launch', '--no-open', ...args], { env: { ...process.env, NO_COLOR: '1', CI: '1', XDG_CACHE_HOME: CLI_CACHE_HOME } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  const url = new Promise<string>((resolve, reject) => {
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      const m = urlPattern.exec(stderr);
      if (m?.[1] !== undefined) resolve(m[1]);
    });
    child.once('close', () => reject(new Error(`launch ended before printing the URL:\n${stdout}\n${stderr}`)));
  });
  const done = new Promise<CliResult>((resolve) => child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr })));
  return { url, done };
}

/** Headless Debian chromium with the flags this machine's closed network needs. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
