// Checks of a token response's shape (RFC 6749 §5.1; SMART app-launch.html "Response").
import { makeFinding, type Finding } from '../report/finding.js';
import { jsonTooDeep, MAX_JSON_DEPTH } from './json-depth.js';

export interface TokenResponse {
  access_token?: string;
  token_type?: string;
  expires_in?: number;
  scope?: string;
  id_token?: string;
  refresh_token?: string;
  patient?: string;
  encounter?: string;
  [key: string]: unknown;
}

function field(id: string, severity: Finding['severity'], title: string, detail: string, fix: string): Finding {
  return makeFinding({ id, severity, title, detail, fix, spec: 'smart-token-response' });
}

export interface TokenResponseContext {
  requestedScope?: string | undefined;
}

/**
 * Shape checks only; launch-context (patient/encounter) and scope-diff findings come from
 * the diagnosis rules (token-response-missing-launch-context, openid-scope-dropped), so a
 * flow that runs both never reports the same id twice.
 */
export function checkTokenResponse(json: unknown, context: TokenResponseContext = {}): { response?: TokenResponse; parsed?: TokenResponse; findings: Finding[] } {
  if (jsonTooDeep(json)) {
    return { findings: [field('token-response-malformed', 'error', `the token response nests JSON deeper than ${MAX_JSON_DEPTH} levels`, `a token response is a flat JSON object (RFC 6749 §5.1); this one nests more than ${MAX_JSON_DEPTH} levels, so it was not read further`, 'Answer with a flat JSON object of strings and numbers.')] };
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    return { findings: [field('token-response-nonconformant-shape', 'error', 'the token response is not a JSON object', `got ${JSON.stringify(json)?.slice(0, 80) ?? 'nothing'}`, 'Answer with a JSON object (RFC 6749 §5.1).')] };
  }
  const r = json as TokenResponse;
  const findings: Finding[] = [];
  if (typeof r.access_token !== 'string' || r.access_token === '') findings.push(field('token-response-no-access-token', 'error', 'the token response has no access_token', `access_token: ${JSON.stringify(r.access_token ?? null)}`, 'Issue an access_token.'));
  if (typeof r.token_type !== 'string' || r.token_type.toLowerCase() !== 'bearer') findings.push(field('token-response-token-type', 'error', 'token_type is not Bearer', `token_type: expected "Bearer", got ${JSON.stringify(r.token_type ?? null)}`, 'Return token_type "Bearer" (SMART requires it).'));
  if (typeof r.expires_in === 'string' && /^\d+$/.test(r.expires_in)) findings.push(field('token-response-nonconformant-shape', 'warning', 'expires_in is a string, not a number', `expires_in: expected a number of seconds, got the string ${JSON.stringify(r.expires_in)}`, 'Return expires_in as a JSON number (RFC 6749 §5.1).'));
  else if (typeof r.expires_in !== 'number') findings.push(field('token-response-no-expires-in', 'warning', 'expires_in is missing or not a number', `expires_in: ${JSON.stringify(r.expires_in ?? null)}`, 'Return expires_in in seconds so apps can refresh in time (SMART: SHALL).'));
  if (typeof r.scope !== 'string') {
    const asked = context.requestedScope === undefined ? '' : ` (requested: "${context.requestedScope}")`;
    findings.push(field('token-response-no-scope', 'error', 'the token response has no scope', `scope: missing; SMART requires the granted scopes in the response${asked}`, 'Return the scopes actually granted in "scope".'));
  }
  return { response: r, parsed: r, findings };
}
