// The local preflight of a client assertion that was sent (private_key_jwt): every check a
// server makes on it, each pass / fail / not checked. Opaque servers (Epic's invalid_client
// with error_description null, Cerner's bare URN) do not say which check failed; this does.
// The claim rules are protocol/jwt/client-assertion.ts (lintClientAssertion); the time
// checks use the server's own clock (the Date header of its answer) when the answer was
// saved, since the assertion was built long before `explain` runs.
import type { Finding } from '../../../report/finding.js';
import { headerValue } from '../../../report/trace.js';
import { decodeJwt, claimNumber, claimString, audiences, type DecodedJwt } from '../../../protocol/jwt/decode.js';
import { lintClientAssertion, MAX_ASSERTION_LIFETIME_SECONDS } from '../../../protocol/jwt/client-assertion.js';
import { formOf, type Evidence, type ResponseEvidence } from '../../evidence.js';
import { responsesAt } from '../../rule.js';

export type CheckName =
  | 'assertion-exp-too-long'
  | 'assertion-aud-mismatch'
  | 'assertion-kid-missing'
  | 'assertion-key-not-resolvable'
  | 'assertion-alg-unsupported'
  | 'assertion-jti-reused'
  | 'assertion-iss-sub-mismatch'
  | 'assertion-clock-skew'
  | 'assertion-expired';

export interface AssertionCheck {
  check: CheckName;
  status: 'pass' | 'fail' | 'not-checked';
  /** The finding id a failure proves (the check's own id, or a sibling: assertion-jti-missing ...). */
  findingId: string;
  title: string;
  detail: string;
}

export interface Preflight {
  response: ResponseEvidence;
  raw: string;
  /** Undefined when the assertion does not decode as a JWT. */
  token?: DecodedJwt | undefined;
  /** The assertion went as "Authorization: Bearer <jwt>", not in the form body. */
  inHeader: boolean;
  /** Which clock the time checks used, in words ("the server's Date header" ...), or undefined when none could be trusted. */
  clock?: string | undefined;
  checks: AssertionCheck[];
}

const JWT_IN_HEADER = /^Bearer\s+(eyJ[\w-]+\.[\w-]+\.[\w-]*)\s*$/i;

/** The assertion a token request carried: in its form body, as a Bearer header, or (saved evidence without the request) the one the user gave. */
export function assertionSentWith(e: Evidence, r: ResponseEvidence): { raw: string; inHeader: boolean } | undefined {
  const inBody = formOf(r.requestBody).get('client_assertion');
  if (inBody !== null && inBody !== '') return { raw: inBody, inHeader: false };
  const header = JWT_IN_HEADER.exec(headerValue(r.requestHeaders, 'authorization') ?? '')?.[1];
  if (header !== undefined) return { raw: header, inHeader: true };
  if (r.requestBody === undefined && e.sentClientAssertion !== undefined) return { raw: e.sentClientAssertion, inHeader: false };
  return undefined;
}

