// Redaction blind spots: every secret parameter in every position of a form body, a URL
// query and fragment, JSON and free text; and credential values removed while the words
// around "Basic"/"Bearer" stay. Regressions: `code=` as the first parameter of a form body
// in text was kept; prose was rewritten ("Basic [REDACTED] is required").
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { REDACTED, redactBody, redactReport, redactString, redactUrl, redactValue } from '../../src/report/redact.js';
import { makeReport } from '../../src/report/report.js';
import { makeFinding } from '../../src/report/finding.js';

const SECRET_NAMES = ['code', 'code_verifier', 'client_secret', 'client_assertion', 'refresh_token', 'access_token', 'id_token', 'password', 'assertion', 'token'];
const secretOf = (name: string): string => `S3cr3t${name.replace(/_/g, '')}Value0123456789`;

/** A form/query with the secret first, in the middle, last and alone. */
function positions(name: string): Array<{ where: string; form: string }> {
  const pair = `${name}=${secretOf(name)}`;
  return [
    { where: 'first', form: `${pair}&state=keep-me&grant_type=authorization_code` },
    { where: 'middle', form: `state=keep-me&${pair}&grant_type=authorization_code` },
    { where: 'last', form: `state=keep-me&grant_type=authorization_code&${pair}` },
    { where: 'only', form: pair },
  ];
}

describe('every secret parameter in every position', () => {
  for (const name of SECRET_NAMES) {
    it(`${name}: form body, URL query and fragment, text, JSON`, () => {
      const secret = secretOf(name);
      const leaks: string[] = [];
      const check = (label: string, out: string, keep?: string): void => {
        if (out.includes(secret)) leaks.push(`${label}: ${out}`);
        if (keep !== undefined && !out.includes(keep)) leaks.push(`${label} lost "${keep}": ${out}`);
      };
      for (const { where, form } of positions(name)) {
        const keep = form.includes('state=') ? 'state=keep-me' : undefined;
        check(`form body, ${where}`, redactBody(form), keep);
        check(`form body with a valueless flag, ${where}`, redactBody(`${form}&flag`), keep);
        check(`URL query, ${where}`, redactUrl(`http://127.0.0.1:5000/callback?${form}`), keep);
        check(`URL fragment, ${where}`, redactUrl(`http://127.0.0.1:5000/callback#${form}`), keep);
        check(`text, ${where}`, redactString(form), keep);
        check(`text after a label, ${where}`, redactString(`request body: ${form} (sent)`), keep);
        check(`quoted in text, ${where}`, redactString(`body "${form}"`), keep);
        check(`unparseable URL, ${where}`, redactUrl(`not a url?${form}`), keep);
        check(`report field, ${where}`, JSON.stringify(redactValue({ detail: `POST /token ${form}` })), keep);
      }
      const json = { grant_type: 'authorization_code', [name]: secret, state: 'keep-me' };
      check('JSON body', redactBody(JSON.stringify(json)), 'keep-me');
      check('JSON body, secret first', redactBody(JSON.stringify({ [name]: secret, state: 'keep-me' })), 'keep-me');
      check('JSON body, secret last, pretty', redactBody(JSON.stringify({ state: 'keep-me', [name]: secret }, null, 2)), 'keep-me');
      check('JSON value', JSON.stringify(redactValue(json)), 'keep-me');
      check('nested JSON value', JSON.stringify(redactValue({ outer: [{ inner: json }] })), 'keep-me');
      check('JSON in text, truncated', redactString(`answer: {"state":"keep-me","${name}":"${secret}`), 'keep-me');
      check('JSON in text, spaced', redactString(`answer: { "${name}" : "${secret}", "state": "keep-me" }`), 'keep-me');
      check('escaped JSON in a JSON string', redactString(JSON.stringify({ body: `{"${name}":"${secret}","state":"keep-me"}` }).replace('{"body":', '{"raw":')), 'keep-me');
      assert.deepEqual(leaks, []);
    });
  }

  it('keeps OperationOutcome and Coding codes, which are not secrets', () => {
    const outcome = { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'security', details: { coding: [{ system: 'http://loinc.org', code: '8867-4' }] } }] };
    assert.deepEqual(redactValue(outcome), outcome);
    assert.equal(redactString('scope patient/Observation.rs?code=http://loinc.org|8867-4'), 'scope patient/Observation.rs?code=http://loinc.org|8867-4');
  });
});

