// A non-interactive CommandContext for in-process command tests: narration collected,
// the real clock (tokens from a real server must be judged against real time).
import type { CommandContext } from '../../src/commands/context.js';

export function testContext(env: Record<string, string | undefined> = {}): CommandContext & { narrated: string[] } {
  const narrated: string[] = [];
  return {
    narrated,
    globals: { json: true, color: false, verbose: false, quiet: false, debug: false, showSecrets: false, timeoutMs: 5000, insecure: false, noInput: true },
    env,
    cwd: process.cwd(),
    narrate: { step: (m) => narrated.push(m), info: (m) => narrated.push(m), warn: (m) => narrated.push(m), action: (m) => narrated.push(m) },
    now: () => new Date(),
    interactive: false,
    stdinIsTTY: false,
    readStdin: () => Promise.resolve(''),
    print: () => undefined,
    untilInterrupted: () => Promise.resolve(),
  };
}
