// Fuzz: discover and token (in process) against a hostile HTTP server on 127.0.0.1 whose
// answers fast-check generates per run: any status line (1xx to 5xx and odd ones), any
// headers (content-type variants, huge and duplicate ones, WWW-Authenticate garbage,
// Location loops), any body (hostile JSON, JSON shaped like discovery documents or token
// responses, HTML, truncated JSON, control and bidi characters, long strings, deep
// nesting), a Content-Length that lies. The server writes the bytes itself on the socket,
// so nothing a real server can send is ruled out by node:http's own checks.
// Property: a report or a typed error, never another exception; the human view has no raw
// control or bidi character; --json parses back; the client secret given to token is in
// no rendering and no error message, even when the server echoes the request back.
import { test } from 'node:test';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { discoverCommand } from '../../src/commands/discover.js';
import { tokenCommand } from '../../src/commands/token.js';
import { deepJsonText, expectReportOrTypedError, fuzzContext, hostileJson, hostileString, jsonText, secret, show } from './fuzz-kit.js';

const RUNS = Number(process.env['FUZZ_RUNS'] ?? 150);
/** Replaced by the server's origin when it answers (so documents point back at it). */
const O = '\u0001ORIGIN\u0001';

interface Answer {
  status: number | string;
  reason: string;
  headers: Array<[string, string]>;
  body: string | Uint8Array;
  length: 'exact' | 'short' | 'none' | 'twice';
  /** Append the request (line, headers, body) to the body: a server that echoes what it got. */
  echo: boolean;
}
type Plan = Partial<Record<'smart' | 'metadata' | 'oidc' | 'jwks' | 'token' | 'other', Answer>>;

const statusArb = fc.oneof({ weight: 6, arbitrary: fc.integer({ min: 100, max: 599 }) }, { weight: 6, arbitrary: fc.constantFrom(200, 200, 200, 400, 401, 301, 302, 307, 308, 500, 503, 204, 304) }, { weight: 1, arbitrary: fc.constantFrom(0, 99, 600, 999, 1000, 2147483648, '2OO', '', ' 200', '200 ') });
const urlValue = fc.oneof(fc.constantFrom(`${O}/fhir/.well-known/smart-configuration`, `${O}/fhir/metadata`, `${O}/token`, `${O}/jwks`, `${O}/`, '/fhir/.well-known/smart-configuration', '//evil.example/x', 'javascript:alert(1)', `${O}/fhir/.well-known/smart-configuration?loop=1`), hostileString);
const headerArb = fc.oneof(
  fc.tuple(fc.constant('Content-Type'), fc.oneof(fc.constantFrom('application/json', 'application/json; charset=utf-8', 'application/fhir+json', 'application/jwk-set+json', 'text/html', 'text/plain', 'application/json; charset=utf-16', 'application/x-www-form-urlencoded', 'application/jsonx', '', 'application/json, text/html', 'APPLICATION/JSON;;;'), hostileString)).map((h) => [h]),
  fc.tuple(fc.constant('Location'), urlValue).map((h) => [h]),
  fc.tuple(fc.constant('WWW-Authenticate'), fc.oneof(hostileString, hostileString.map((v) => `Bearer realm="${v}", error="invalid_token", error_description="${v}"`), fc.constantFrom('Bearer', 'Bearer error=', 'Basic realm="\u001b[2J"', 'Bearer error="invalid_token", error_description="\u202eevil"', 'Negotiate, Bearer ,,,'))).map((h) => [h]),
  fc.tuple(fc.constantFrom('Content-Type', 'WWW-Authenticate', 'Location', 'Set-Cookie', 'X-Request-Id'), hostileString, fc.integer({ min: 2, max: 30 })).map(([n, v, k]) => Array.from({ length: k }, (_, i): [string, string] => [n, `${v}${i}`])),
  fc.tuple(fc.constantFrom('X-Big', 'WWW-Authenticate', 'Content-Type', 'Location'), fc.constantFrom('a', '\u001b', '\u202e', 'é'), fc.integer({ min: 1000, max: 40_000 })).map(([n, c, k]) => [[n, c.repeat(k)]]),
  fc.tuple(fc.constantFrom('__proto__', 'constructor', 'toString', 'Content-Encoding', 'Transfer-Encoding', 'Retry-After', 'Cache-Control', 'Connection'), hostileString).map((h) => [h]),
  fc.tuple(hostileString, hostileString).map((h) => [h]),
) as fc.Arbitrary<Array<[string, string]>>;
/** What an HTTP parser accepts in a header value (tab, printable ASCII, obs-text bytes, which undici reads as latin1: C1 controls included). */
const parsable = (s: string): string => s.replace(/[^\t\x20-\x7e\x80-\xff]/g, '?');
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Headers a parser takes, so most runs get past the HTTP layer to the documents and the diagnosis. */
const parsableHeaders = fc.array(headerArb, { maxLength: 4 }).map((hs) => hs.flat().filter(([n]) => TOKEN.test(n)).map(([n, val]): [string, string] => [n, parsable(val)]));