describe('credential values, never the words around them', () => {
  const prose = [
    'Basic is required',
    'The Authorization: Bearer token is missing',
    'Basic authentication failed for this client',
    'send Basic credentials or a client assertion',
    'the bearer of the token',
    'a Bearer JWT was expected',
    'Bearer tokens only',
    'WWW-Authenticate: Basic realm="smartctl-sandbox"',
    'WWW-Authenticate: Bearer realm="fhir", error="invalid_token", error_description="The access token expired"',
    'Bearer error="insufficient_scope", scope="patient/*.rs"',
    'DPoP proof is missing',
    'client_secret_basic sends Basic base64(client_id:client_secret)',
  ];
  for (const text of prose) {
    it(`keeps prose: ${text}`, () => {
      assert.equal(redactString(text), text);
      const report = redactReport(makeReport({ command: 'explain', findings: [makeFinding({ id: 'x', severity: 'error', title: text, detail: text, fix: text })], data: { note: text } }), false);
      assert.equal(report.findings[0]?.title, text);
      assert.equal(report.findings[0]?.detail, text);
      assert.equal(report.data['note'], text);
    });
  }

  const credentials: Array<[string, string]> = [
    ['Authorization: Basic czZCaGRSa3F0MzpnWDFmQmF0M2JW', 'czZCaGRSa3F0MzpnWDFmQmF0M2JW'],
    ['Authorization: Basic dXNlcjpwYXNz', 'dXNlcjpwYXNz'],
    ['Basic YTpi is what it sent', 'YTpi'],
    ['Basic c21hcnRjdGwtZGVtbzo= then', 'c21hcnRjdGwtZGVtbzo'],
    ['Authorization: Bearer mF_9.B5f-4.1JqM', 'mF_9.B5f-4.1JqM'],
    ['Bearer 2YotnFZFEjr1zCsicMWpAA is missing', '2YotnFZFEjr1zCsicMWpAA'],
    ['bearer abc-123', 'abc-123'],
    ['Bearer opaquetokenvaluewithoutdigits', 'opaquetokenvaluewithoutdigits'],
    ['Bearer ABCDEFGH12', 'ABCDEFGH12'],
    ['DPoP Kz~8qX9+Y/w=', 'Kz~8qX9+Y/w'],
    ['"authorization":"Bearer secret-token-1"', 'secret-token-1'],
  ];
  for (const [text, secret] of credentials) {
    it(`removes the credential: ${text}`, () => {
      const out = redactString(text);
      assert.ok(!out.includes(secret), out);
      assert.ok(out.includes(REDACTED), out);
      assert.match(out, /\b(Basic|Bearer|bearer|DPoP) \[REDACTED\]/);
    });
  }

  it('removes any base64 Basic credential and any b64token, wherever it sits in a sentence', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 12, maxLength: 64 }), fc.constantFrom('Basic', 'Bearer', 'basic', 'BEARER'), fc.constantFrom('', 'The header ', 'got "'), fc.constantFrom('', ' is wrong', '", expected', '.'), (bytes, scheme, before, after) => {
        const secret = Buffer.from(bytes).toString(scheme.toLowerCase() === 'basic' ? 'base64' : 'base64url');
        const out = redactString(`${before}${scheme} ${secret}${after}`);
        assert.ok(!out.includes(secret.replace(/=+$/, '')), out);
        assert.equal(out, `${before}${scheme} ${REDACTED}${after}`);
      }),
    );
  });
});
