// The token rules on real answers: smartctl's sandbox (a real HTTP server on 127.0.0.1)
// refuses each broken code exchange or client authentication; the answer, the request that
// was sent and (where it matters) the authorize URL are diagnosed as a user would paste them.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startSandbox } from '../../../src/sandbox/index.js';
import type { SandboxHandle } from '../../../src/sandbox/types.js';
import { diagnose, evidenceFromSaved } from '../../../src/diagnose/index.js';
import { authorize, authorizeParams, pkce, postForm, tokenUrl, type TokenAnswer } from '../../sandbox/helpers.js';

function topOf(sb: SandboxHandle, form: Record<string, string>, res: TokenAnswer, extra: { authorizeUrl?: string; headers?: Record<string, string> } = {}): string | undefined {
  const e = evidenceFromSaved({ status: res.status, body: res.text, url: tokenUrl(sb), method: 'POST', requestBody: new URLSearchParams(form).toString(), requestHeaders: extra.headers ?? {}, authorizeUrl: extra.authorizeUrl, requestSeen: true });
  return diagnose(e, { now: new Date(0) })[0]?.id;
}

async function codeFor(sb: SandboxHandle): Promise<{ code: string; verifier: string; params: URLSearchParams }> {
  const p = pkce();
  const params = authorizeParams(sb, p);
  const answer = await authorize(sb, params);
  const code = answer.query.get('code');
  if (code === null) throw new Error(`no code: ${answer.status}`);
  return { code, verifier: p.verifier, params };
}

describe('token rules on the sandbox answers', () => {
  let sb: SandboxHandle;
  before(async () => {
    sb = await startSandbox({});
  });
  after(async () => {
    await sb.close();
  });

  it('a code exchanged twice: invalid-grant-code', async () => {
    const { code, verifier, params } = await codeFor(sb);
    const form = { grant_type: 'authorization_code', code, redirect_uri: params.get('redirect_uri') ?? '', client_id: params.get('client_id') ?? '', code_verifier: verifier };
    assert.equal((await postForm(tokenUrl(sb), form)).status, 200);
    const again = await postForm(tokenUrl(sb), form);
    assert.equal(again.status, 400, again.text);
    assert.equal(topOf(sb, form, again), 'invalid-grant-code');
  });

  it('the verifier of another attempt: pkce-verifier-mismatch, also from the authorize URL alone', async () => {
    const { code, params } = await codeFor(sb);
    const form = { grant_type: 'authorization_code', code, redirect_uri: params.get('redirect_uri') ?? '', client_id: params.get('client_id') ?? '', code_verifier: pkce().verifier };
    const res = await postForm(tokenUrl(sb), form);
    assert.equal(res.status, 400, res.text);
    assert.equal(topOf(sb, form, res), 'pkce-verifier-mismatch');
    // With the server's words taken away, the recomputed challenge still decides.
    const bare = { ...res, text: '{"error":"invalid_grant"}' };
    assert.equal(topOf(sb, form, bare, { authorizeUrl: `${sb.issuer}/authorize?${params.toString()}` }), 'pkce-verifier-mismatch');
  });

  it('a confidential client that sends only client_id: public-confidential-mismatch', async () => {
    const form = { grant_type: 'client_credentials', scope: 'system/*.rs', client_id: sb.demoClients.confidential };
    const res = await postForm(tokenUrl(sb), form);
    assert.equal(res.status, 401, res.text);
    assert.equal(topOf(sb, form, res), 'public-confidential-mismatch');
  });

  it('a wrong client secret in a Basic header: token-invalid-client with the secret cause first', async () => {
    const { code, verifier, params } = await codeFor(sb);
    const form = { grant_type: 'authorization_code', code, redirect_uri: params.get('redirect_uri') ?? '', code_verifier: verifier };
    const headers = { authorization: `Basic ${Buffer.from(`${sb.demoClients.confidential}:wrong-secret`).toString('base64')}` };
    const res = await postForm(tokenUrl(sb), form, headers);
    assert.equal(res.status, 401, res.text);
    const e = evidenceFromSaved({ status: res.status, body: res.text, url: tokenUrl(sb), requestBody: new URLSearchParams(form).toString(), requestHeaders: headers });
    const [top] = diagnose(e, { now: new Date(0) });
    assert.equal(top?.id, 'token-invalid-client');
    assert.match(top?.causes?.[0] ?? '', /secret is wrong/);
  });

  it('a Basic header of base64("id secret"): client-secret-basic-malformed', async () => {
    const form = { grant_type: 'client_credentials', scope: 'system/*.rs' };
    const headers = { authorization: `Basic ${Buffer.from(`${sb.demoClients.confidential} secret`).toString('base64')}` };
    const res = await postForm(tokenUrl(sb), form, headers);
    assert.equal(res.status, 401, res.text);
    assert.equal(topOf(sb, form, res, { headers }), 'client-secret-basic-malformed');
  });
});