/** A document shaped like a discovery answer, every member hostile or pointing back at the server. */
const v = fc.oneof({ weight: 3, arbitrary: hostileString }, { weight: 2, arbitrary: urlValue }, { weight: 1, arbitrary: hostileJson });
const list = fc.oneof(fc.array(fc.oneof(hostileString, fc.constantFrom('launch-ehr', 'client-public', 'S256', 'plain', 'client_secret_basic', 'private_key_jwt', 'RS256', 'openid', 'fhirUser', 'authorization_code', 'permission-v2', 'sso-openid-connect')), { maxLength: 6 }), v);
const smartDoc = fc.record({ issuer: fc.oneof(fc.constantFrom(O, `${O}/fhir`), v), authorization_endpoint: v, token_endpoint: fc.oneof(fc.constant(`${O}/token`), v), jwks_uri: fc.oneof(fc.constant(`${O}/jwks`), v), capabilities: list, code_challenge_methods_supported: list, grant_types_supported: list, scopes_supported: list, token_endpoint_auth_methods_supported: list, token_endpoint_auth_signing_alg_values_supported: list, response_types_supported: list, introspection_endpoint: v, revocation_endpoint: v, management_endpoint: v, constructor: v }, { requiredKeys: [] });
const capabilityStatement = fc.record({ resourceType: fc.oneof(fc.constant('CapabilityStatement'), v), fhirVersion: v, rest: fc.oneof(fc.array(fc.record({ mode: fc.oneof(fc.constant('server'), v), security: fc.oneof(fc.record({ service: v, extension: fc.oneof(fc.array(fc.record({ url: fc.oneof(fc.constant('http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris'), v), extension: fc.oneof(fc.array(fc.record({ url: fc.oneof(fc.constantFrom('authorize', 'token', 'register', 'manage'), v), valueUri: v }, { requiredKeys: [] }), { maxLength: 4 }), v) }, { requiredKeys: [] }), { maxLength: 3 }), v) }, { requiredKeys: [] }), v) }, { requiredKeys: [] }), { maxLength: 2 }), v) }, { requiredKeys: [] });
const jwksDoc = fc.record({ keys: fc.oneof(fc.array(fc.record({ kty: fc.oneof(fc.constantFrom('RSA', 'EC', 'oct', 'OKP'), v), kid: v, alg: v, use: v, n: v, e: v, crv: v, x: v, y: v, k: v, d: v }, { requiredKeys: [] }), { maxLength: 4 }), v) }, { requiredKeys: [] });
const tokenDoc = fc.record({ access_token: fc.oneof(fc.constantFrom('eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.', 'eyJhbGciOiJSUzI1NiJ9.e30.c2ln', 'opaque-access-token-value-1234'), v), token_type: fc.oneof(fc.constantFrom('Bearer', 'bearer', 'DPoP', 'mac'), v), expires_in: fc.oneof(fc.integer(), v), scope: v, patient: v, encounter: v, id_token: v, refresh_token: v, error: fc.oneof(fc.constantFrom('invalid_client', 'invalid_grant', 'invalid_scope', 'unauthorized_client'), v), error_description: v, error_uri: v }, { requiredKeys: [] });

const shaped = fc.oneof(smartDoc, capabilityStatement, jwksDoc, tokenDoc).map((o) => JSON.stringify(o));
const bodyArb: fc.Arbitrary<string | Uint8Array> = fc.oneof(
  { weight: 5, arbitrary: shaped },
  { weight: 3, arbitrary: jsonText },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((j) => JSON.stringify(j)) },
  { weight: 1, arbitrary: shaped.chain((s) => fc.integer({ min: 0, max: Math.max(0, s.length - 1) }).map((n) => s.slice(0, n))) },
  { weight: 1, arbitrary: hostileString.map((s) => `<!doctype html><html><head><title>${s}</title></head><body><h1>Sign in</h1>${s}</body></html>`) },
  { weight: 1, arbitrary: deepJsonText },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('\u001b[31m', '\u202e', 'x', '"', '\u0000'), fc.integer({ min: 1000, max: 200_000 })).map(([c, k]) => JSON.stringify({ issuer: c.repeat(k), token_endpoint: `${O}/token`, error_description: c.repeat(k) })) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }) },
  { weight: 1, arbitrary: hostileString },
);
const answerArb: fc.Arbitrary<Answer> = fc.record({
  status: statusArb,
  reason: fc.oneof(fc.constant('OK'), hostileString.map(parsable), hostileString.map((s) => s.replace(/[\r\n]/g, ''))),
  headers: fc.oneof({ weight: 4, arbitrary: parsableHeaders }, { weight: 1, arbitrary: fc.array(headerArb, { maxLength: 4 }).map((hs) => hs.flat()) }),
  body: bodyArb,
  length: fc.constantFrom('exact', 'exact', 'exact', 'exact', 'exact', 'exact', 'short', 'none', 'twice'),
  echo: fc.boolean(),
});
const planArb: fc.Arbitrary<Plan> = fc.record({ smart: answerArb, metadata: answerArb, oidc: answerArb, jwks: answerArb, token: answerArb, other: answerArb }, { requiredKeys: [] });

