// A token response that is not what SMART apps parse (app-launch.html "Response"; RFC 6749
// §5.1): expires_in as a string, scope missing or not SMART scopes (Azure AD's
// "user_impersonation"), token_type not Bearer, vendor extras, no Cache-Control: no-store.
// A generic IdP without SMART translation answers this way. Root cause only when the app's own
// error message is about it; otherwise the shape is noticed (the app may tolerate it).
import { makeFinding, type Finding } from '../../../report/finding.js';
import { headerValue } from '../../../report/trace.js';
import { parseScopes } from '../../../protocol/scopes/parse.js';
import type { Evidence, ResponseEvidence } from '../../evidence.js';
import { exchangeIdOf, exchangeIds, messageSays, pageText, responsesAt, type DiagnosisRule } from '../../rule.js';

const EXTRAS = ['ext_expires_in', 'resource', 'expires_on', 'not_before'];

/** A JSON value named without walking it (a hostile answer may nest thousands of levels deep). */
function kindOf(v: unknown): string {
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (v === null) return 'null';
  if (typeof v === 'object') return 'an object';
  return `the ${typeof v} ${String(v).slice(0, 40)}`;
}

export function shapeProblems(t: Record<string, unknown>, requestedScope: string | undefined): { text: string; severe: boolean }[] {
  const out: { text: string; severe: boolean }[] = [];
  const expires = t['expires_in'];
  if (typeof expires === 'string') out.push({ text: `expires_in: expected a number of seconds, got the string ${JSON.stringify(expires)}`, severe: false });
  const scope = t['scope'];
  if (scope === undefined) out.push({ text: `scope: missing; SMART requires the granted scopes in the response${requestedScope !== undefined ? ` (requested "${requestedScope}")` : ''}`, severe: true });
  else if (typeof scope !== 'string') out.push({ text: `scope: expected a space-separated string, got ${kindOf(scope)}`, severe: true });
  else if (requestedScope !== undefined && parseScopes(requestedScope).some((s) => s.kind === 'resource') && !parseScopes(scope).some((s) => s.kind !== 'other' && s.kind !== 'malformed')) {
    out.push({ text: `scope: expected SMART scopes, got "${scope.slice(0, 120)}" (an IdP's own scope names, such as Azure AD's user_impersonation)`, severe: true });
  }
  const type = t['token_type'];
  if (typeof type === 'string' && type.toLowerCase() !== 'bearer') out.push({ text: `token_type: expected "Bearer", got ${JSON.stringify(type)}`, severe: true });
  const extras = EXTRAS.filter((k) => Object.hasOwn(t, k));
  if (extras.length > 0 && out.length > 0) out.push({ text: `vendor fields ${extras.map((k) => `"${k}"`).join(', ')}: the answer of a generic IdP, not of a SMART server`, severe: false });
  return out;
}

/** A 200 token answer that is not a JSON object: an HTML login page from a gateway, or garbage. */
function notJson(r: ResponseEvidence): Finding {
  const type = headerValue(r.responseHeaders, 'content-type') ?? 'no content type';
  const body = (r.responseBody ?? '').trim();
  const html = /^<|<html|<!doctype/i.test(body);
  return makeFinding({
    id: 'token-response-nonconformant-shape',
    severity: 'error',
    role: 'root-cause',
    basis: 'request-shape',
    title: `the token endpoint answered 200 with ${html ? 'an HTML page' : 'something that is not a JSON object'}, not a token response`,
    detail: `${r.method ?? 'POST'} ${r.url ?? 'the token endpoint'} → 200 (${type}): expected a JSON object with access_token (RFC 6749 §5.1), got ${body === '' ? 'an empty body' : `"${(html ? pageText(body) : body).slice(0, 120)}"`}`,
    causes: ['A gateway or SSO proxy in front of the token endpoint serves its login or error page (the request never reached the authorization server).', 'The token URL is wrong: it points at a web page (a portal or the authorize page), not the token endpoint.'],
    fix: 'POST to the token_endpoint from the server\'s smart-configuration exactly; if that is what was used, report the gateway answering HTML to the server owner.',
    spec: 'rfc6749-token-response',
    exchanges: exchangeIdOf(r),
  });
}

export const tokenResponseNonconformantShape: DiagnosisRule = {
  id: 'token-response-nonconformant-shape',
  phase: 'token',
  catalog: ['token-response-nonconformant-shape'],
  diagnose(e: Evidence): Finding[] {
    const unreadable = e.failures.find((f) => f.kind === 'unreadable-token-response')?.response;
    if (unreadable !== undefined) return [notJson(unreadable)];
    if (e.tokenResponse === undefined) return [];
    const problems = shapeProblems(e.tokenResponse, e.requestedScope);
    const answer = responsesAt(e, 'token').find((r) => r.status === 200 && r.step !== 'refresh');
    const cache = answer === undefined ? undefined : headerValue(answer.responseHeaders, 'cache-control');
    if (answer !== undefined && problems.length > 0 && (cache === undefined || !/no-store/i.test(cache))) problems.push({ text: `Cache-Control: expected "no-store", got ${cache === undefined ? 'none' : JSON.stringify(cache)}`, severe: false });
    if (problems.length === 0) return [];
    const said = messageSays(e, 'token-response-nonconformant-shape');
    const severe = problems.some((p) => p.severe);
    return [
      makeFinding({
        id: 'token-response-nonconformant-shape',
        severity: severe || said !== undefined ? 'error' : 'warning',
        role: said !== undefined ? 'root-cause' : severe ? 'contributing' : 'also-noticed',
        basis: said !== undefined ? 'server-words' : 'request-shape',
        title: 'the token response does not have the shape SMART requires',
        detail: [...problems.map((p) => p.text), ...(said !== undefined ? [`the app reported: "${said.message}"`] : [])].join('\n'),
        causes: ['A generic identity provider (Azure AD, a plain OAuth server) answers without SMART translation.', 'A proxy in front of the server rewrites the response.'],
        fix: 'Put a SMART-aware layer in front of the IdP that returns scope (SMART scopes), token_type "Bearer" and expires_in as a number, with Cache-Control: no-store; meanwhile make the app tolerate string numbers.',
        spec: 'smart-token-response',
        exchanges: answer?.exchangeId === undefined ? undefined : exchangeIds([answer]),
      }),
    ];
  },
};
