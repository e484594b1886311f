// Fuzz: decode with generated JWT-shaped strings (base64url segments holding arbitrary
// JSON: prototype-named keys, huge and non-numeric exp/iat, non-string alg, deep nesting,
// hostile text, broken base64) and token responses; diff-scopes with generated scope text.
// Property: a report or a typed error, safe human view, --json parses back, and a secret
// planted under a secret's name (a claim, a token response member) is in no rendering.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeCommand } from '../../src/commands/decode.js';
import { diffScopesCommand } from '../../src/commands/diff-scopes.js';
import { expectReportOrTypedError, fuzzContext, hostileJson, hostileKey, hostileString, jsonText, longText, secret, show } from './fuzz-kit.js';

const RUNS = Number(process.env['FUZZ_RUNS'] ?? 500);

const b64 = (s: string): string => Buffer.from(s).toString('base64url');
const numberish = fc.oneof(fc.integer(), fc.double(), fc.constantFrom(1e308, -1e308, 8.64e15, 8.64e15 + 1, 1e21, Number.MAX_SAFE_INTEGER, 2 ** 53 + 1, -0, 1796126400, 1796126400.5), hostileString, fc.constant(null), fc.constant(true), fc.array(fc.integer(), { maxLength: 2 }));
const header = fc.record({ alg: fc.oneof(fc.constantFrom('RS256', 'RS384', 'ES384', 'none', 'HS256', ''), numberish, hostileJson), typ: fc.oneof(fc.constantFrom('JWT', 'at+jwt'), hostileJson), kid: fc.oneof(hostileString, hostileJson), jku: fc.oneof(fc.webUrl(), hostileString), x5c: hostileJson, crit: hostileJson, enc: fc.constantFrom('A256GCM', undefined) }, { requiredKeys: [] });
const claims = fc.record(
  {
    iss: fc.oneof(fc.webUrl(), hostileString, hostileJson),
    sub: fc.oneof(hostileString, hostileJson),
    aud: fc.oneof(fc.webUrl(), fc.array(fc.oneof(fc.webUrl(), hostileString), { maxLength: 3 }), hostileJson),
    exp: numberish,
    iat: numberish,
    nbf: numberish,
    auth_time: numberish,
    jti: fc.oneof(hostileString, hostileJson),
    nonce: hostileJson,
    scope: fc.oneof(hostileString, hostileJson),
    fhirUser: fc.oneof(hostileString, fc.webUrl(), hostileJson),
    client_id: hostileJson,
    cnf: hostileJson,
    amr: hostileJson,
    extra: fc.tuple(hostileKey, hostileJson),
  },
  { requiredKeys: [] },
).map(({ extra, ...c }) => {
  if (extra !== undefined) Object.defineProperty(c, extra[0], { value: extra[1], enumerable: true, writable: true, configurable: true });
  return c;
});
const segment = fc.oneof(
  { weight: 5, arbitrary: fc.oneof(header, claims, hostileJson).map((v) => b64(JSON.stringify(v))) },
  { weight: 1, arbitrary: jsonText.map(b64) },
  { weight: 1, arbitrary: hostileString.map(b64) },
  { weight: 1, arbitrary: hostileString },
  { weight: 1, arbitrary: fc.constantFrom('', '=', '====', 'e30', 'eyJ', '!!!', b64('{"__proto__":{"alg":"none"}}'), b64('\ufeff{"alg":"RS256"}')) },
);
const jwtLike = fc.oneof(
  { weight: 8, arbitrary: fc.tuple(header, claims, fc.stringMatching(/^[A-Za-z0-9_-]{0,40}$/)).map(([h, c, sig]) => `${b64(JSON.stringify(h))}.${b64(JSON.stringify(c))}.${sig}`) },
  { weight: 3, arbitrary: fc.array(segment, { minLength: 1, maxLength: 6 }).map((s) => s.join('.')) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('Bearer ', 'bearer  ', ' ', '\n', '"', 'Authorization: Bearer '), segment, segment).map(([p, a, b]) => `${p}${a}.${b}.c2ln`) },
  { weight: 1, arbitrary: longText },
  { weight: 1, arbitrary: hostileString },
);
const tokenValue = fc.oneof({ weight: 6, arbitrary: jwtLike }, { weight: 1, arbitrary: hostileJson });
const tokenResponse = fc.record({ access_token: tokenValue, id_token: tokenValue, token_type: fc.oneof(fc.constant('Bearer'), hostileJson), scope: fc.oneof(hostileString, hostileJson), patient: hostileJson, fhirContext: hostileJson, expires_in: numberish, need_patient_banner: hostileJson }, { requiredKeys: [] }).map((r) => JSON.stringify(r));