function route(url: string): keyof Plan {
  const p = url.split('?')[0] ?? '';
  if (p.endsWith('/smart-configuration')) return 'smart';
  if (p.endsWith('/openid-configuration')) return 'oidc';
  if (p.endsWith('/metadata')) return 'metadata';
  if (p.endsWith('/jwks')) return 'jwks';
  if (p.endsWith('/token')) return 'token';
  return 'other';
}

/** One server for the whole file; each run swaps the plan it answers from. */
async function startHostileServer(): Promise<{ origin: string; setPlan(p: Plan): void; close(): Promise<void> }> {
  let plan: Plan = {};
  const server = http.createServer({ maxHeaderSize: 1 << 20 }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const a = plan[route(req.url ?? '/')];
      if (a === undefined) {
        res.writeHead(404, { 'content-type': 'text/plain', connection: 'close' }).end('not here');
        return;
      }
      const fill = (s: string): string => s.split(O).join(origin);
      let body = typeof a.body === 'string' ? Buffer.from(fill(a.body)) : Buffer.from(a.body);
      if (a.echo) body = Buffer.concat([body, Buffer.from(`\n${req.method ?? ''} ${req.url ?? ''}\n${req.rawHeaders.join(': ')}\n`), ...chunks]);
      const lines = [`HTTP/1.1 ${a.status} ${a.reason}`, ...a.headers.map(([n, val]) => `${n}: ${fill(val)}`), 'Connection: close'];
      if (a.length === 'exact') lines.push(`Content-Length: ${body.length}`);
      if (a.length === 'short') lines.push(`Content-Length: ${body.length + 10}`);
      if (a.length === 'twice') lines.push(`Content-Length: ${body.length}`, `Content-Length: ${body.length + 1}`);
      const sock = req.socket;
      sock.end(Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), body]));
      res.on('error', () => undefined);
    });
  });
  server.on('clientError', (_e, s) => s.destroy());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    setPlan: (p) => (plan = p),
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

test('discover: generated hostile discovery answers give a report or a typed error, and render safely', async () => {
  const server = await startHostileServer();
  try {
    await fc.assert(
      fc.asyncProperty(planArb, fc.constantFrom('/fhir', '/fhir/', ''), async (plan, base) => {
        server.setPlan(plan);
        await expectReportOrTypedError(`discover ${show(plan)}`, () => discoverCommand(fuzzContext(), `${server.origin}${base}`));
      }),
      { numRuns: RUNS },
    );
  } finally {
    await server.close();
  }
});

test('token: generated hostile token (and discovery) answers give a report or a typed error; the client secret is in no output', async () => {
  const server = await startHostileServer();
  try {
    const opts = fc.record({
      grant: fc.constantFrom('client_credentials', 'authorization_code', 'refresh_token'),
      via: fc.constantFrom('tokenUrl', 'iss'),
      authMethod: fc.constantFrom('client_secret_basic', 'client_secret_post'),
      clientId: fc.oneof(fc.constant('app'), hostileString.filter((s) => s !== '')),
      scope: fc.option(fc.oneof(fc.constantFrom('system/*.rs', 'openid fhirUser launch/patient patient/*.read'), hostileString), { nil: undefined }),
      clientSecret: secret,
    });
    await fc.assert(
      fc.asyncProperty(planArb, opts, async (plan, o) => {
        server.setPlan(plan);
        const args: Record<string, unknown> = { grant: o.grant, clientId: o.clientId, clientSecret: o.clientSecret, authMethod: o.authMethod };
        if (o.via === 'tokenUrl') args['tokenUrl'] = `${server.origin}/token`;
        else args['iss'] = `${server.origin}/fhir`;
        if (o.scope !== undefined) args['scope'] = o.scope;
        if (o.grant === 'authorization_code') Object.assign(args, { code: 'the-code-123', redirectUri: 'http://127.0.0.1:1/cb', codeVerifier: 'v'.repeat(43) });
        if (o.grant === 'refresh_token') args['refreshToken'] = 'the-refresh-token';
        await expectReportOrTypedError(`token ${show(args)} ${show(plan)}`, () => tokenCommand(fuzzContext(), args), [o.clientSecret]);
      }),
      { numRuns: RUNS },
    );
  } finally {
    await server.close();
  }
});
