// explainCommand in-process: the report for each kind of evidence, and typed errors for bad input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { explainCommand, parseHeaders } from '../../src/commands/explain.js';
import type { CommandContext } from '../../src/commands/context.js';
import { isSmartctlError } from '../../src/errors.js';
import { NOW, NOW_S, unsignedJwt } from '../helpers/jwt.js';

function context(stdin = ''): CommandContext {
  return {
    globals: { json: false, color: false, verbose: false, quiet: false, debug: false, showSecrets: false, timeoutMs: 3000, insecure: false, noInput: true },
    env: {},
    cwd: process.cwd(),
    cacheDir: os.tmpdir(),
    narrate: { step: () => undefined, info: () => undefined, warn: () => undefined, action: () => undefined },
    now: () => NOW,
    interactive: false,
    stdinIsTTY: false,
    readStdin: () => Promise.resolve(stdin),
    print: () => undefined,
    untilInterrupted: () => Promise.resolve(),
  };
}

const SEED = '{"error":"invalid_client","error_uri":"https://authorization.cerner.com/errors/urn%3Acerner%3Aerror%3Aauthorization-server%3Aoauth2%3Atoken%3Ainvalid-authorization-header/instances/5e1f?client=unknown&tenant=ec2458f2"}';

async function rejectsWith(p: Promise<unknown>, kind: string, code: string): Promise<void> {
  await assert.rejects(p, (e: unknown) => isSmartctlError(e) && e.kind === kind && e.code === code);
}

test('the seed case: client-assertion-in-authorization-header, with the evidence rows', async () => {
  const r = await explainCommand(context(), { status: 401, body: SEED });
  assert.deepEqual(r.findings.map((f) => f.id), ['client-assertion-in-authorization-header']);
  assert.equal(r.ok, false);
  const rows = r.sections?.[0]?.rows ?? [];
  assert.deepEqual(rows.find(([k]) => k === 'endpoint'), ['endpoint', 'token']);
  assert.match(r.findings[0]?.fix ?? '', /client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer/);
});

test('the assertion the app sent is checked when given as a request header', async () => {
  const assertion = unsignedJwt({ iss: 'app', sub: 'other', aud: 'https://ehr/fhir', exp: NOW_S + 3600, iat: NOW_S, jti: 'j1' }, { alg: 'RS256', kid: 'k1', typ: 'JWT' });
  const r = await explainCommand(context(), { status: 401, body: '{"error":"invalid_client"}', endpoint: 'token', requestHeader: [`Authorization: Bearer ${assertion}`], clientId: 'app', tokenUrl: 'https://ehr/token' });
  const f = r.findings.find((x) => x.id === 'client-assertion-in-authorization-header');
  assert.ok(f !== undefined, r.findings.map((x) => x.id).join(','));
  assert.match(f.detail, /the assertion itself also has problems/);
  assert.match(f.detail, /aud/);
});

test('a saved 400 to a wrapped authorize URL with forceAuthn=true: force-authn-rejected', async () => {
  const inner = 'https://authorization.example/tenants/t1/personas/provider/authorize?response_type=code&client_id=a&scope=openid&state=s&aud=https%3A%2F%2Fehr%2Ffhir&code_challenge=x&code_challenge_method=S256&forceAuthn=true';
  const url = `https://authorization.example/session-api/realm/t1?to=${encodeURIComponent(inner)}`;
  const r = await explainCommand(context(), { status: 400, body: 'Bad Request', url });
  const ids = r.findings.map((f) => f.id);
  assert.ok(ids.includes('force-authn-rejected'), ids.join(','));
  assert.ok(ids.includes('authorize-url-wrapped'));
  assert.ok(ids.includes('authorize-nonstandard-parameter'));
});

test('a token response from stdin: openid dropped and shape problems, one finding per id', async () => {
  const r = await explainCommand(context('{"access_token":"a","token_type":"Bearer","expires_in":"570","scope":"launch patient/Patient.read"}'), { tokenResponse: '-', requestedScope: 'launch openid profile patient/Patient.read' });
  const ids = r.findings.map((f) => f.id);
  assert.ok(ids.includes('openid-scope-dropped'));
  assert.ok(ids.includes('token-response-nonconformant-shape'));
  assert.equal(ids.filter((id) => id === 'openid-scope-dropped').length, 1);
});

test('an error no rule explains: unknown-failure (a warning, quoting what was seen), ok', async () => {
  const r = await explainCommand(context(), { status: 418, body: 'teapot' });
  assert.deepEqual(r.findings.map((f) => [f.id, f.severity, f.role]), [['unknown-failure', 'warning', 'unexplained']]);
  assert.match(r.findings[0]?.detail ?? '', /HTTP 418.*teapot/);
  assert.equal(r.ok, true);
});

test('bad input: no evidence, malformed JSON, missing @file, bad header, bad URL', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'smartctl-explain-'));
  writeFileSync(path.join(dir, 'array.json'), '[1,2]');
  await rejectsWith(explainCommand(context(), {}), 'usage', 'evidence-missing');
  await rejectsWith(explainCommand(context(), { tokenResponse: '{"access_token":' }), 'input', 'json-malformed');
  await rejectsWith(explainCommand(context(), { tokenResponse: `@${path.join(dir, 'array.json')}` }), 'input', 'json-malformed');
  await assert.rejects(explainCommand(context(), { status: 401, body: `@${path.join(dir, 'missing.json')}` }), (e: unknown) => isSmartctlError(e) && e.kind === 'input');
  await rejectsWith(explainCommand(context(), { status: 401, body: '{}', header: ['WWW-Authenticate Bearer'] }), 'usage', 'header-malformed');
  await rejectsWith(explainCommand(context(), { url: 'authorize?x=1' }), 'input', 'invalid-url');
});

test('property: header lines parse to lower-case names or fail with header-malformed', () => {
  fc.assert(
    fc.property(fc.array(fc.string(), { maxLength: 4 }), (lines) => {
      try {
        const h = parseHeaders(lines, '--header');
        return Object.keys(h).every((k) => k === k.toLowerCase());
      } catch (e) {
        return isSmartctlError(e) && e.code === 'header-malformed';
      }
    }),
  );
});

test('property: any text as a body or a token response is explained or rejected with a typed input/usage error', async () => {
  const typed = (e: unknown): boolean => isSmartctlError(e) && (e.kind === 'input' || e.kind === 'usage');
  await fc.assert(
    fc.asyncProperty(fc.oneof(fc.string(), fc.jsonValue().map((v) => JSON.stringify(v))), fc.integer({ min: 100, max: 599 }), async (text, status) => {
      try {
        const r = await explainCommand(context(), { status, body: text });
        assert.ok(r.findings.length > 0);
      } catch (e) {
        assert.ok(typed(e), String(e)); // "@" and "@name" are file references
      }
      try {
        await explainCommand(context(), { tokenResponse: text });
      } catch (e) {
        assert.ok(typed(e), String(e));
      }
    }),
    { numRuns: 200 },
  );
});
