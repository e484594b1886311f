// The bundle's entry (bin/smartctl.js calls it): answers a bare `--version` before
// commander is loaded, and otherwise hands over to main, which loads the command tree.
import type { CliIo } from './main.js';
import { VERSION } from './version.js';

export function isVersionOnly(argv: readonly string[]): boolean {
  return argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V');
}

export async function run(argv: string[], io: CliIo): Promise<number> {
  if (isVersionOnly(argv)) {
    io.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const { main } = await import('./main.js');
  return main(argv, io);
}
