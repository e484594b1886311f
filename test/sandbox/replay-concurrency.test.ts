// Single-use things under concurrency, over real HTTP: the same client assertion, the
// same authorization code, the same refresh token and the same consent sent 20 times at
// once are each accepted once. Regression: the jti check and its record were separated by awaits (key
// lookup, signature), so one assertion sent 20 times at once gave many tokens; and a code
// replayed while its first exchange was signing the id_token left that exchange's tokens
// alive.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { exportPKCS8, generateKeyPair } from 'jose';
import { startSandbox } from '../../src/sandbox/index.js';
import type { SandboxHandle } from '../../src/sandbox/types.js';
import { authorize, authorizeParams, backendToken, clientAssertion, codeFlow, pkce, postForm, tokenUrl, type TokenAnswer } from './helpers.js';

const AT_ONCE = 20;

function statuses(answers: TokenAnswer[]): number[] {
  return answers.map((a) => a.status).sort((a, b) => a - b);
}

describe('sandbox single-use values under concurrent requests', () => {
  let sb: SandboxHandle;
  before(async () => {
    sb = await startSandbox();
  });
  after(() => sb.close());

  async function introspect(token: string): Promise<unknown> {
    const r = await postForm(`${sb.issuer}/introspect`, { token, client_id: sb.demoClients.public });
    return r.json['active'];
  }

  it('one client assertion sent 20 times at once gives exactly one token', async () => {
    for (let round = 0; round < 5; round++) {
      const assertion = await clientAssertion(sb);
      const answers = await Promise.all(Array.from({ length: AT_ONCE }, () => backendToken(sb, assertion)));
      const ok = answers.filter((a) => a.status === 200);
      assert.equal(ok.length, 1, `round ${round}: ${ok.length} tokens for one assertion (${statuses(answers).join(',')})`);
      for (const a of answers.filter((x) => x.status !== 200)) {
        assert.equal(a.status, 401);
        assert.match(String(a.json['error_description']), /already used.*assertion-jti-reused/);
      }
    }
  });

  it('a jti refused for another reason (bad signature) stays usable for a correct assertion', async () => {
    const other = await generateKeyPair('ES384', { extractable: true });
    const jti = `retry-${Date.now()}`;
    const bad = await backendToken(sb, await clientAssertion(sb, { jti, pem: await exportPKCS8(other.privateKey) }));
    assert.equal(bad.status, 401);
    assert.match(String(bad.json['error_description']), /assertion-signature-invalid/);
    const good = await backendToken(sb, await clientAssertion(sb, { jti }));
    assert.equal(good.status, 200, good.text);
    const replay = await backendToken(sb, await clientAssertion(sb, { jti }));
    assert.equal(replay.status, 401);
    assert.match(String(replay.json['error_description']), /assertion-jti-reused/);
  });

  it('one authorization code exchanged 20 times at once: one token response, and the replays revoke it', async () => {
    for (let round = 0; round < 5; round++) {
      const p = pkce();
      const params = authorizeParams(sb, p);
      const a = await authorize(sb, params);
      const code = a.query.get('code') ?? '';
      const form = { grant_type: 'authorization_code', code, redirect_uri: params.get('redirect_uri') ?? '', client_id: sb.demoClients.public, code_verifier: p.verifier };
      const answers = await Promise.all(Array.from({ length: AT_ONCE }, () => postForm(tokenUrl(sb), form)));
      const ok = answers.filter((x) => x.status === 200);
      assert.equal(ok.length, 1, `round ${round}: ${statuses(answers).join(',')}`);
      for (const x of answers.filter((y) => y.status !== 200)) assert.equal(x.json['error'], 'invalid_grant');
      // RFC 6749 §4.1.2: the code was replayed, so what it gave is revoked — even what was
      // still being issued (id_token signing) when the replays came in.
      const issued = ok[0]?.json ?? {};
      assert.equal(await introspect(String(issued['access_token'])), false, `round ${round}: access token still active after code replay`);
      assert.equal(await introspect(String(issued['refresh_token'])), false, `round ${round}: refresh token still active after code replay`);
    }
  });

  it('one consent approved 20 times at once issues one code', async () => {
    const params = authorizeParams(sb, pkce(), { scope: 'openid fhirUser patient/*.rs' });
    const start = await authorize(sb, params, { autoApprove: false });
    const tx = new URL(start.location ?? '', sb.issuer).searchParams.get('tx') ?? '';
    const loginPage = await (await fetch(new URL(start.location ?? '', sb.issuer))).text();
    const user = /name="user" value="([^"]+)"/.exec(loginPage)?.[1] ?? '';
    const form = (fields: Record<string, string | string[]>): string => {
      const body = new URLSearchParams();
      for (const [k, v] of Object.entries(fields)) for (const x of Array.isArray(v) ? v : [v]) body.append(k, x);
      return body.toString();
    };
    const post = (page: string, fields: Record<string, string | string[]>): Promise<Response> => fetch(`${sb.issuer}/${page}`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form(fields) });
    const login = await post('login', { tx, user });
    assert.match(login.headers.get('location') ?? '', /\/consent\?tx=/);
    const answers = await Promise.all(Array.from({ length: AT_ONCE }, () => post('consent', { tx, decision: 'approve', scope: ['openid', 'fhirUser', 'patient/*.rs'] })));
    const codes = answers.map((r) => new URL(r.headers.get('location') ?? 'http://x/', sb.issuer).searchParams.get('code')).filter((c) => c !== null);
    assert.equal(codes.length, 1, answers.map((r) => r.status).join(','));
    assert.equal(answers.filter((r) => r.status === 400).length, AT_ONCE - 1);
  });

  it('one refresh token used 20 times at once is rotated once', async () => {
    const { token } = await codeFlow(sb);
    const refreshToken = String(token.json['refresh_token']);
    const answers = await Promise.all(Array.from({ length: AT_ONCE }, () => postForm(tokenUrl(sb), { grant_type: 'refresh_token', refresh_token: refreshToken, client_id: sb.demoClients.public })));
    const ok = answers.filter((x) => x.status === 200);
    assert.equal(ok.length, 1, statuses(answers).join(','));
    for (const x of answers.filter((y) => y.status !== 200)) assert.equal(x.json['error'], 'invalid_grant');
    const rotated = String(ok[0]?.json['refresh_token']);
    assert.notEqual(rotated, refreshToken);
    assert.equal(await introspect(rotated), true);
    assert.equal(await introspect(refreshToken), false);
  });
});
