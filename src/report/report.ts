// The report every command returns: data plus findings, redacted once, then rendered.
import { hasErrors, type Finding, compareForReport } from './finding.js';
import type { HttpExchange, TraceEntry } from './trace.js';
import { VERSION } from '../version.js';

/**
 * The version of the --json contract (schema/report.schema.json). Raised only when a
 * field is removed or changes meaning; new fields do not raise it.
 */
export const SCHEMA_VERSION = 1;

/** A block of the human view. Commands describe what to show; renderers decide how. */
export interface ReportSection {
  title: string;
  /** Label/value rows, aligned. */
  rows?: Array<[label: string, value: string]> | undefined;
  /** Free lines of text. */
  lines?: string[] | undefined;
  /**
   * How many lines there are when `lines` holds only the first SECTION_LINES_SHOWN (view-limits.ts) of them
   * (a 40 000-scope table is not built for a view that shows 200): renderers show what
   * `lines` holds and count the rest as not shown.
   */
  lineCount?: number | undefined;
  /** A verbatim block (JSON, a token, a form body): shown as is. */
  code?: string | undefined;
  /**
   * The rows are the members of a server's object (a JWT's header or claims), labelled by
   * member name: redaction masks a row by its name as it masks that member in --json (a
   * "client_secret" or "password" claim), not only by its value's shape.
   */
  memberRows?: boolean | undefined;
  /** Set only for what the user asked the command to produce (jwt-assert's assertion): kept out of redaction. */
  reveal?: boolean | undefined;
  /**
   * Secret values shown in this section (the access token on its line): redaction masks
   * them wherever they appear in it, whatever their shape (an opaque token has none).
   * Never rendered.
   */
  secrets?: string[] | undefined;
}

/** A part of a run with exchanges of its own (check: one test); --har puts each on a page of its own. */
export interface ExchangeGroup {
  /** A stable id (check: the test id). */
  id: string;
  title: string;
  exchanges: readonly HttpExchange[];
}

export interface Report {
  command: string;
  ok: boolean;
  findings: Finding[];
  /** Command-specific data; spread at the top level of the JSON document. */
  data: Record<string, unknown>;
  /** The human view; not part of the JSON document. */
  sections: ReportSection[];
  /** One line summing up the run, shown last in the human view. */
  summary?: string | undefined;
  trace?: TraceEntry[] | undefined;
  /** Exchanges by the part of the run that made them, when the run has no single trace (check); not part of the JSON document. */
  exchangeGroups?: ExchangeGroup[] | undefined;
  /**
   * Data keys holding what the user asked the command to produce (a signed assertion
   * from jwt-assert), which redaction must leave alone. Never a token a server sent.
   */
  unredacted?: string[] | undefined;
  /**
   * The one value the user asked to be printed alone (--output, jwt-assert --quiet, keygen
   * --output jwks). When set, the CLI writes the human report to stderr and, only if the
   * run succeeded, value alone to stdout. Never redacted, never rendered, never in --json.
   */
  output?: ReportOutput | undefined;
}

/** What --output asked for, and the value when the run produced it. */
export interface ReportOutput {
  field: string;
  value?: string | undefined;
}

export interface ReportInput {
  command: string;
  findings?: Finding[] | undefined;
  data?: Record<string, unknown> | undefined;
  sections?: ReportSection[] | undefined;
  summary?: string | undefined;
  trace?: TraceEntry[] | undefined;
  exchangeGroups?: ExchangeGroup[] | undefined;
  unredacted?: string[] | undefined;
  output?: ReportOutput | undefined;
}

/** ok is derived, never set: a report is ok when no finding is an error. */
export function makeReport(input: ReportInput): Report {
  const findings = [...(input.findings ?? [])].sort(compareForReport);
  return {
    command: input.command,
    ok: !hasErrors(findings),
    findings,
    data: input.data ?? {},
    sections: input.sections ?? [],
    summary: input.summary,
    trace: input.trace,
    exchangeGroups: input.exchangeGroups,
    unredacted: input.unredacted,
    output: input.output,
  };
}

/** The JSON document: { schemaVersion, smartctl, command, ok, findings, ...data, trace? }. */
export function toJsonDocument(report: Report): Record<string, unknown> {
  const doc: Record<string, unknown> = {
    schemaVersion: SCHEMA_VERSION,
    smartctl: VERSION,
    command: report.command,
    ok: report.ok,
    findings: report.findings,
    ...report.data,
  };
  if (report.trace !== undefined) doc['trace'] = report.trace;
  return doc;
}

/** What an error document says: the typed error's stable code, its one line and its hint. */
export interface ReportError {
  /** usage and input exit 2, network 3, internal 70, interrupted 130. */
  kind: 'usage' | 'input' | 'network' | 'internal' | 'interrupted';
  code: string;
  message: string;
  hint?: string | undefined;
}

/** The report of a run that ended in an error: { command, ok: false, error, findings }, so --json prints one document in every outcome. */
export function makeErrorReport(command: string, error: ReportError, findings: Finding[] = []): Report {
  return {
    command,
    ok: false,
    findings: [...findings].sort(compareForReport),
    data: { error: { kind: error.kind, code: error.code, message: error.message, hint: error.hint ?? null } },
    sections: [],
    summary: undefined,
    trace: undefined,
    unredacted: undefined,
  };
}
