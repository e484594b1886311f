// Fuzz: long inputs made of one generated piece repeated (200 000 characters) in every
// place explain, decode and diff-scopes read, and through redaction. Property: the run
// answers (a report or a typed error) in seconds, not minutes, and a refusal's message
// quotes a little of the input, not all of it. Each pattern that was tried at every
// position of such a run and scanned to its end (auth-params, HTML tags, Entra lines, JWT
// and PEM redaction) took 1 to 40 s at these sizes; linear code takes well under one. The
// bound is wide so a loaded machine never trips it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeCommand } from '../../src/commands/decode.js';
import { diffScopesCommand } from '../../src/commands/diff-scopes.js';
import { explainCommand } from '../../src/commands/explain.js';
import { isSmartctlError } from '../../src/errors.js';
import type { Report } from '../../src/report/report.js';
import { describe, encodeParam, fuzzContext, hostileString, renderAll } from './fuzz-kit.js';

const RUNS = Number(process.env['FUZZ_RUNS_LONG'] ?? 80);
const LENGTH = 200_000;
const BOUND_MS = 8000;

const b64 = (s: string): string => Buffer.from(s).toString('base64url');
const PIECES = ['a', 'A1', '-', ' ', '\n', '\r\n', '=', 'a=', '"', '\\', '<a', '<script>', '<', 'eyJ-', 'eyJ', 'eyJa.', '-----BEGIN PRIVATE KEY-----', 'Bearer ', 'Bearer a', '"access_token":"', 'access_token=', 'code=', '&', '%', '/', '.', ',', ';', ':', 'a:', 'Trace ID:', '\t\n', 'patient/*.', 'user/a.rs?code=', '*', '?', 'urn:', 'https://', '{', '[', '\u202e', '\u001b[', 'é', 'AADSTS1 '];
const piece = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...PIECES) }, { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 4 }) }, { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...PIECES), fc.constantFrom(...PIECES)).map(([a, b]) => a + b) }, { weight: 1, arbitrary: hostileString.filter((s) => s.length > 0) });

type Slot = (t: string) => Promise<Report>;
const ctx = fuzzContext;
const SLOTS: Record<string, Slot> = {
  body: (t) => explainCommand(ctx(), { status: 400, body: t }),
  'authorize page': (t) => explainCommand(ctx(), { status: 400, body: t, endpoint: 'authorize' }),
  error_description: (t) => explainCommand(ctx(), { status: 400, body: JSON.stringify({ error: 'invalid_client', error_description: t, error_uri: t }) }),
  'www-authenticate': (t) => explainCommand(ctx(), { status: 401, body: '{}', header: [`WWW-Authenticate: Bearer ${t.replace(/[\r\n]/g, ' ')}`], endpoint: 'fhir' }),
  'request body': (t) => explainCommand(ctx(), { status: 400, body: '{"error":"invalid_grant"}', requestBody: t, endpoint: 'token' }),
  'authorize url': (t) => explainCommand(ctx(), { url: `https://ehr.example/authorize?response_type=code&scope=${encodeParam(t)}&state=${encodeParam(t)}` }),
  message: (t) => explainCommand(ctx(), { message: [t] }),
  'bad url': (t) => explainCommand(ctx(), { url: t.startsWith('@') || t === '-' ? ` ${t}` : t }),
  'header line': (t) => explainCommand(ctx(), { status: 400, body: '{}', header: [t], requestHeader: [`X: ${t}`] }),
  method: (t) => explainCommand(ctx(), { status: 400, body: '{}', method: t }),
  'curl file body': (t) => explainCommand(ctx(), { curl: `curl https://ehr.example/token -d '@${t.replace(/'/g, '')}'` }),
  curl: (t) => explainCommand(ctx(), { curl: `curl https://ehr.example/token --data-raw '${t.replace(/'/g, '')}'` }),
  'token response': (t) => explainCommand(ctx(), { tokenResponse: JSON.stringify({ access_token: 'abc', token_type: 'Bearer', scope: t, patient: t }), requestedScope: t }),
  'jwt claims': (t) => decodeCommand(ctx(), `${b64('{"alg":"RS256"}')}.${b64(JSON.stringify({ sub: t, scope: t, iss: t }))}.c2ln`, {}),
  'jwt text': (t) => decodeCommand(ctx(), t, {}),
  scopes: (t) => diffScopesCommand(ctx(), t, `openid ${t}`),
};

test('long inputs of a repeated piece, anywhere: an answer in seconds', async () => {
  await fc.assert(
    fc.asyncProperty(piece, fc.constantFrom(...Object.keys(SLOTS)), async (p, slot) => {
      const text = p.repeat(Math.ceil(LENGTH / p.length)).slice(0, LENGTH);
      const started = performance.now();
      try {
        renderAll(await (SLOTS[slot] as Slot)(text));
      } catch (error) {
        assert.ok(isSmartctlError(error), `${slot} of ${JSON.stringify(p)} x ${LENGTH / p.length}: ${describe(error).slice(0, 2000)}`);
        // A refusal quotes a little of the input, never all of it.
        assert.ok(error.message.length + (error.hint ?? '').length < 2000, `${slot} of ${JSON.stringify(p)}: a ${error.message.length}-character error message`);
      }
      const ms = performance.now() - started;
      assert.ok(ms < BOUND_MS, `${slot} of ${JSON.stringify(p)} repeated to ${LENGTH} characters took ${Math.round(ms)} ms`);
    }),
    { numRuns: RUNS },
  );
});
