import { test } from 'node:test';
import assert from 'node:assert/strict';
import { REDACTED, redactBody, redactReport, redactString, redactUrl, redactValue } from '../../src/report/redact.js';
import { makeReport } from '../../src/report/report.js';

const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLXZhbHVl';

test('JWT-shaped strings are removed whole, wherever they are', () => {
  const out = redactString(`token was ${JWT} here`);
  assert.equal(out, `token was ${REDACTED} here`);
  assert.ok(!out.includes('c2lnbmF0dXJl'));
});

test('secret fields in JSON bodies are replaced, others kept', () => {
  const body = JSON.stringify({ access_token: 'opaque-abc-123', token_type: 'Bearer', scope: 'openid', refresh_token: 'r1' });
  const parsed = JSON.parse(redactBody(body)) as Record<string, string>;
  assert.equal(parsed['access_token'], REDACTED);
  assert.equal(parsed['refresh_token'], REDACTED);
  assert.equal(parsed['scope'], 'openid');
});

test('form bodies lose code, verifier, secret and assertion', () => {
  const out = redactBody('grant_type=authorization_code&code=abc123&code_verifier=vvv&client_secret=sss&redirect_uri=http%3A%2F%2F127.0.0.1%2Fcb');
  assert.ok(!/abc123|vvv|sss/.test(out), out);
  assert.ok(out.includes('grant_type=authorization_code'));
  assert.ok(out.includes('redirect_uri='));
});

test('callback URLs lose the code but keep state', () => {
  const out = redactUrl('http://127.0.0.1:5000/callback?code=SECRETCODE&state=xyz');
  assert.ok(!out.includes('SECRETCODE'));
  assert.ok(out.includes('state=xyz'));
});

test('Authorization headers keep the scheme only; private JWK members go', () => {
  const out = redactValue({ headers: { Authorization: 'Basic dXNlcjpwYXNz', accept: 'x' }, jwk: { kty: 'EC', crv: 'P-384', x: 'pub', d: 'private' } }) as {
    headers: Record<string, string>;
    jwk: Record<string, string>;
  };
  assert.equal(out.headers['Authorization'], `Basic ${REDACTED}`);
  assert.equal(out.jwk['d'], REDACTED);
  assert.equal(out.jwk['x'], 'pub');
});

test('PEM private keys are removed', () => {
  const pem = '-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg\n-----END PRIVATE KEY-----';
  assert.ok(!redactString(pem).includes('MIGHAgEA'));
});

test('redactReport leaves the report untouched with showSecrets and keeps unredacted keys', () => {
  const report = makeReport({ command: 'x', data: { assertion: JWT, access_token: 'abc' }, unredacted: ['assertion'] });
  const safe = redactReport(report, false);
  assert.equal(safe.data['assertion'], JWT);
  assert.equal(safe.data['access_token'], REDACTED);
  assert.equal(redactReport(report, true).data['access_token'], 'abc');
});

test('v2 scope restrictions are not mistaken for an authorization code', () => {
  assert.equal(redactString('granted patient/Observation.rs?code=1234-5 only'), 'granted patient/Observation.rs?code=1234-5 only');
  assert.ok(!redactString('http://127.0.0.1/cb?code=SECRET&state=1').includes('SECRET'));
});

test('JSON quoted inside text: an OperationOutcome issue "code" is kept, an issued code is not (regression: "code":"forbidden" was redacted)', async () => {
  
  const quoted = JSON.stringify('{"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"forbidden"}]}');
  assert.match(redactString(`the server said: ${quoted}`), /\\"code\\":\\"forbidden\\"/);
  assert.match(redactString('{"code":"forbidden","x":1} trailing'), /"code":"forbidden"/);
  const issued = 'SplxlOBeZQQYbYS6WxSbIA8fG3kq';
  assert.doesNotMatch(redactString(`the body was {"code":"${issued}"} and more`), new RegExp(issued));
  assert.doesNotMatch(redactString(`{"client_secret":"short"} text`), /short/);
});

test("a section's listed secrets are masked by value, whatever their shape; --show-secrets keeps them", () => {
  // An opaque token has no JWT shape and, in a row, no field name: only the list catches it.
  const opaque = 'op4que-t0ken-value';
  const report = makeReport({ command: 'launch', sections: [{ title: 'Token response', rows: [['access_token', `${opaque}  (Bearer, 18 characters, opaque, not a JWT)`], ['scope', 'openid']], lines: [`echo ${opaque}`], secrets: [opaque] }] });
  const section = redactReport(report, false).sections[0];
  assert.deepEqual(section?.rows, [['access_token', `${REDACTED}  (Bearer, 18 characters, opaque, not a JWT)`], ['scope', 'openid']]);
  assert.deepEqual(section?.lines, [`echo ${REDACTED}`]);
  assert.equal(section?.secrets, undefined, 'the list itself is dropped');
  assert.ok(!JSON.stringify(redactReport(report, false)).includes(opaque));
  assert.equal(redactReport(report, true).sections[0]?.rows?.[0]?.[1], `${opaque}  (Bearer, 18 characters, opaque, not a JWT)`);
});

test('report.output (the value --output asked for) is passed on unredacted, and is not part of the JSON document', async () => {
  const { toJsonDocument } = await import('../../src/report/report.js');
  const report = makeReport({ command: 'token', data: { tokenResponse: { access_token: 'abc-opaque-123' } }, output: { field: 'access_token', value: 'abc-opaque-123' } });
  const redacted = redactReport(report, false);
  assert.equal(redacted.output?.value, 'abc-opaque-123');
  assert.ok(!JSON.stringify(toJsonDocument(redacted)).includes('abc-opaque-123'));
});
