// A diagnosis rule: matches evidence and explains one problem (one finding id).
import type { Finding } from '../report/finding.js';
import { statusText, type Evidence, type ResponseEvidence } from './evidence.js';
import { pageText } from './html-text.js';
import { clientPhrasesIn, phrasesIn, specificPhrasesIn, type VendorPhrase } from './vendors/index.js';

export interface RuleOptions {
  now: Date;
}

export interface DiagnosisRule {
  /** The finding id this rule produces (a rule may classify into sibling ids, named in its file header). */
  id: string;
  phase: Phase;
  /** The failure-catalog entries (../shared/reference/failure-catalog.md) this rule diagnoses. */
  catalog: readonly string[];
  /** Other finding ids the rule classifies into (fhir-401-expired-token beside fhir-401-invalid-token ...). */
  siblings?: readonly string[] | undefined;
  /**
   * A generic lint finding of the caller (a missing discovery field, say) that tells the same
   * problem as this rule's finding: when the rule reports, that lint is left out, so a run
   * never shows one problem twice under two ids.
   */
  replaces?: ((lint: Finding) => boolean) | undefined;
  diagnose(evidence: Evidence, options: RuleOptions): Finding[];
}

export function responsesAt(e: Evidence, endpoint: ResponseEvidence['endpoint']): ResponseEvidence[] {
  return e.responses.filter((r) => r.endpoint === endpoint);
}

export function exchangeIds(rs: readonly ResponseEvidence[]): number[] | undefined {
  const ids = rs.map((r) => r.exchangeId).filter((id): id is number => id !== undefined);
  return ids.length > 0 ? ids : undefined;
}

export function grantedScopeOf(e: Evidence): string | undefined {
  const scope = e.tokenResponse?.['scope'];
  return typeof scope === 'string' ? scope : undefined;
}

export function describeError(r: ResponseEvidence): string {
  const err = r.oauthError;
  const what = err === undefined ? statusText(r) : `${statusText(r)} ${err.error}${err.error_description !== undefined ? `: "${err.error_description}"` : ''}`;
  return r.url !== undefined ? `${r.method ?? 'GET'} ${r.url} answered ${what}` : `the server answered ${what}`;
}

/** Token endpoint answers carrying this OAuth error (RFC 6749 §5.2). */
export function tokenErrorResponses(e: Evidence, error: string): ResponseEvidence[] {
  return responsesAt(e, 'token').filter((r) => r.status >= 400 && r.oauthError?.error === error);
}

/** decodeURIComponent that keeps malformed escapes as they are (saved evidence may hold any text). */
export function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** The error_description and the decoded error_uri, for matching vendor wording. */
export function errorText(r: ResponseEvidence): string {
  return `${r.oauthError?.error_description ?? ''} ${safeDecode(r.oauthError?.error_uri ?? '')}`;
}

export function mentionsInError(r: ResponseEvidence, pattern: RegExp): boolean {
  return pattern.test(errorText(r));
}

export function exchangeIdOf(r: ResponseEvidence): number[] | undefined {
  return r.exchangeId === undefined ? undefined : [r.exchangeId];
}

/** Where a rule sits in the flow; rule files live in rules/<phase>/. */
export type Phase = 'discovery' | 'authorize' | 'token' | 'client-assertion' | 'id-token' | 'refresh' | 'fhir' | 'scopes';

/** Text of an HTML page without its tags, scripts and styles (html-text.ts). */
export { pageText };

const WORDS_LIMIT = 20_000;

/**
 * Everything the server said about why, as one text: the OAuth error and its description,
 * the decoded error_uri, the WWW-Authenticate challenge, and the body (an error page's text,
 * an OperationOutcome's diagnostics). Vendor wording is matched against this.
 */
export function serverWords(r: ResponseEvidence): string {
  const parts: string[] = [];
  if (r.oauthError !== undefined) parts.push(r.oauthError.error, r.oauthError.error_description ?? '', safeDecode(r.oauthError.error_uri ?? ''));
  if (r.challenge !== undefined) parts.push(Object.entries(r.challenge.params).map(([k, v]) => `${k}="${v}"`).join(' '));
  const body = (r.responseBody ?? '').slice(0, WORDS_LIMIT);
  if (body.trim() !== '') parts.push(/<[a-z!]/i.test(body) ? pageText(body) : body);
  return parts.join(' \n');
}

