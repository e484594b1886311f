// smartctl jwt-assert: build a signed client assertion for private_key_jwt, or --check
// one. The assertion is the output the user asked for, so it is printed in full.
import { inputError, usageError } from '../errors.js';
import { makeFinding, type Finding } from '../report/finding.js';
import { makeReport, type Report, type ReportSection } from '../report/report.js';
import { Trace } from '../report/trace.js';
import { CLIENT_ASSERTION_TYPE, buildClientAssertion } from '../protocol/client-auth/private-key-jwt.js';
import { lintClientAssertion, MAX_ASSERTION_LIFETIME_SECONDS } from '../protocol/jwt/client-assertion.js';
import { decodeJwt, type DecodedJwt } from '../protocol/jwt/decode.js';
import { loadPrivateKey, publicJwks } from '../protocol/keys.js';
import { readTextFile } from '../flows/local-file.js';
import type { CommandContext } from './context.js';
import { readArgument } from './input.js';
import { applyProfile, type ProfiledOptions } from './profile-options.js';

interface AssertOptions extends Pick<ProfiledOptions, 'config' | 'profile'> {
  key?: string;
  kid?: string;
  clientId?: string;
  aud?: string;
  iss?: string;
  alg?: string;
  lifetime: number;
  jku?: string;
  force?: boolean;
  printJwks?: boolean;
  check?: string;
  jwks?: string;
}

function claimSections(token: DecodedJwt): ReportSection[] {
  return [
    { title: 'Header', rows: Object.entries(token.header).map(([k, v]): [string, string] => [k, String(v)]) },
    { title: 'Claims', rows: Object.entries(token.payload).map(([k, v]): [string, string] => [k, typeof v === 'string' ? v : JSON.stringify(v)]) },
  ];
}

/** An aud whose path does not look like a token endpoint is usually the FHIR base or the issuer. */
function audLooksWrong(aud: string): Finding[] {
  let pathname = '';
  try {
    pathname = new URL(aud).pathname;
  } catch {
    return [];
  }
  if (/token/i.test(pathname)) return [];
  return [
    makeFinding({
      id: 'assertion-aud-not-token-endpoint',
      severity: 'warning',
      title: 'aud does not look like a token endpoint',
      detail: `aud "${aud}" has no "token" in its path; the most common private_key_jwt mistake is an aud that is the FHIR base or the issuer`,
      fix: 'Use the token_endpoint from the server metadata (or pass --iss <fhir-base> to discover it).',
      spec: 'smart-client-assertion-claims',
    }),
  ];
}

async function discoverTokenEndpoint(ctx: CommandContext, iss: string, trace: Trace): Promise<{ tokenEndpoint: string; signingAlgs: string[]; findings: Finding[] }> {
  const [{ discover }, { HttpClient }] = await Promise.all([import('../flows/discovery.js'), import('../http/client.js')]);
  const client = new HttpClient({ trace, timeoutMs: ctx.globals.timeoutMs, insecure: ctx.globals.insecure });
  try {
    ctx.narrate.step(`discovering the token endpoint of ${iss}`);
    const result = await discover(client, iss);
    if (result.endpoints.token === undefined) {
      throw inputError('token-endpoint-not-found', `no token endpoint could be discovered from ${iss}`, 'Check the FHIR base URL, or pass --aud <token-url>.');
    }
    return { tokenEndpoint: result.endpoints.token, signingAlgs: result.signingAlgs, findings: result.findings.filter((f) => f.severity !== 'info') };
  } finally {
    await client.close();
  }
}

async function checkAssertion(ctx: CommandContext, o: AssertOptions): Promise<Report> {
  const text = await readArgument(ctx, o.check, 'assertion');
  const token = decodeJwt(text);
  if (token.kind !== 'jwt') throw inputError('malformed-jwt', `a client assertion is a signed JWT; this is ${token.kind === 'jwe' ? 'an encrypted JWE' : 'an opaque string'}`);
  const findings = lintClientAssertion(token, { clientId: o.clientId, tokenEndpoint: o.aud, now: ctx.now() });
  const trace = new Trace();
  ctx.traceStarted?.(trace);
  let verified: boolean | undefined;
  if (o.jwks !== undefined) {
    const [{ loadJwks }, { verifySignature }, { HttpClient }] = await Promise.all([import('../flows/jwks.js'), import('../protocol/jwt/verify.js'), import('../http/client.js')]);
    const client = new HttpClient({ trace, timeoutMs: ctx.globals.timeoutMs, insecure: ctx.globals.insecure });
    try {
      const source = await loadJwks(client, o.jwks);
      const outcome = await verifySignature(token, source.jwks);
      verified = outcome.verified;
      findings.push(...outcome.findings);
    } finally {
      await client.close();
    }
  }
  const sections = claimSections(token);
  if (verified !== undefined) sections.push({ title: 'Signature', lines: [verified ? `valid against ${o.jwks ?? ''}` : 'NOT verified'] });
  return makeReport({
    command: 'jwt-assert',
    findings,
    data: { mode: 'check', header: token.header, claims: token.payload, signatureVerified: verified ?? null },
    sections,
    summary: 'checked the client assertion',
    trace: trace.entries.length > 0 ? trace.entries : undefined,
  });
}

