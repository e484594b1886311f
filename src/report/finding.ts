// A finding: one thing the run learned about the system under test.
// Ids are stable kebab-case names of the problem; never rename or reuse one.
import { specUrl, type SpecKey } from './spec-links.js';

export type Severity = 'error' | 'warning' | 'info';

/**
 * What a finding is to the failure that was observed (diagnose/rank.ts orders by it):
 * root-cause explains it (an error response, a missing id_token, a 401); contributing makes
 * it likely; also-noticed is true but explains nothing that failed; unexplained is the
 * honest "cannot tell" (unknown-failure) when no rule explains the failure.
 */
export type FindingRole = 'root-cause' | 'contributing' | 'also-noticed' | 'unexplained';

/** How directly the evidence points: the server's own words beat the shape of the request, which beats circumstance. */
export type FindingBasis = 'server-words' | 'request-shape' | 'circumstance';

export interface Finding {
  id: string;
  severity: Severity;
  /** One line. */
  title: string;
  /** What was seen, with evidence: "expected X, got Y", values quoted, units given. */
  detail: string;
  /** An action. */
  fix?: string | undefined;
  /** URL of the spec section, from spec-links.ts. */
  spec?: string | undefined;
  /** Ids of the trace exchanges that prove it (trace entry `id`s). */
  exchanges?: number[] | undefined;
  /** Probable causes in order, for diagnoses with more than one. */
  causes?: string[] | undefined;
  /** Set by the diagnosis engine; findings of plain lints have none until ranked. */
  role?: FindingRole | undefined;
  basis?: FindingBasis | undefined;
}

export interface FindingInput extends Omit<Finding, 'spec'> {
  spec?: SpecKey | undefined;
}

const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };
const ROLE_ORDER: Record<FindingRole, number> = { 'root-cause': 0, unexplained: 0, contributing: 1, 'also-noticed': 2 };

export function compareSeverity(a: Finding, b: Finding): number {
  return SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity];
}

/** Report order: root causes first in the order the engine ranked them, then contributing, then the rest, each by severity. */
export function compareForReport(a: Finding, b: Finding): number {
  const ra = ROLE_ORDER[a.role ?? 'also-noticed'];
  const rb = ROLE_ORDER[b.role ?? 'also-noticed'];
  if (ra !== rb) return ra - rb;
  return ra === 0 ? 0 : compareSeverity(a, b);
}

export function hasErrors(findings: readonly Finding[]): boolean {
  return findings.some((f) => f.severity === 'error');
}

/** Builds a finding, turning a spec key into its URL. */
export function makeFinding(input: FindingInput): Finding {
  const { spec, ...rest } = input;
  return spec === undefined ? rest : { ...rest, spec: specUrl(spec) };
}
