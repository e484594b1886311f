// --har <file>: the run's trace written as HAR 1.2 (src/har/write.ts), redacted unless
// --show-secrets, mode 0600 (a HAR can hold tokens and codes, and cookies even when redacted).
import { groupsToHar, traceToHar } from '../har/write.js';
import { makeReport, type Report } from '../report/report.js';
import type { Trace } from '../report/trace.js';
import type { CommandContext } from './context.js';
import { writePrivateFile } from './private-file.js';

export async function writeHarFile(path: string, report: Report, o: { version: string; showSecrets: boolean }): Promise<number> {
  const options = { version: o.version, command: report.command, showSecrets: o.showSecrets };
  // check has no single trace: each test's exchanges, on a page per test.
  const har = report.exchangeGroups !== undefined ? groupsToHar(report.exchangeGroups, options) : traceToHar(report.trace ?? [], options);
  await writePrivateFile(path, `${JSON.stringify(har, null, 2)}\n`, 'HAR file');
  return har.log.entries.length;
}

/** Called by the CLI after a command with --har returned its report. */
export async function exportHar(ctx: CommandContext, report: Report, path: string, version: string): Promise<void> {
  const count = await writeHarFile(path, report, { version, showSecrets: ctx.globals.showSecrets });
  ctx.narrate.step(`wrote ${count} HTTP exchange(s) to ${path} as HAR 1.2 (mode 0600${ctx.globals.showSecrets ? ', secrets NOT redacted' : ', secrets redacted'})`);
  report.data['harFile'] = path;
}

/** The exchanges of a run that ended in an error; a failure to write is only warned about, so the run's own error is the one shown. */
export async function exportHarOfFailedRun(ctx: CommandContext, command: string, trace: Trace, path: string, version: string): Promise<void> {
  try {
    const count = await writeHarFile(path, makeReport({ command, trace: trace.entries }), { version, showSecrets: ctx.globals.showSecrets });
    ctx.narrate.step(`wrote ${count} HTTP exchange(s) of the failed run to ${path} as HAR 1.2 (mode 0600${ctx.globals.showSecrets ? ', secrets NOT redacted' : ', secrets redacted'})`);
  } catch (error) {
    ctx.narrate.warn(error instanceof Error ? error.message : String(error));
  }
}
