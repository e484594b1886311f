// The client-assertion rules on real answers: smartctl's sandbox (a real HTTP server on
// 127.0.0.1) refuses each broken assertion, and the saved answer plus the request that was
// sent is diagnosed as a user would paste it. The top finding names the broken check.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { exportPKCS8, generateKeyPair } from 'jose';
import { startSandbox } from '../../../src/sandbox/index.js';
import type { SandboxHandle } from '../../../src/sandbox/types.js';
import { diagnose, evidenceFromSaved } from '../../../src/diagnose/index.js';
import { backendToken, clientAssertion, tokenUrl, type AssertionOptions, type TokenAnswer } from '../../sandbox/helpers.js';

const TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

function topOf(sb: SandboxHandle, assertion: string, res: TokenAnswer, headers: Record<string, string> = {}): string | undefined {
  const requestBody = new URLSearchParams({ grant_type: 'client_credentials', scope: 'system/*.rs', client_assertion_type: TYPE, client_assertion: assertion }).toString();
  const date = res.headers.get('date') ?? undefined;
  const e = evidenceFromSaved({ status: res.status, body: res.text, url: tokenUrl(sb), method: 'POST', requestBody, requestHeaders: headers, responseHeaders: date === undefined ? {} : { date } });
  return diagnose(e, { now: new Date(Date.parse(date ?? '') || 0) })[0]?.id;
}

describe('client-assertion rules on the sandbox answers', () => {
  let sb: SandboxHandle;
  before(async () => {
    sb = await startSandbox({});
  });
  after(async () => {
    await sb.close();
  });

  const cases: Array<[string, AssertionOptions | (() => Promise<AssertionOptions>), string]> = [
    ['aud is the FHIR base', () => Promise.resolve({ aud: sb.fhirBaseUrl }), 'assertion-aud-mismatch'],
    ['exp an hour ahead', { expIn: 3600 }, 'assertion-exp-too-long'],
    ['no kid', { kid: null }, 'assertion-kid-missing'],
    ['a kid the client never registered', { kid: 'not-registered' }, 'assertion-key-not-resolvable'],
    ['iss is not sub', { iss: 'someone-else' }, 'assertion-iss-sub-mismatch'],
    ['no jti', { jti: null }, 'assertion-jti-missing'],
    ['signed with another key', async () => ({ pem: await exportPKCS8((await generateKeyPair('ES384', { extractable: true })).privateKey) }), 'assertion-signature-invalid'],
  ];
  for (const [name, options, expected] of cases) {
    it(`${name}: ${expected}`, async () => {
      const o = typeof options === 'function' ? await options() : options;
      const assertion = await clientAssertion(sb, o);
      const res = await backendToken(sb, assertion);
      assert.ok(res.status >= 400, `the sandbox refused it: ${res.text}`);
      assert.equal(topOf(sb, assertion, res), expected, res.text);
    });
  }

  it('the same assertion twice: the second answer is assertion-jti-reused', async () => {
    const assertion = await clientAssertion(sb);
    assert.equal((await backendToken(sb, assertion)).status, 200);
    const again = await backendToken(sb, assertion);
    assert.equal(again.status, 401, again.text);
    assert.equal(topOf(sb, assertion, again), 'assertion-jti-reused');
  });

  it('a good assertion sent as Authorization: Bearer: client-assertion-in-authorization-header', async () => {
    const assertion = await clientAssertion(sb);
    const res = await backendToken(sb, await clientAssertion(sb), 'system/*.rs', { authorization: `Bearer ${assertion}` });
    assert.equal(res.status, 401, res.text);
    const e = evidenceFromSaved({ status: res.status, body: res.text, url: tokenUrl(sb), requestHeaders: { authorization: `Bearer ${assertion}` }, requestBody: 'grant_type=client_credentials&scope=system%2F*.rs' });
    assert.equal(diagnose(e, { now: new Date(0) })[0]?.id, 'client-assertion-in-authorization-header');
  });
});