/** The callback error's words (error, description, decoded error_uri). */
export function callbackWords(e: Evidence): string {
  const c = e.callbackError;
  return c === undefined ? '' : `${c.error} ${c.error_description ?? ''} ${safeDecode(c.error_uri ?? '')}`;
}

/** A probable cause, and the server wording that makes it the likelier one. */
export interface Cause {
  text: string;
  /** When the server's words match this, the cause moves to the front. */
  when?: RegExp | undefined;
}

/** Causes in order of the evidence: those the server's words point at first, the rest as listed. */
export function orderCauses(causes: readonly Cause[], words: string): string[] {
  const hit = causes.filter((c) => c.when !== undefined && c.when.test(words));
  return [...hit, ...causes.filter((c) => !hit.includes(c))].map((c) => c.text);
}

/** The vendor row (if any) whose wording in this answer proves findingId. */
export function vendorSays(r: ResponseEvidence, findingId: string): VendorPhrase | undefined {
  return phrasesIn(serverWords(r)).find((p) => p.findingId === findingId);
}

/** The first failing answer or callback error whose words prove findingId, with the row that matched. */
export function serverSays(e: Evidence, findingId: string): { response?: ResponseEvidence | undefined; phrase: VendorPhrase } | undefined {
  for (const r of e.responses) {
    if (r.status < 400) continue;
    const phrase = vendorSays(r, findingId);
    if (phrase !== undefined) return { response: r, phrase };
  }
  const phrase = phrasesIn(callbackWords(e)).find((p) => p.findingId === findingId);
  return phrase === undefined ? undefined : { phrase };
}

/** "Oracle Health (Cerner) says: ..." for a finding's detail. */
export function saidLine(phrase: VendorPhrase): string {
  return `${phrase.vendor} wording: ${phrase.meaning} (seen at ${phrase.seenAt})`;
}

/** Whether the first thing that failed is an error answer at this endpoint (optionally with this OAuth error). */
export function failedAt(e: Evidence, endpoint: ResponseEvidence['endpoint'], error?: string): ResponseEvidence | undefined {
  const f = e.failures.find((x) => x.kind === 'error-response' && x.endpoint === endpoint && (error === undefined || x.error === error));
  return f?.response;
}

/** The app's own error message (explain --message) whose wording proves findingId, with the row that matched. */
export function messageSays(e: Evidence, findingId: string): { message: string; phrase: VendorPhrase } | undefined {
  for (const message of e.messages) {
    const phrase = [...clientPhrasesIn(message), ...phrasesIn(message)].find((p) => p.findingId === findingId);
    if (phrase !== undefined) return { message, phrase };
  }
  return undefined;
}

/**
 * An app message (explain --message) that relays the server's refusal: a library quoting the
 * error_description ("exchange error: invalid_grant: The code_verifier sent does not match ..."),
 * a server's log line. For rules whose failure happens at the server, when no saved answer says
 * it. Rows of the generic table count only with `generic` (some, a bare "redirect_uri", are too
 * weak for free text); `also` adds wording the rule itself trusts in a message.
 */
export function messageRelays(e: Evidence, findingId: string, opts: { generic?: boolean; also?: RegExp } = {}): { message: string; phrase?: VendorPhrase | undefined } | undefined {
  for (const message of e.messages) {
    // A pasted error URL carries the words form-encoded ("The+'redirect_uri'+parameter+does+not+match").
    const text = /[+%]/.test(message) ? `${message}\n${safeDecode(message.replace(/\+/g, ' '))}` : message;
    const phrase = [...clientPhrasesIn(text), ...(opts.generic === true ? phrasesIn(text) : specificPhrasesIn(text))].find((p) => p.findingId === findingId);
    if (phrase !== undefined) return { message, phrase };
    if (opts.also?.test(text) === true) return { message };
  }
  return undefined;
}

/** "the app reported: ..." for a finding's detail, the message quoted and shortened. */
export function reportedLine(message: string): string {
  const m = message.replace(/\s+/g, ' ').trim();
  return `the app reported: ${JSON.stringify(m.length > 300 ? `${m.slice(0, 300)}…` : m)}`;
}
