// The --json renderer: one JSON document on stdout.
import { toJsonDocument, type Report } from '../report.js';

export interface JsonRenderOptions {
  /** One line (for start-up lines that scripts read), else indented. */
  compact?: boolean | undefined;
}

export function renderJson(report: Report, options: JsonRenderOptions = {}): string {
  return `${JSON.stringify(toJsonDocument(report), null, options.compact === true ? undefined : 2)}\n`;
}
