// What visibly failed in the evidence, before any rule explains it: an error answer, an
// error on the callback, a callback without a code, a token response without what was
// granted, an error the app's own library printed. The ranking asks whether some rule
// explains the first of these; if none does, the report says it cannot tell.
import type { OAuthError } from '../protocol/oauth-error.js';
import { withoutTags } from './html-text.js';
import { parseScopes } from '../protocol/scopes/parse.js';
import { parseObject, statusText, type Endpoint, type Evidence, type ResponseEvidence } from './evidence.js';

export type FailureKind =
  | 'error-response'
  | 'callback-error'
  | 'callback-without-code'
  | 'no-id-token'
  | 'no-launch-context'
  | 'unreadable-token-response'
  | 'client-message';

export interface ObservedFailure {
  kind: FailureKind;
  endpoint?: Endpoint | undefined;
  status?: number | undefined;
  /** The OAuth error code, when there was one. */
  error?: string | undefined;
  response?: ResponseEvidence | undefined;
  /** One line quoting what was seen, for the "cannot tell" finding. */
  seen: string;
}

type Input = Omit<Evidence, 'failures'>;

function quote(text: string, max = 200): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return JSON.stringify(t.length > max ? `${t.slice(0, max)}…` : t);
}

function describe(r: ResponseEvidence): string {
  const err = r.oauthError;
  const where = r.url !== undefined ? `${r.method ?? 'GET'} ${r.url.length > 160 ? `${r.url.slice(0, 160)}…` : r.url}` : `the ${r.endpoint === 'other' ? 'server' : `${r.endpoint} endpoint`}`;
  const what = err !== undefined ? `${err.error}${err.error_description !== undefined ? ` ${quote(err.error_description)}` : ''}${err.error_uri !== undefined ? ` (error_uri ${err.error_uri})` : ''}` : r.responseBody !== undefined && r.responseBody.trim() !== '' ? `body ${quote(withoutTags(r.responseBody), 120)}` : 'no body';
  return `${where} answered ${statusText(r)}: ${what}`;
}

function oauthErrorLine(err: OAuthError): string {
  return `${err.error}${err.error_description !== undefined ? ` ${quote(err.error_description)}` : ''}${err.error_uri !== undefined ? ` (error_uri ${err.error_uri})` : ''}`;
}

/** Endpoints whose error answers are failures of the flow (not an app's own page or a favicon). */
const FLOW: readonly Endpoint[] = ['token', 'authorize', 'fhir', 'discovery', 'other'];

export function observeFailures(e: Input): ObservedFailure[] {
  const out: ObservedFailure[] = [];
  for (const r of e.responses) {
    if (r.status >= 400 && FLOW.includes(r.endpoint)) out.push({ kind: 'error-response', endpoint: r.endpoint, status: r.status, error: r.oauthError?.error ?? r.challenge?.params['error'], response: r, seen: describe(r) });
  }
  // A 200 from the token endpoint that is not a JSON object (an SSO proxy's HTML page): the app cannot read a token.
  for (const r of e.responses) {
    if (r.endpoint === 'token' && r.status === 200 && parseObject(r.responseBody) === undefined) out.push({ kind: 'unreadable-token-response', endpoint: 'token', status: 200, response: r, seen: `${describe(r)} — not a JSON token response` });
  }
  if (e.callbackError !== undefined) out.push({ kind: 'callback-error', endpoint: 'callback', error: e.callbackError.error, seen: `the callback carried error ${oauthErrorLine(e.callbackError)}` });
  else if (e.callback !== undefined && e.callback.params['code'] === undefined) {
    out.push({ kind: 'callback-without-code', endpoint: 'callback', seen: `the callback ${e.callback.url ?? ''} carried neither code nor error` });
  }
  const granted = typeof e.tokenResponse?.['scope'] === 'string' ? e.tokenResponse['scope'] : undefined;
  const requested = e.requestedScope;
  if (e.tokenResponse !== undefined && e.tokenResponse['id_token'] === undefined && requested !== undefined && parseScopes(requested).some((s) => s.kind === 'openid')) {
    out.push({ kind: 'no-id-token', endpoint: 'token', seen: `openid was requested but the token response has no id_token${granted !== undefined ? ` (granted scope ${quote(granted)})` : ''}` });
  }
  if (e.tokenResponse !== undefined && granted !== undefined) {
    const scopes = parseScopes(granted);
    // launch/patient, or an EHR launch (launch) with patient/ scopes: the patient must come in the response.
    const wantsPatient = scopes.some((s) => s.kind === 'launch-context' && s.context === 'patient') || (scopes.some((s) => s.kind === 'launch') && scopes.some((s) => s.kind === 'resource' && s.compartment === 'patient'));
    if (wantsPatient && typeof e.tokenResponse['patient'] !== 'string') out.push({ kind: 'no-launch-context', endpoint: 'token', seen: `a patient launch context was granted (${quote(granted)}) but the token response has no patient` });
  }
  for (const m of e.messages) out.push({ kind: 'client-message', seen: `the app reported ${quote(m)}` });
  // The first failure in flow order is what to explain; an error response is more concrete than an app message.
  return out;
}

/** The failure a root cause must explain: the first one seen. */
export function primaryFailure(e: Pick<Evidence, 'failures'>): ObservedFailure | undefined {
  return e.failures[0];
}
