// --output <field> on launch and token: the one value a script asked for, picked from the
// token response as received. A field the server did not return is a finding that says
// what to request, never an empty line on stdout.
import { makeFinding, type Finding } from '../report/finding.js';

export const OUTPUT_FIELDS = ['access_token', 'id_token', 'refresh_token', 'token-response', 'authorization-header'] as const;
export type OutputField = (typeof OUTPUT_FIELDS)[number];

export interface OutputSource {
  /** The token response body exactly as received. */
  body: string;
  /** The body parsed as JSON (undefined when it was not JSON). */
  json: unknown;
  /** The grant that produced it: client_credentials never brings an id_token or (usually) a refresh_token. */
  grant: 'authorization_code' | 'refresh_token' | 'client_credentials';
}

export type PickedOutput = { value: string } | { finding: Finding };

function missing(field: string, why: string, fix: string): PickedOutput {
  return {
    finding: makeFinding({
      id: 'output-field-missing',
      severity: 'error',
      title: `--output ${field}: the token response has no ${field}`,
      detail: why,
      fix,
      spec: 'rfc6749-token-response',
    }),
  };
}

function stringField(json: unknown, name: string): string | undefined {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return undefined;
  const v = (json as Record<string, unknown>)[name];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function fixFor(field: 'access_token' | 'id_token' | 'refresh_token', grant: OutputSource['grant']): string {
  if (field === 'refresh_token') {
    if (grant === 'client_credentials') return 'client_credentials gets no refresh token (RFC 6749 §4.4.3): request a new token when it expires.';
    return 'Request offline_access (or online_access) in --scope, and check that the server grants it and the client is registered for the refresh_token grant.';
  }
  if (field === 'id_token') {
    if (grant === 'client_credentials') return 'client_credentials gets no id_token: no user signs in. Use --output access_token.';
    return 'Request openid (with fhirUser) in --scope, and check that the server grants it.';
  }
  return 'See the findings: the server answered without an access token.';
}

/**
 * The value for --output. authorization-header is "Bearer <access_token>": the scheme is
 * written "Bearer" whatever the case of the server's token_type (case-insensitive, RFC 6749
 * §5.1, RFC 6750 §2.1); any other token_type (DPoP, N_A) needs more than the header, so it
 * is a finding instead.
 */
export function pickOutput(field: OutputField, source: OutputSource): PickedOutput {
  if (field === 'token-response') return { value: source.body };
  const name = field === 'authorization-header' ? 'access_token' : field;
  const value = stringField(source.json, name);
  if (value === undefined) return missing(name, `the ${source.grant} response holds no ${name}${source.json === undefined ? ' (it is not JSON)' : ''}`, fixFor(name, source.grant));
  if (field !== 'authorization-header') return { value };
  const type = source.json !== null && typeof source.json === 'object' ? (source.json as Record<string, unknown>)['token_type'] : undefined;
  if (typeof type === 'string' && type.toLowerCase() !== 'bearer') {
    return {
      finding: makeFinding({
        id: 'output-token-type-not-bearer',
        severity: 'error',
        title: `--output authorization-header: token_type is "${type}", not Bearer`,
        detail: `token_type: expected "Bearer", got ${JSON.stringify(type)}; a ${type} token needs more than an Authorization header (a DPoP token, a proof per request)`,
        fix: 'Use --output access_token and build the request the token type needs.',
        spec: 'rfc6750-authorization-header',
      }),
    };
  }
  return { value: `Bearer ${value}` };
}

/**
 * The findings of a run that asked for --output: when no value came and nothing says why
 * (no error finding), one is added, so the run cannot end "ok" with nothing on stdout.
 */
export function withOutputFinding(findings: Finding[], output: { field: string; value?: string | undefined } | undefined): Finding[] {
  if (output === undefined || output.value !== undefined || findings.some((f) => f.severity === 'error')) return findings;
  return [...findings, makeFinding({ id: 'output-field-missing', severity: 'error', title: `--output ${output.field}: the run produced no ${output.field}`, detail: 'the run ended before a token response was read', fix: 'See the report: the run stopped before the token request.' })];
}
