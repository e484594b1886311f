// A non-interactive CommandContext for in-process command tests: narration collected,
// the real clock (tokens from a real server must be judged against real time).
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CommandContext } from '../../src/commands/context.js';

/** One cache folder per test process, so the sandbox key is made once and never in the user's home. */
export const TEST_CACHE_DIR = mkdtempSync(path.join(os.tmpdir(), 'smartctl-test-cache-'));

export function testContext(env: Record<string, string | undefined> = {}): CommandContext & { narrated: string[] } {
  const narrated: string[] = [];
  return {
    narrated,
    globals: { json: true, color: false, verbose: false, quiet: false, debug: false, showSecrets: false, timeoutMs: 5000, insecure: false, noInput: true },
    env,
    cwd: process.cwd(),
    cacheDir: TEST_CACHE_DIR,
    narrate: { step: (m) => narrated.push(m), info: (m) => narrated.push(m), warn: (m) => narrated.push(m), action: (m) => narrated.push(m) },
    now: () => new Date(),
    interactive: false,
    stdinIsTTY: false,
    readStdin: () => Promise.resolve(''),
    print: () => undefined,
    untilInterrupted: () => Promise.resolve(),
  };
}
