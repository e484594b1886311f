// Where a finished report goes. Normally its rendering on stdout. When the user asked for
// one value (--output, jwt-assert --quiet, keygen --output jwks), the rendering goes to
// stderr and stdout gets that value alone, with one trailing newline, and only when the
// run succeeded: a failed run leaves stdout empty, so `$(smartctl … --output access_token)`
// never captures half an answer.
import type { Report } from '../report/report.js';
import { safeText } from '../report/render/terminal-text.js';
import type { CliIo } from './main.js';

export function writeResult(io: Pick<CliIo, 'stdout' | 'stderr'>, report: Report, rendered: string, o: { json: boolean; exitCode: number }): void {
  const out = report.output;
  // --json is the one JSON document on stdout, whatever else was asked (the commands refuse --output with --json).
  if (out === undefined || o.json) {
    io.stdout.write(rendered);
    return;
  }
  io.stderr.write(rendered);
  if (o.exitCode !== 0 || out.value === undefined) return;
  // Server text is data: on a terminal its control characters are shown escaped; a pipe gets it byte for byte.
  const value = io.stdout.isTTY === true ? safeText(out.value) : out.value;
  io.stdout.write(value.endsWith('\n') ? value : `${value}\n`);
}
