// The tokens of a run as a report shows them: header and claims decoded, never the token
// itself nor its signature. Read from the unredacted report (a redacted token can no longer
// be decoded), then the header and claims go through the same redaction as everything
// else unless --show-secrets. Pure.
import { decodeJwt } from '../protocol/jwt/decode.js';
import { asObject, jsonObjectIn } from './json-object.js';
import { redactValue } from './redact.js';
import type { Report } from './report.js';
import { isExchange, type TraceEntry } from './trace.js';

export interface TokenView {
  /** access_token, id_token, refresh_token, client_assertion, or the name the command gave. */
  name: string;
  /** Where it was seen: "exchange 5 token (response)", "input". */
  from: string;
  kind: 'jwt' | 'jwe' | 'opaque' | 'malformed';
  /** Characters of the token; undefined when the command kept only its decoded parts. */
  length?: number | undefined;
  header?: Record<string, unknown> | undefined;
  claims?: Record<string, unknown> | undefined;
}

const RESPONSE_TOKENS = ['access_token', 'id_token', 'refresh_token'];
const REQUEST_TOKENS = ['client_assertion', 'assertion', 'subject_token'];
const MAX_TOKENS = 20;

function view(name: string, from: string, raw: string): TokenView {
  try {
    const token = decodeJwt(raw);
    if (token.kind === 'jwt') return { name, from, kind: 'jwt', length: raw.length, header: token.header, claims: token.payload };
    if (token.kind === 'jwe') return { name, from, kind: 'jwe', length: raw.length, header: token.header };
    return { name, from, kind: 'opaque', length: raw.length };
  } catch {
    return { name, from, kind: 'malformed', length: raw.length };
  }
}

function formParams(body: string | undefined): URLSearchParams | undefined {
  return body !== undefined && /^[\w.~%+-]+=/.test(body.trim()) ? new URLSearchParams(body.trim()) : undefined;
}

/** Tokens a run sent (client assertions) and received (token responses), in trace order, each once. */
function fromTrace(entries: readonly TraceEntry[]): TokenView[] {
  const out: TokenView[] = [];
  const seen = new Set<string>();
  const add = (name: string, from: string, raw: unknown): void => {
    if (typeof raw !== 'string' || raw === '' || seen.has(raw)) return;
    seen.add(raw);
    out.push(view(name, from, raw));
  };
  for (const e of entries.filter(isExchange)) {
    const params = formParams(e.request.body);
    for (const name of REQUEST_TOKENS) add(name, `exchange ${e.id} ${e.step} (request)`, params?.get(name) ?? undefined);
    const json = e.response !== undefined && e.response.status < 300 ? jsonObjectIn(e.response.body) : undefined;
    for (const name of RESPONSE_TOKENS) add(name, `exchange ${e.id} ${e.step} (response)`, json?.[name]);
  }
  return out;
}

const KINDS = new Set(['jwt', 'jwe', 'opaque']);

/** What decode and jwt-assert keep: the decoded parts only. */
function fromData(data: Record<string, unknown>): TokenView[] {
  const out: TokenView[] = [];
  const tokens = data['tokens'];
  if (Array.isArray(tokens)) {
    for (const t of tokens) {
      const r = asObject(t);
      if (r === undefined) continue;
      const kind = typeof r['kind'] === 'string' && KINDS.has(r['kind']) ? (r['kind'] as TokenView['kind']) : 'malformed';
      out.push({ name: typeof r['name'] === 'string' ? r['name'] : 'token', from: 'input', kind, header: asObject(r['header']), claims: asObject(r['claims']) });
    }
  }
  const mode = data['mode'];
  if ((mode === 'build' || mode === 'check') && asObject(data['claims']) !== undefined) {
    out.push({ name: 'client assertion', from: mode === 'build' ? 'built by jwt-assert' : 'input', kind: 'jwt', length: typeof data['assertion'] === 'string' ? data['assertion'].length : undefined, header: asObject(data['header']), claims: asObject(data['claims']) });
  }
  return out;
}

/** The report's tokens, header and claims redacted unless showSecrets. Takes the report before redaction. */
export function tokenViews(report: Pick<Report, 'data' | 'trace'>, showSecrets: boolean): TokenView[] {
  const views = [...fromData(report.data), ...fromTrace(report.trace ?? [])].slice(0, MAX_TOKENS);
  if (showSecrets) return views;
  return views.map((v) => ({ ...v, header: v.header === undefined ? undefined : (redactValue(v.header) as Record<string, unknown>), claims: v.claims === undefined ? undefined : (redactValue(v.claims) as Record<string, unknown>) }));
}
