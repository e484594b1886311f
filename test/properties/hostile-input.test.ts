// Property: whatever a server or a user hands smartctl (random and deeply nested JSON,
// huge documents, control characters, broken URLs), decode, diff-scopes, explain and
// discover (against a hostile static server) answer with a verdict or a typed error in
// both the human view and --json (one JSON document, an error document for exit 2 and 3),
// never an internal error (exit 70), and no output carries a raw control character.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough, Writable } from 'node:stream';
import fc from 'fast-check';
import { main } from '../../src/cli/main.js';
import { startStaticServer, type StaticServer } from '../helpers/static-server.js';

class Collect extends Writable {
  text = '';
  isTTY = false;
  override _write(chunk: Buffer, _enc: string, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

async function run(argv: string[], stdin = ''): Promise<Outcome> {
  const input = Object.assign(new PassThrough(), { isTTY: false });
  input.end(stdin);
  const stdout = new Collect();
  const stderr = new Collect();
  const code = await main(argv, { env: { NO_COLOR: '1', CI: '1' }, stdin: input, stdout, stderr });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

/** Runs the command in the human view and with --json; checks what both must hold. */
async function check(argv: string[], stdin = ''): Promise<void> {
  const human = await run(argv, stdin);
  const what = `smartctl ${argv.map((a) => JSON.stringify(a.length > 200 ? `${a.slice(0, 200)}…` : a)).join(' ')}`;
  assert.notEqual(human.code, 70, `${what}: internal error\n${human.stderr.slice(0, 2000)}`);
  assert.ok([0, 1, 2, 3].includes(human.code), `${what}: exit ${human.code}`);
  assert.equal(RAW_CONTROL.exec(human.stdout + human.stderr), null, `${what}: raw control character in the human view`);
  const json = await run(['--json', ...argv], stdin);
  assert.notEqual(json.code, 70, `${what} --json: internal error\n${json.stderr.slice(0, 2000)}`);
  assert.equal(RAW_CONTROL.exec(json.stderr), null, `${what} --json: raw control character on stderr`);
  // One JSON document in every outcome; an error (exit 2 or 3) is an error document.
  let doc: { ok?: unknown; error?: { code?: unknown } } = {};
  assert.doesNotThrow(() => (doc = JSON.parse(json.stdout) as typeof doc), `${what} --json: stdout is not one JSON document`);
  assert.equal(RAW_CONTROL.exec(json.stdout), null, `${what} --json: raw control character`);
  if (json.code === 2 || json.code === 3) {
    assert.equal(doc.ok, false, `${what} --json: an error document says ok: false`);
    assert.equal(typeof doc.error?.code, 'string', `${what} --json: an error document names its code`);
  }
}

const CONTROL = fc.integer({ min: 0, max: 0x9f }).filter((c) => c < 0x20 || c >= 0x7f).map((c) => String.fromCharCode(c));
/** Strings with control characters and escape sequences mixed in. */
const hostileString = fc.array(fc.oneof(fc.string({ maxLength: 8 }), CONTROL, fc.constantFrom('\u001b]52;c;aGk=\u0007', '\u001b[2J', '\u009b31m', '%00', '%zz', '\\u0000')), { maxLength: 8 }).map((p) => p.join(''));
/** Nested arrays/objects 1 to 20 000 deep, with a hostile leaf. */
const deepJson = fc.record({ depth: fc.integer({ min: 1, max: 20_000 }), object: fc.boolean(), leaf: hostileString }).map(({ depth, object, leaf }) => {
  const open = object ? '{"a":' : '[';
  const close = object ? '}' : ']';
  return `${open.repeat(depth)}${JSON.stringify(leaf)}${close.repeat(depth)}`;
});
const randomJson = fc.jsonValue({ maxDepth: 6 }).map((v) => JSON.stringify(v));
const jsonText = fc.oneof(randomJson, deepJson, hostileString, fc.constantFrom('{', '[]', 'null', '{"access_token":', '1e400', '"\\ud800"'));
const brokenUrl = fc.oneof(fc.webUrl(), hostileString, fc.constantFrom('http://[::1', 'file:///etc/passwd', 'javascript:alert(1)', 'https://', 'http://a b/', 'https://x.example/authorize?to=%E0%A4%A', '//no-scheme', 'http://127.0.0.1:99999/'));
/** A token response or JWT claims object built around a hostile member. */
const tokenResponseText = fc.record({ extra: jsonText, name: fc.constantFrom('scope', 'patient', 'access_token', 'id_token', 'expires_in', 'fhirContext', 'x') }).map(({ extra, name }) => {
  const value = (() => {
    try {
      JSON.parse(extra);
      return extra;
    } catch {
      return JSON.stringify(extra);
    }
  })();
  return `{"access_token":"abc","token_type":"Bearer","scope":"openid launch/patient","${name}":${value}}`;
});
const b64 = (s: string): string => Buffer.from(s).toString('base64url');
const jwtText = fc.record({ header: fc.oneof(fc.constant('{"alg":"RS256","typ":"JWT"}'), jsonText), payload: fc.oneof(jsonText, tokenResponseText, fc.constantFrom('{"exp":1e13,"iat":-1e300,"nbf":"x"}', '{"exp":1e400}')) }).map(({ header, payload }) => `${b64(header)}.${b64(payload)}.c2ln`);

/** Runs per property (each runs the command twice); HOSTILE_RUNS=400 for a longer hunt. */
const RUNS = Number(process.env['HOSTILE_RUNS'] ?? 40);

test('decode: random, nested and hostile tokens and token responses never give exit 70', async () => {
  await fc.assert(
    fc.asyncProperty(fc.oneof(jwtText, tokenResponseText, jsonText, hostileString), async (token) => {
      await check(['decode', '-'], token);
    }),
    { numRuns: RUNS },
  );
});

test('diff-scopes: hostile scope strings and token responses never give exit 70', async () => {
  await fc.assert(
    fc.asyncProperty(fc.oneof(hostileString, tokenResponseText), fc.oneof(hostileString, tokenResponseText, jsonText), async (requested, granted) => {
      await check(['diff-scopes', requested, '-'], granted);
    }),
    { numRuns: RUNS },
  );
});

test('explain: hostile bodies, token responses, headers and broken URLs never give exit 70', async () => {
  const args = fc.record(
    {
      status: fc.integer({ min: 100, max: 599 }),
      body: fc.oneof(jsonText, tokenResponseText, hostileString),
      header: hostileString.map((v) => `WWW-Authenticate: Bearer error="${v}"`),
      tokenResponse: tokenResponseText,
      url: brokenUrl,
      endpoint: fc.constantFrom('token', 'authorize', 'fhir', 'discovery'),
      requestedScope: hostileString,
    },
    { requiredKeys: [] },
  );
  await fc.assert(
    fc.asyncProperty(args, async (a) => {
      const argv = ['explain'];
      if (a.status !== undefined) argv.push('--status', String(a.status));
      if (a.body !== undefined) argv.push('--body', a.body.startsWith('@') || a.body === '-' ? ` ${a.body}` : a.body);
      if (a.header !== undefined) argv.push('--header', a.header);
      if (a.tokenResponse !== undefined) argv.push('--token-response', a.tokenResponse);
      if (a.url !== undefined) argv.push('--url', a.url.startsWith('@') || a.url === '-' ? ` ${a.url}` : a.url);
      if (a.endpoint !== undefined) argv.push('--endpoint', a.endpoint);
      if (a.requestedScope !== undefined && !a.requestedScope.startsWith('-')) argv.push('--requested-scope', a.requestedScope);
      await check(argv);
    }),
    { numRuns: RUNS },
  );
});

describe('discover against a hostile server', () => {
  let server: StaticServer;
  before(async () => {
    server = await startStaticServer();
  });
  after(async () => {
    await server.close();
  });

  const document = fc.oneof(jsonText, tokenResponseText, fc.constantFrom('<html>login</html>', ''), fc.record({ issuer: brokenUrl, authorization_endpoint: brokenUrl, token_endpoint: brokenUrl, jwks_uri: brokenUrl, capabilities: fc.array(hostileString, { maxLength: 5 }), code_challenge_methods_supported: fc.oneof(fc.array(hostileString), hostileString) }, { requiredKeys: [] }).map((d) => JSON.stringify(d)));
  const route = fc.record({ status: fc.constantFrom(200, 200, 200, 302, 404, 500), body: document, location: brokenUrl });

  test('discover against a hostile static server: any documents and redirects, never exit 70', async () => {
    await fc.assert(
      fc.asyncProperty(fc.record({ smart: route, metadata: route, oidc: route, jwks: route }), async (r) => {
        const set = (p: string, x: { status: number; body: string; location: string }): void =>
          server.setRoute(p, { status: x.status, body: x.body.replaceAll('{{origin}}', server.origin), headers: { 'content-type': 'application/json', ...(x.status === 302 ? { location: x.location.replace(/[^\x21-\x7e]/g, '') || '/' } : {}) } });
        set('/fhir/.well-known/smart-configuration', r.smart);
        set('/fhir/metadata', r.metadata);
        set('/fhir/.well-known/openid-configuration', r.oidc);
        set('/jwks', r.jwks);
        await check(['discover', `${server.url}/fhir`]);
      }),
      { numRuns: RUNS },
    );
  });

  test('token against a hostile token endpoint: any body with any status, never exit 70', async () => {
    await fc.assert(
      fc.asyncProperty(fc.record({ status: fc.constantFrom(200, 200, 400, 401, 500), body: fc.oneof(document, tokenResponseText) }), async (r) => {
        server.setRoute('/token', { status: r.status, body: r.body, headers: { 'content-type': 'application/json' } });
        await check(['token', '--grant', 'client_credentials', '--token-url', `${server.url}/token`, '--client-id', 'svc', '--client-secret', 'not-secret', '--auth-method', 'client_secret_post']);
      }),
      { numRuns: RUNS },
    );
  });

  test('discover: a 9.5 MB smart-configuration with 400 000 capabilities renders cut with a count', async () => {
    const capabilities = Array.from({ length: 400_000 }, (_, i) => `cap-${i}`);
    server.setRoute('/big/.well-known/smart-configuration', (origin) => ({ body: { issuer: `${origin}/oidc`, authorization_endpoint: `${origin}/authorize`, token_endpoint: `${origin}/token`, capabilities } }));
    const human = await run(['discover', `${server.url}/big`]);
    assert.notEqual(human.code, 70, human.stderr);
    assert.match(human.stdout, /… and [\d ]+ more/);
    assert.ok(human.stdout.length < 1_000_000, `human view is ${human.stdout.length} characters`);
  });
});
