// smartctl decode [token]: a JWT, "Bearer <jwt>", or a whole token response; header and
// claims with readable times, lints by profile, and --verify against a key set.
// jose and undici load only with --verify.
import { inputError } from '../errors.js';
import { makeFinding, type Finding } from '../report/finding.js';
import { makeReport, type Report, type ReportSection } from '../report/report.js';
import { Trace } from '../report/trace.js';
import { lintAccessToken } from '../protocol/jwt/access-token.js';
import { lintClientAssertion } from '../protocol/jwt/client-assertion.js';
import { claimString, decodeJwt, type DecodedJwt, type DecodedToken } from '../protocol/jwt/decode.js';
import { lintIdToken } from '../protocol/jwt/id-token.js';
import { detectProfile, type JwtProfile } from '../protocol/jwt/profile.js';
import { readableClaimRows } from '../protocol/jwt/time-claims.js';
import type { CommandContext } from './context.js';
import { parseJsonObject, readArgument } from './input.js';

interface DecodeOptions {
  verify?: boolean;
  jwks?: string;
  issuer?: string;
  audience?: string;
  nonce?: string;
  clientId?: string;
  tokenUrl?: string;
  profile?: JwtProfile;
}

interface NamedToken {
  /** "token", "access_token" or "id_token". */
  name: string;
  token: DecodedToken;
  profile?: JwtProfile | undefined;
}

const CONTEXT_FIELDS = ['token_type', 'expires_in', 'scope', 'patient', 'encounter', 'need_patient_banner', 'smart_style_url', 'fhirContext', 'intent', 'tenant'];


function parseTokenResponse(text: string): Record<string, unknown> {
  const json = parseJsonObject(text, 'the input (it starts like JSON)', 'Pass a JWT, "Bearer <jwt>", or the token response JSON exactly as received.', 'token-response-malformed');
  if (json['access_token'] === undefined && json['id_token'] === undefined) {
    throw inputError('token-response-malformed', 'the JSON has neither access_token nor id_token', 'Pass the token endpoint response as received.');
  }
  return json;
}

function tokensFrom(text: string, profile: JwtProfile | undefined): { tokens: NamedToken[]; response?: Record<string, unknown> } {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    const response = parseTokenResponse(trimmed);
    const tokens: NamedToken[] = [];
    for (const [name, p] of [['access_token', 'access-token'], ['id_token', 'id-token']] as const) {
      const value = response[name];
      if (value === undefined) continue;
      if (typeof value !== 'string') throw inputError('token-response-malformed', `${name} is not a string`, 'Pass the token response as received.');
      tokens.push({ name, token: decodeJwt(value), profile: p });
    }
    return { tokens, response };
  }
  const token = decodeJwt(trimmed);
  return { tokens: [{ name: 'token', token, profile: profile ?? (token.kind === 'jwt' ? detectProfile(token) : undefined) }] };
}


function tokenSections(t: NamedToken, now: Date): ReportSection[] {
  if (t.token.kind === 'opaque') return [{ title: `${t.name}: opaque`, lines: [`${t.token.raw.length} characters, not a JWT: only the server that issued it can read it (introspection, RFC 7662).`] }];
  if (t.token.kind === 'jwe') {
    return [{ title: `${t.name}: encrypted JWT (JWE)`, rows: readableClaimRows(t.token.header, now), memberRows: true, lines: ['The payload is encrypted; only the intended recipient can decrypt it.'] }];
  }
  return [
    { title: `${t.name}: JWT header${t.profile !== undefined ? ` (checked as ${t.profile})` : ''}`, rows: readableClaimRows(t.token.header, now), memberRows: true },
    { title: `${t.name}: claims`, rows: readableClaimRows(t.token.payload, now), memberRows: true },
  ];
}

function kindFinding(t: NamedToken): Finding[] {
  if (t.token.kind === 'opaque') {
    return [makeFinding({ id: 'token-opaque', severity: 'info', title: `${t.name} is opaque, not a JWT`, detail: 'Nothing to decode; the server keeps what it means.', fix: 'Use token introspection (RFC 7662) to learn its scope and expiry.', spec: 'rfc7662-introspection' })];
  }
  if (t.token.kind === 'jwe') {
    return [makeFinding({ id: 'token-encrypted', severity: 'info', title: `${t.name} is an encrypted JWT (JWE)`, detail: `five parts; alg ${JSON.stringify(t.token.header['alg'])}, enc ${JSON.stringify(t.token.header['enc'])}`, fix: 'Only the recipient holding the decryption key can read the claims.' })];
  }
  return [];
}

function lintByProfile(token: DecodedJwt, profile: JwtProfile | undefined, o: DecodeOptions, now: Date): Finding[] {
  if (profile === 'id-token') return lintIdToken(token, { issuer: o.issuer, clientId: o.audience ?? o.clientId, nonce: o.nonce, now });
  if (profile === 'client-assertion') return lintClientAssertion(token, { clientId: o.clientId, tokenEndpoint: o.tokenUrl ?? o.audience, now });
  if (profile === 'access-token') return lintAccessToken(token, { now, audience: o.audience });
  return [
    makeFinding({
      id: 'jwt-profile-unknown',
      severity: 'info',
      title: 'could not tell which kind of token this is; only time claims were checked',
      detail: 'no nonce/fhirUser (id_token), no iss=sub with jti (client assertion), no scope/client_id (access token)',
      fix: 'Pass --profile id-token|client-assertion|access-token for the full rules.',
    }),
    ...lintAccessToken(token, { now }),
  ];
}

