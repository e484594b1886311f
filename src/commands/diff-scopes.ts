// smartctl diff-scopes <requested> <granted>: classify every scope and explain what
// a difference costs. Each side is a space/newline-separated string, @file, or - for
// stdin; a side may also be a token response (JSON with a "scope" member).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { inputError, usageError } from '../errors.js';
import { compareScopes, scopeFindings, type ScopeClassification, type ScopeComparison, type ScopeComparisonEntry } from '../protocol/scopes/compare.js';
import { parseScopes, type Scope } from '../protocol/scopes/parse.js';
import { makeReport, type Report, type ReportSection } from '../report/report.js';
import { SECTION_LINES_SHOWN } from '../report/view-limits.js';
import type { CommandContext } from './context.js';

type Side = 'requested' | 'granted';

async function readSource(ctx: CommandContext, side: Side, arg: string): Promise<string> {
  if (arg === '-') {
    if (ctx.stdinIsTTY) throw usageError('stdin-is-tty', `${side} scopes: "-" reads stdin, but stdin is a terminal`, `pipe the scopes in, e.g. echo "patient/*.read" | smartctl diff-scopes "patient/*.read" -`);
    return ctx.readStdin();
  }
  if (arg.startsWith('@')) {
    const file = arg.slice(1);
    if (file === '') throw usageError('file-name-missing', `${side} scopes: "@" must be followed by a file name`, 'e.g. @granted.txt');
    try {
      return readFileSync(path.resolve(ctx.cwd, file), 'utf8');
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : 'cannot be read';
      throw inputError('file-unreadable', `${side} scopes: ${file}: ${why}`, 'give a readable file after @, a quoted scope string, or - for stdin', error);
    }
  }
  return arg;
}

/** A token response (JSON object) gives its "scope" member; anything else is the scope text itself. */
function scopeText(side: Side, text: string): string {
  const trimmed = text.trim();
  if (!trimmed.startsWith('{')) return text;
  let parsed: unknown;
  try {
    parsed = JSON.parse(trimmed);
  } catch (error) {
    throw inputError('json-malformed', `${side} scopes look like JSON but do not parse: ${(error as Error).message}`, 'give a scope string, or a token response JSON with a "scope" member', error);
  }
  const scope = typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>)['scope'] : undefined;
  if (typeof scope !== 'string') {
    throw inputError('scope-member-missing', `${side} scopes: the JSON has no string "scope" member`, 'a token response carries the granted scopes in "scope" (SMART App Launch, token response)');
  }
  return scope;
}

const LABELS: Readonly<Record<ScopeClassification, string>> = {
  'granted-as-asked': 'granted-as-asked    ',
  'granted-equivalent': 'granted-equivalent  ',
  narrowed: 'narrowed            ',
  widened: 'widened             ',
  dropped: 'dropped             ',
  added: 'added               ',
};

/** One row of the scope table: classification, scope, then what answered it and what differs. */
function entryLine(e: ScopeComparisonEntry, width: number): string {
  const head = LABELS[e.classification] + e.scope;
  if (e.classification === 'granted-as-asked' || e.classification === 'added') return e.parsed.kind === 'malformed' ? `${head}  (malformed)` : head;
  let tail = '';
  const answeredBy = e.grantedAs.filter((g) => g !== e.scope);
  if (answeredBy.length > 0) tail += `  → ${answeredBy.join(' ')}${e.grantedAsMore !== undefined ? ` (+${e.grantedAsMore} more)` : ''}`;
  if (e.missing !== undefined && e.missing !== '') tail += `  missing "${e.missing}"`;
  if (e.extra !== undefined && e.extra !== '') tail += `  extra "${e.extra}"`;
  if (e.parsed.kind === 'malformed') tail += '  (malformed)';
  return tail === '' ? head : head + ' '.repeat(Math.max(0, width - e.scope.length)) + tail;
}

function sections(c: ScopeComparison): ReportSection[] {
  let width = 0;
  for (let i = 0; i < c.entries.length && width < 48; i++) width = Math.max(width, (c.entries[i] as ScopeComparisonEntry).scope.length);
  width = Math.min(48, width);
  // Each repeated scope is listed once in duplicates with its count: no set of every scope needed.
  let distinctRequested = c.requested.length;
  let distinctGranted = c.granted.length;
  for (const d of c.duplicates) {
    if (d.side === 'requested') distinctRequested -= d.count - 1;
    else distinctGranted -= d.count - 1;
  }
  return [
    {
      title: 'Scopes',
      rows: [
        ['requested', `${c.requested.length} (${distinctRequested} distinct)`],
        ['granted', `${c.granted.length} (${distinctGranted} distinct)`],
        ...Object.entries(c.counts).map(([k, n]): [string, string] => [k, String(n)]),
      ],
    },
    // Scope restrictions such as "?code=…" look like secret URL parameters to the redactor; scopes are no secret.
    // Only the rows a renderer shows are built; lineCount says how many there are.
    c.entries.length > 0
      ? { title: 'Scope table', reveal: true, lines: c.entries.slice(0, SECTION_LINES_SHOWN).map((e) => entryLine(e, width)), lineCount: c.entries.length }
      : { title: 'Scope table', reveal: true, lines: ['(no scopes on either side)'] },
  ];
}

/** The scopes as written (an indexed loop: a 40 000-scope list is walked before map's callback is optimized). */
function raws(scopes: readonly Scope[]): string[] {
  const out = new Array<string>(scopes.length);
  for (let i = 0; i < scopes.length; i++) out[i] = (scopes[i] as Scope).raw;
  return out;
}

function summary(c: ScopeComparison): string {
  const n = c.counts;
  const lost = n.dropped + n.narrowed;
  return lost === 0
    ? `every requested scope was granted (${n['granted-as-asked']} as asked, ${n['granted-equivalent']} equivalent, ${n.widened} widened, ${n.added} added)`
    : `${n.dropped} dropped, ${n.narrowed} narrowed of ${c.entries.length - n.added} requested scopes`;
}

export async function diffScopesCommand(ctx: CommandContext, requested: string, granted: string): Promise<Report> {
  if (requested === '-' && granted === '-') {
    throw usageError('stdin-used-twice', 'only one of <requested> and <granted> can be "-" (stdin)', 'put the other side in a quoted string or a file: @granted.txt');
  }
  const requestedText = scopeText('requested', await readSource(ctx, 'requested', requested));
  const grantedText = scopeText('granted', await readSource(ctx, 'granted', granted));
  const requestedScopes = parseScopes(requestedText);
  const comparison = compareScopes(requestedScopes, parseScopes(grantedText, requestedScopes));
  ctx.narrate.step(`compared ${comparison.requested.length} requested with ${comparison.granted.length} granted scopes`);
  return makeReport({
    command: 'diff-scopes',
    findings: scopeFindings(comparison),
    data: {
      requested: raws(comparison.requested),
      granted: raws(comparison.granted),
      counts: comparison.counts,
      scopes: comparison.entries,
      duplicates: comparison.duplicates,
    },
    sections: sections(comparison),
    unredacted: ['requested', 'granted', 'scopes', 'duplicates'],
    summary: summary(comparison),
  });
}
