// The --json renderer: one JSON document on stdout.
import { toJsonDocument, type Report } from '../report.js';

export interface JsonRenderOptions {
  /** One line (for start-up lines that scripts read), else indented. */
  compact?: boolean | undefined;
}

/**
 * JSON.stringify escapes C0 but not DEL and C1 (U+009B is CSI to some terminals) nor the
 * bidi controls that reorder what a terminal shows; they can only sit inside strings.
 */
const DEL_AND_C1 = /[\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g;

export function renderJson(report: Report, options: JsonRenderOptions = {}): string {
  const text = JSON.stringify(toJsonDocument(report), null, options.compact === true ? undefined : 2);
  return `${text.replace(DEL_AND_C1, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`)}\n`;
}