export async function jwtAssertCommand(ctx: CommandContext, opts: Record<string, unknown>): Promise<Report> {
  const given = opts as unknown as AssertOptions;
  // --aud (or --check) rules out an iss from SMARTCTL_ISS or the profile.
  const o = await applyProfile(ctx, given, given.aud === undefined && given.check === undefined ? ['iss', 'clientId', 'key', 'kid'] : ['clientId', 'key', 'kid']);
  if (o.check !== undefined) return checkAssertion(ctx, o);
  if (o.key === undefined) throw usageError('option-missing', 'missing --key <file> (PEM, JWK or JWKS with the private key)', 'Create one with: smartctl keygen --out my-app');
  if (o.clientId === undefined) throw usageError('option-missing', 'missing --client-id <id>');
  if ((o.aud === undefined) === (o.iss === undefined)) throw usageError('option-missing', 'give exactly one of --aud <token-url> or --iss <fhir-base>', '--iss discovers the token endpoint and uses it as aud.');
  if (o.lifetime > MAX_ASSERTION_LIFETIME_SECONDS && o.force !== true) {
    throw usageError('lifetime-too-long', `--lifetime ${o.lifetime} is over the ${MAX_ASSERTION_LIFETIME_SECONDS} s SMART allows`, 'Servers reject such assertions; pass --force to build one anyway (to test a server).');
  }
  const key = await loadPrivateKey(await readTextFile(o.key, 'key file'), { kid: o.kid, alg: o.alg });
  const trace = new Trace();
  ctx.traceStarted?.(trace);
  const findings: Finding[] = [];
  let tokenEndpoint = o.aud ?? '';
  let signingAlgs: string[] | undefined;
  if (o.iss !== undefined) {
    const discovered = await discoverTokenEndpoint(ctx, o.iss, trace);
    tokenEndpoint = discovered.tokenEndpoint;
    signingAlgs = discovered.signingAlgs;
    findings.push(...discovered.findings);
  } else {
    findings.push(...audLooksWrong(tokenEndpoint));
  }
  const now = ctx.now();
  const assertion = await buildClientAssertion({ key, clientId: o.clientId, tokenEndpoint, now, lifetimeSeconds: o.lifetime, jku: o.jku });
  const decoded = decodeJwt(assertion) as DecodedJwt;
  findings.push(...lintClientAssertion(decoded, { clientId: o.clientId, tokenEndpoint, now, allowedAlgs: signingAlgs }));
  if (signingAlgs !== undefined && signingAlgs.length > 0 && !signingAlgs.includes(key.alg)) {
    findings.push(
      makeFinding({
        id: 'assertion-alg-not-advertised',
        severity: 'warning',
        title: `the server does not list ${key.alg} for client assertions`,
        detail: `token_endpoint_auth_signing_alg_values_supported: ${JSON.stringify(signingAlgs)}`,
        fix: `Use a key for one of the listed algorithms (smartctl keygen --alg ${signingAlgs.includes('ES384') ? 'ES384' : 'RS384'}).`,
        spec: 'smart-client-assertion-claims',
      }),
    );
  }
  const formBody = `client_assertion_type=${encodeURIComponent(CLIENT_ASSERTION_TYPE)}&client_assertion=${assertion}`;
  const sections: ReportSection[] = [
    ...claimSections(decoded),
    { title: 'Client assertion', code: assertion, reveal: true },
    {
      title: 'Token request form body (application/x-www-form-urlencoded)',
      code: `grant_type=client_credentials&scope=<scopes>&${formBody}`,
      lines: ['Send these as form parameters in the POST body; never put the assertion in an Authorization header (servers answer 401 invalid_client).'],
      reveal: true,
    },
  ];
  const data: Record<string, unknown> = { mode: 'build', assertion, formBody, tokenEndpoint, alg: key.alg, kid: key.kid, header: decoded.header, claims: decoded.payload };
  if (o.printJwks === true) {
    data['jwks'] = publicJwks(key);
    sections.push({ title: 'Public JWKS to register', code: JSON.stringify(publicJwks(key), null, 2) });
  }
  return makeReport({
    command: 'jwt-assert',
    findings,
    data,
    sections,
    summary: `built an ${key.alg} client assertion for ${tokenEndpoint}`,
    trace: trace.entries.length > 0 ? trace.entries : undefined,
    unredacted: ['assertion', 'formBody'],
    // --quiet: the assertion alone on stdout, for ASSERTION=$(smartctl jwt-assert … --quiet); problems go to stderr. --json keeps its document.
    output: ctx.globals.quiet && !ctx.globals.json ? { field: 'assertion', value: assertion } : undefined,
  });
}