test('decode: generated JWT-shaped strings and token responses give a report or a typed error, and render safely', async () => {
  let reports = 0;
  await fc.assert(
    fc.asyncProperty(fc.oneof(jwtLike, jwtLike, tokenResponse, jsonText), fc.constantFrom(undefined, 'id-token', 'client-assertion', 'access-token'), fc.option(hostileString, { nil: undefined }), async (token, profile, audience) => {
      const arg = token.startsWith('@') || token === '-' ? ` ${token}` : token;
      const opts = { profile, audience, clientId: audience, issuer: audience, nonce: audience, tokenUrl: audience };
      if ((await expectReportOrTypedError(`decode ${show(token)} ${show(opts)}`, () => decodeCommand(fuzzContext(), arg, opts))) !== undefined) reports++;
    }),
    { numRuns: RUNS },
  );
  assert.ok(reports > RUNS / 4, `${reports} of ${RUNS} runs gave a report`);
});

test('decode: a secret under a secret\'s name (a claim, a token response member) is in no rendering', async () => {
  const name = fc.constantFrom('client_secret', 'password', 'refresh_token', 'client_assertion', 'code_verifier', 'private_key');
  await fc.assert(
    fc.asyncProperty(secret, name, claims, fc.boolean(), async (s, field, c, asResponse) => {
      const jwt = `${b64(JSON.stringify({ alg: 'RS256', typ: 'JWT' }))}.${b64(JSON.stringify({ ...c, [field]: s }))}.c2ln`;
      const input = asResponse ? JSON.stringify({ access_token: jwt, token_type: 'Bearer', refresh_token: s, scope: 'openid', [field]: s }) : jwt;
      await expectReportOrTypedError(`decode (${field} ${asResponse ? 'in a token response' : 'as a claim'}) ${show(input)}`, () => decodeCommand(fuzzContext(), input, {}), [s]);
    }),
    { numRuns: RUNS },
  );
});

const scopeWord = fc.oneof(
  fc.constantFrom('openid', 'fhirUser', 'profile', 'launch', 'launch/patient', 'launch/encounter', 'offline_access', 'online_access', 'patient/*.read', 'patient/*.rs', 'user/Observation.cruds', 'system/*.*', 'patient/Observation.rs?category=laboratory', 'patient/Observation.rs?code=http://loinc.org|1234-5', 'user/*.write', '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'patient/__proto__.rs', 'patient/constructor.read', 'patient/*.', 'patient/.rs', '/', '*', '.', '?'),
  hostileString,
);
const scopeText = fc.oneof(fc.array(scopeWord, { maxLength: 12 }).map((w) => w.join(' ')), fc.array(scopeWord, { maxLength: 6 }).map((w) => w.join(fc.sample(fc.constantFrom(',', '+', '%20', '\t', '\n', '  '), 1)[0] ?? ' ')), longText, tokenResponse, hostileJson.map((v) => JSON.stringify({ access_token: 'a', scope: v })));

test('diff-scopes: generated scope strings and token responses give a report or a typed error, and render safely', async () => {
  let reports = 0;
  await fc.assert(
    fc.asyncProperty(scopeText, scopeText, async (requested, granted) => {
      const arg = (s: string): string => (s.startsWith('@') || s === '-' ? ` ${s}` : s);
      if ((await expectReportOrTypedError(`diff-scopes ${show(requested)} ${show(granted)}`, () => diffScopesCommand(fuzzContext(), arg(requested), arg(granted)))) !== undefined) reports++;
    }),
    { numRuns: RUNS },
  );
  assert.ok(reports > RUNS / 3, `${reports} of ${RUNS} runs gave a report`);
});
