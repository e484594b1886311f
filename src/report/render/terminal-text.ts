// Text from servers and users is data, never terminal commands. Before any of it
// reaches a terminal, every control character (C0, DEL, C1, ESC among them) is shown
// escaped, so a server cannot write the clipboard (OSC 52), set the window title
// (OSC 0), clear the screen or recolour the verdict. Newlines are kept only where the
// text is laid out on several lines; a line feed in a one-line field is escaped too.
// Bidirectional formatting characters (U+061C, U+200E/F, U+202A-E, U+2066-9) are escaped
// as well: an override can make "evil.example/ok.example" read backwards, or hide part of
// a URL (the "Trojan Source" trick), and the line and paragraph separators U+2028/9 can
// start a line of their own in some terminals.

const CONTROL_KEEP_NEWLINE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g;
const CONTROL_ALL = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g;
const NAMED: Record<string, string> = { '\t': '\\t', '\r': '\\r', '\n': '\\n' };

function escapeControl(ch: string): string {
  const named = NAMED[ch];
  if (named !== undefined) return named;
  const code = ch.charCodeAt(0);
  // C0 and DEL as \xNN (what a shell user types); C1 and bidi controls as \uNNNN (not one byte in UTF-8).
  return code < 0x80 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** For one-line places (titles, labels, URLs, header lines): every control character escaped. */
export function safeLine(text: string): string {
  return text.replace(CONTROL_ALL, escapeControl);
}

/** For text laid out on several lines (details, bodies, code): newlines kept, CRLF read as LF, the rest escaped. */
export function safeText(text: string): string {
  return text.replace(/\r\n/g, '\n').replace(CONTROL_KEEP_NEWLINE, escapeControl);
}

/** 399990 -> "399 990". */
export function groupDigits(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
}

/** Cuts text longer than max characters and says how much was left out. */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${groupDigits(text.length - max)} more characters)`;
}