async function verifyTokens(ctx: CommandContext, jwts: Array<{ name: string; token: DecodedJwt }>, o: DecodeOptions, trace: Trace): Promise<{ findings: Finding[]; keySource: string; verified: Record<string, boolean> }> {
  const [{ HttpClient }, { loadJwks, jwksFromIssuer }, { verifySignature }] = await Promise.all([import('../http/client.js'), import('../flows/jwks.js'), import('../protocol/jwt/verify.js')]);
  const client = new HttpClient({ trace, timeoutMs: ctx.globals.timeoutMs, insecure: ctx.globals.insecure });
  const findings: Finding[] = [];
  try {
    let source;
    if (o.jwks !== undefined) source = await loadJwks(client, o.jwks);
    else if (o.issuer !== undefined) source = await jwksFromIssuer(client, o.issuer);
    else {
      const iss = jwts.map((j) => claimString(j.token.payload, 'iss')).find((i) => i !== undefined);
      if (iss === undefined || !/^https?:\/\//.test(iss)) {
        throw inputError('verify-source-missing', 'nothing to verify against: no --jwks, no --issuer, and the token has no http(s) iss', 'Pass --jwks <file|url> or --issuer <url>.');
      }
      ctx.narrate.step(`no --jwks or --issuer: using the key set of the token's own iss ${iss}`);
      source = await jwksFromIssuer(client, iss);
      findings.push(
        makeFinding({
          id: 'jwks-chosen-by-token',
          severity: 'warning',
          title: "the key set was chosen by the token's own iss",
          detail: `keys came from ${source.from}, found through iss "${iss}" inside the token itself; a forged token can name its own issuer`,
          fix: 'A valid signature proves something only if that iss is the issuer you expect: pass --issuer <expected issuer> (or --jwks) to pin it.',
          spec: 'oidc-id-token-validation',
        }),
      );
    }
    ctx.narrate.step(`verifying against ${source.jwks.keys.length} key(s) from ${source.from}`);
    const verified: Record<string, boolean> = {};
    for (const j of jwts) {
      const outcome = await verifySignature(j.token, source.jwks);
      verified[j.name] = outcome.verified;
      findings.push(...outcome.findings.map((f) => (jwts.length > 1 ? { ...f, title: `${j.name}: ${f.title}` } : f)));
    }
    return { findings, keySource: source.from, verified };
  } finally {
    await client.close();
  }
}

export async function decodeCommand(ctx: CommandContext, tokenArg: string | undefined, opts: Record<string, unknown>): Promise<Report> {
  const o = opts as DecodeOptions;
  const now = ctx.now();
  const text = await readArgument(ctx, tokenArg, 'token');
  const { tokens, response } = tokensFrom(text, o.profile);
  const findings: Finding[] = [];
  const sections: ReportSection[] = [];
  if (response !== undefined) {
    const rows = CONTEXT_FIELDS.filter((f) => response[f] !== undefined).map((f): [string, string] => [f, typeof response[f] === 'string' ? response[f] : JSON.stringify(response[f])]);
    const secrets = ['access_token', 'id_token', 'refresh_token'].filter((f) => response[f] !== undefined);
    sections.push({ title: 'Token response', rows, lines: [`holds: ${secrets.join(', ')}`] });
  }
  for (const t of tokens) {
    sections.push(...tokenSections(t, now));
    findings.push(...kindFinding(t));
    if (t.token.kind === 'jwt') {
      const lints = lintByProfile(t.token, t.profile, o, now);
      findings.push(...(tokens.length > 1 ? lints.map((f) => (f.title.includes(t.name) ? f : { ...f, title: `${t.name}: ${f.title}` })) : lints));
    }
  }
  const trace = new Trace();
  ctx.traceStarted?.(trace);
  let verification: { keySource: string; verified: Record<string, boolean> } | undefined;
  if (o.verify === true) {
    const jwts = tokens.flatMap((t) => (t.token.kind === 'jwt' ? [{ name: t.name, token: t.token }] : []));
    if (jwts.length === 0) throw inputError('nothing-to-verify', 'there is no signed JWT to verify (opaque or encrypted token)', 'Only signed JWTs (three parts) can be verified.');
    const result = await verifyTokens(ctx, jwts, o, trace);
    findings.push(...result.findings);
    verification = { keySource: result.keySource, verified: result.verified };
    sections.push({ title: 'Signature', rows: Object.entries(result.verified).map(([name, ok]): [string, string] => [name, ok ? `valid (keys from ${result.keySource})` : 'NOT verified']) });
  }
  const data: Record<string, unknown> = {
    tokens: tokens.map((t) => ({
      name: t.name,
      kind: t.token.kind,
      profile: t.profile ?? null,
      header: t.token.kind === 'opaque' ? null : t.token.header,
      claims: t.token.kind === 'jwt' ? t.token.payload : null,
    })),
  };
  if (response !== undefined) data['tokenResponse'] = response;
  if (verification !== undefined) data['verification'] = verification;
  const kinds = tokens.map((t) => `${t.name} (${t.token.kind})`).join(', ');
  return makeReport({ command: 'decode', findings, data, sections, summary: `decoded ${kinds}`, trace: trace.entries.length > 0 ? trace.entries : undefined });
}
