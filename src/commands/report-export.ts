// --report <file.md>: the run as a Markdown document for a vendor's forum or support desk
// (src/report/render/markdown.ts), redacted unless --show-secrets, mode 0600 like the HAR.
import { isSmartctlError } from '../errors.js';
import { redactReport } from '../report/redact.js';
import { makeErrorReport, type Report } from '../report/report.js';
import { renderMarkdown, type ReportEnvironment } from '../report/render/markdown.js';
import { tokenViews } from '../report/token-views.js';
import type { Trace } from '../report/trace.js';
import type { CommandContext } from './context.js';
import { writePrivateFile } from './private-file.js';

/** What the CLI knows of the machine; the time comes from ctx.now() when the file is written. */
export type RuntimeEnvironment = Omit<ReportEnvironment, 'generatedAt'>;

/**
 * The report as others may see it. What a command shows its own user unredacted (the
 * assertion jwt-assert was asked to build) is still a credential in a file meant for a
 * ticket: here it is redacted like everything else.
 */
export function shareableReport(report: Report, showSecrets: boolean): Report {
  return redactReport({ ...report, unredacted: undefined, sections: report.sections.map((s) => ({ ...s, reveal: undefined })) }, showSecrets);
}

export function reportMarkdown(report: Report, o: { environment: ReportEnvironment; showSecrets: boolean }): string {
  return renderMarkdown(shareableReport(report, o.showSecrets), { environment: o.environment, showSecrets: o.showSecrets, tokens: tokenViews(report, o.showSecrets) });
}

export async function writeReportFile(path: string, report: Report, o: { environment: ReportEnvironment; showSecrets: boolean }): Promise<void> {
  await writePrivateFile(path, reportMarkdown(report, o), 'report file');
}

function secretsNote(ctx: CommandContext): string {
  return ctx.globals.showSecrets ? 'mode 0600, secrets NOT redacted' : 'mode 0600, secrets redacted';
}

/** Called by the CLI after a command with --report returned its report. */
export async function exportReport(ctx: CommandContext, report: Report, path: string, runtime: RuntimeEnvironment): Promise<void> {
  // The file names itself in the JSON document, and the document in the file names it too.
  report.data['reportFile'] = path;
  await writeReportFile(path, report, { environment: { ...runtime, generatedAt: ctx.now().toISOString() }, showSecrets: ctx.globals.showSecrets });
  ctx.narrate.step(`wrote report to ${path} (${secretsNote(ctx)})`);
}

/** A run that ended in an error: its exchanges and the error; a failure to write is only warned about, so the run's own error is the one shown. */
export async function exportReportOfFailedRun(ctx: CommandContext, command: string, trace: Trace, error: unknown, path: string, runtime: RuntimeEnvironment): Promise<void> {
  const failure = isSmartctlError(error) ? { kind: error.kind, code: error.code, message: error.message, hint: error.hint } : { kind: 'internal' as const, code: 'internal-error', message: error instanceof Error ? error.message : String(error) };
  const report: Report = { ...makeErrorReport(command, failure), trace: trace.entries };
  try {
    await writeReportFile(path, report, { environment: { ...runtime, generatedAt: ctx.now().toISOString() }, showSecrets: ctx.globals.showSecrets });
    ctx.narrate.step(`wrote report of the failed run to ${path} (${secretsNote(ctx)})`);
  } catch (writeError) {
    ctx.narrate.warn(writeError instanceof Error ? writeError.message : String(writeError));
  }
}
