// A finding: one thing the run learned about the system under test.
// Ids are stable kebab-case names of the problem; never rename or reuse one.
import { specUrl, type SpecKey } from './spec-links.js';

export type Severity = 'error' | 'warning' | 'info';

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
}

export interface FindingInput extends Omit<Finding, 'spec'> {
  spec?: SpecKey | undefined;
}

const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

export function compareSeverity(a: Finding, b: Finding): number {
  return SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity];
}

export function hasErrors(findings: readonly Finding[]): boolean {
  return findings.some((f) => f.severity === 'error');
}

/** Builds a finding, turning a spec key into its URL. */
export function makeFinding(input: FindingInput): Finding {
  const { spec, ...rest } = input;
  return spec === undefined ? rest : { ...rest, spec: specUrl(spec) };
}