function decode(raw: string): DecodedJwt | undefined {
  try {
    const t = decodeJwt(raw);
    return t.kind === 'jwt' ? t : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The clock to judge exp/iat by: the server's Date header of this answer, else none. `now`
 * is when the diagnosis runs, which for a saved answer or a HAR is long after the request.
 */
function clockFor(r: ResponseEvidence): { seconds: number; words: string } | undefined {
  const date = headerValue(r.responseHeaders, 'date');
  const ms = date === undefined ? Number.NaN : Date.parse(date);
  return Number.isFinite(ms) ? { seconds: Math.floor(ms / 1000), words: `the server's clock (Date: ${date ?? ''})` } : undefined;
}

function pass(check: CheckName, detail: string): AssertionCheck {
  return { check, status: 'pass', findingId: check, title: '', detail };
}

function notChecked(check: CheckName, detail: string): AssertionCheck {
  return { check, status: 'not-checked', findingId: check, title: '', detail };
}

function fail(check: CheckName, f: Pick<Finding, 'id' | 'title' | 'detail'>): AssertionCheck {
  return { check, status: 'fail', findingId: f.id, title: f.title, detail: f.detail };
}

function fromLint(check: CheckName, lint: readonly Finding[], ids: readonly string[], passed: string): AssertionCheck {
  const f = lint.find((x) => ids.includes(x.id) && x.severity === 'error') ?? lint.find((x) => ids.includes(x.id));
  return f === undefined ? pass(check, passed) : fail(check, f);
}

function lifetimeCheck(token: DecodedJwt, clock: { seconds: number } | undefined): AssertionCheck {
  const exp = claimNumber(token.payload, 'exp');
  const iat = claimNumber(token.payload, 'iat');
  if (exp === undefined) return fail('assertion-exp-too-long', { id: 'assertion-exp-missing', title: 'the client assertion has no exp', detail: `exp: expected seconds since the epoch, got ${JSON.stringify(token.payload['exp'] ?? null)}` });
  if (exp > 1e12) return fail('assertion-exp-too-long', { id: 'assertion-exp-too-long', title: 'the client assertion exp is in milliseconds, not seconds', detail: `exp: ${exp} has 13 digits: milliseconds since the epoch, read as seconds it lies thousands of years ahead` });
  if (iat !== undefined && exp - iat > MAX_ASSERTION_LIFETIME_SECONDS) return fail('assertion-exp-too-long', { id: 'assertion-exp-too-long', title: 'the client assertion lives longer than 5 minutes', detail: `exp is ${Math.round(exp - iat)} s after iat; SMART allows at most ${MAX_ASSERTION_LIFETIME_SECONDS} s` });
  // An iat ahead of the server's clock is skew (its own check), not a long lifetime.
  const skewed = clock !== undefined && iat !== undefined && iat - clock.seconds > 5;
  if (clock !== undefined && !skewed && exp - clock.seconds > MAX_ASSERTION_LIFETIME_SECONDS) return fail('assertion-exp-too-long', { id: 'assertion-exp-too-long', title: 'the client assertion lives longer than 5 minutes', detail: `exp is ${Math.round(exp - clock.seconds)} s after the server's time; SMART allows at most ${MAX_ASSERTION_LIFETIME_SECONDS} s` });
  return pass('assertion-exp-too-long', iat !== undefined ? `exp is ${Math.round(exp - iat)} s after iat` : 'exp is present');
}

function skewCheck(token: DecodedJwt, clock: { seconds: number; words: string } | undefined): AssertionCheck {
  const iat = claimNumber(token.payload, 'iat');
  const nbf = claimNumber(token.payload, 'nbf');
  if (clock === undefined) return notChecked('assertion-clock-skew', 'no server Date header to compare iat/nbf with');
  for (const [name, v] of [['iat', iat], ['nbf', nbf]] as const) {
    // Date has 1 s resolution and servers allow a few seconds; beyond 5 s the clocks disagree.
    if (v !== undefined && v - clock.seconds > 5) return fail('assertion-clock-skew', { id: 'assertion-clock-skew', title: `the client assertion ${name} is ahead of the server's clock`, detail: `${name} is ${Math.round(v - clock.seconds)} s after ${clock.words}` });
  }
  return pass('assertion-clock-skew', iat === undefined ? 'no iat' : `iat is ${Math.round(clock.seconds - iat)} s before ${clock.words}`);
}

function expiredCheck(token: DecodedJwt, clock: { seconds: number; words: string } | undefined): AssertionCheck {
  const exp = claimNumber(token.payload, 'exp');
  if (exp === undefined || clock === undefined) return notChecked('assertion-expired', clock === undefined ? 'no server Date header to compare exp with' : 'no exp');
  if (exp + 5 < clock.seconds) return fail('assertion-expired', { id: 'assertion-expired', title: 'the client assertion had expired when the server read it', detail: `exp is ${Math.round(clock.seconds - exp)} s before ${clock.words}` });
  return pass('assertion-expired', `exp is ${Math.round(exp - clock.seconds)} s after ${clock.words}`);
}

/**
 * A signed alg with no signature: the assertion was rebuilt from the marker of a HAR smartctl
 * wrote (src/har/jwt-marker.ts), which keeps iss, aud and the times but withholds sub and jti.
 */
function rebuiltFromMarker(token: DecodedJwt): boolean {
  return token.signature === '' && token.header['alg'] !== 'none';
}

const WITHHELD = 'not in the HAR: smartctl redacts the assertion and keeps only its header, iss, aud and times';

function jtiCheck(e: Evidence, r: ResponseEvidence, token: DecodedJwt, raw: string): AssertionCheck {
  const jti = claimString(token.payload, 'jti');
  if (rebuiltFromMarker(token) && jti === undefined) return notChecked('assertion-jti-reused', `jti ${WITHHELD}`);
  if (jti === undefined || jti === '') return fail('assertion-jti-reused', { id: 'assertion-jti-missing', title: 'the client assertion has no jti', detail: `jti: expected a unique string, got ${JSON.stringify(token.payload['jti'] ?? null)}; servers refuse assertions they cannot tell apart` });
  const before = responsesAt(e, 'token').slice(0, responsesAt(e, 'token').indexOf(r));
  for (const earlier of before) {
    const sent = assertionSentWith(e, earlier);
    if (sent === undefined) continue;
    const other = sent.raw === raw ? token : decode(sent.raw);
    if (other !== undefined && claimString(other.payload, 'jti') === jti && claimString(other.payload, 'iss') === claimString(token.payload, 'iss')) {
      return fail('assertion-jti-reused', { id: 'assertion-jti-reused', title: 'the same client assertion jti was sent twice', detail: `jti "${jti}" was already sent in an earlier token request${earlier.exchangeId !== undefined ? ` (exchange ${earlier.exchangeId}, HTTP ${earlier.status})` : ''}${sent.raw === raw ? '; the whole assertion was reused' : ''}` });
    }
  }
  return pass('assertion-jti-reused', `jti "${jti}" not seen before in this evidence`);
}

function keyCheck(token: DecodedJwt): AssertionCheck {
  const jku = token.header['jku'];
  if (typeof jku === 'string' && !/^https:\/\//i.test(jku)) return fail('assertion-key-not-resolvable', { id: 'assertion-key-not-resolvable', title: 'the client assertion jku is not an https URL', detail: `jku: expected the https URL of the registered JWKS, got "${jku}"` });
  return notChecked('assertion-key-not-resolvable', `needs the JWKS registered for the client (kid ${JSON.stringify(token.header['kid'] ?? null)}${typeof jku === 'string' ? `, jku "${jku}"` : ''}): smartctl jwt-assert --check <assertion> --jwks <registered JWKS URL>`);
}

function audCheck(token: DecodedJwt, lint: readonly Finding[], tokenEndpoint: string | undefined): AssertionCheck {
  const c = fromLint('assertion-aud-mismatch', lint, ['assertion-aud-mismatch', 'assertion-aud-not-https-url'], `aud is "${tokenEndpoint ?? ''}"`);
  const aud = audiences(token.payload);
  if (c.status === 'pass' && tokenEndpoint === undefined) return notChecked('assertion-aud-mismatch', `aud ${aud.map((a) => `"${a}"`).join(', ') || 'none'}; the token URL posted to is unknown (give --token-url or the request URL)`);
  if (c.status === 'fail' && tokenEndpoint !== undefined) {
    const near = aud.find((a) => a.replace(/\/+$/, '').toLowerCase() === tokenEndpoint.replace(/\/+$/, '').toLowerCase());
    if (near !== undefined) return { ...c, detail: `${c.detail}; it differs only by case or a trailing slash, and servers compare the exact string` };
    const issuerForm = aud.find((a) => a !== tokenEndpoint && tokenEndpoint.startsWith(a.replace(/\/+$/, '')));
    if (issuerForm !== undefined) return { ...c, detail: `${c.detail}; "${issuerForm}" is the issuer form: strict OpenID Connect / FAPI servers want it, SMART servers want the token URL` };
  }
  return c;
}

/** Every check of the assertion sent with this token request; undefined when no assertion is known for it. */
export function preflight(e: Evidence, r: ResponseEvidence): Preflight | undefined {
  const sent = assertionSentWith(e, r);
  if (sent === undefined) return undefined;
  const token = decode(sent.raw);
  const clock = clockFor(r);
  if (token === undefined) return { response: r, raw: sent.raw, inHeader: sent.inHeader, clock: clock?.words, checks: [] };
  const iat = claimNumber(token.payload, 'iat');
  const exp = claimNumber(token.payload, 'exp');
  // Without a trusted clock the claim rules run "at" iat, so only the time-free rules can fail.
  const at = clock !== undefined ? new Date(clock.seconds * 1000) : new Date((iat ?? exp ?? 0) * 1000);
  const lint = lintClientAssertion(token, { clientId: e.clientId, tokenEndpoint: e.tokenEndpoint ?? r.url, now: at });
  const checks: AssertionCheck[] = [
    lifetimeCheck(token, clock),
    audCheck(token, lint, e.tokenEndpoint ?? r.url),
    fromLint('assertion-kid-missing', lint, ['assertion-kid-missing'], `kid "${String(token.header['kid'])}"`),
    keyCheck(token),
    fromLint('assertion-alg-unsupported', lint, ['jwt-alg-none', 'assertion-alg-unsupported'], `alg ${String(token.header['alg'])}`),
    jtiCheck(e, r, token, sent.raw),
    rebuiltFromMarker(token) && token.payload['sub'] === undefined ? notChecked('assertion-iss-sub-mismatch', `sub ${WITHHELD}`) : fromLint('assertion-iss-sub-mismatch', lint, ['assertion-iss-sub-mismatch'], `iss and sub are "${claimString(token.payload, 'iss') ?? ''}"${e.clientId !== undefined ? ', the client id' : ''}`),
    skewCheck(token, clock),
    expiredCheck(token, clock),
  ];
  return { response: r, raw: sent.raw, token, inHeader: sent.inHeader, clock: clock?.words, checks };
}

/** One line per check, for a finding's detail. */
export function checkLines(p: Preflight): string {
  if (p.token === undefined) return 'local preflight: the assertion sent is not a well-formed JWT (three base64url parts with JSON header and claims)';
  const mark = { pass: 'pass', fail: 'FAIL', 'not-checked': 'not checked' } as const;
  return ['local preflight of the assertion sent:', ...p.checks.map((c) => `  ${mark[c.status]}  ${c.check}: ${c.status === 'fail' ? `${c.title}: ${c.detail}` : c.detail}`)].join('\n');
}

/** Token answers that refuse the client's authentication (where an assertion check can be the cause). */
export function refusesClient(r: ResponseEvidence): boolean {
  if (r.endpoint !== 'token' || r.status < 400 || r.status >= 500) return false;
  const error = r.oauthError?.error;
  return error === undefined ? r.status === 401 || r.status === 400 : ['invalid_client', 'unauthorized_client', 'invalid_request'].includes(error);
}
