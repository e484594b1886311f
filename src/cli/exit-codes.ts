// The one table that turns a report status or an error kind into an exit code.
// Documented in the README ("Exit codes"); never change a number.
import type { ErrorKind } from '../errors.js';

export const EXIT = {
  ok: 0,
  findings: 1,
  usage: 2,
  network: 3,
  internal: 70,
  /** Ctrl-C (or Ctrl-D at a prompt): 128 + SIGINT, as shells report it. */
  interrupted: 130,
} as const;

export function exitCodeForError(kind: ErrorKind): number {
  switch (kind) {
    case 'usage':
    case 'input':
      return EXIT.usage;
    case 'network':
      return EXIT.network;
    case 'internal':
      return EXIT.internal;
  }
}

export function exitCodeForReport(report: { ok: boolean }): number {
  return report.ok ? EXIT.ok : EXIT.findings;
}
