// Every client authentication method with a wrong credential in every place a credential
// can be sent (Basic header, client_secret in the body, client_assertion), at the token
// and introspection endpoints: each is refused, and each right credential is accepted.
// Regression: a wrong client_secret in the body (client_secret_post) and Basic
// credentials for a private_key_jwt client were accepted without any test noticing.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { exportPKCS8, generateKeyPair } from 'jose';
import { startSandbox } from '../../src/sandbox/index.js';
import type { SandboxHandle } from '../../src/sandbox/types.js';
import { backendClient, clientAssertion, postForm, type AssertionOptions, type TokenAnswer } from './helpers.js';

const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

interface Case {
  name: string;
  form: Record<string, string>;
  /** Sign a fresh client assertion with these options for every request (a jti is single use). */
  assertion?: AssertionOptions;
  basic?: string;
  accept: boolean;
}

function basic(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
}

describe('sandbox client authentication: every method, every wrong credential, every place', () => {
  let sb: SandboxHandle;
  let cases: Case[];
  before(async () => {
    sb = await startSandbox({
      clients: [
        { client_id: 'pub', token_endpoint_auth_method: 'none', redirect_uris: ['http://127.0.0.1/cb'], grant_types: ['authorization_code', 'refresh_token'], scope: 'openid patient/*.rs offline_access' },
        { client_id: 'basic', client_secret: 'basic-secret', token_endpoint_auth_method: 'client_secret_basic', redirect_uris: ['http://127.0.0.1/cb'], grant_types: ['authorization_code', 'refresh_token'], scope: 'openid patient/*.rs offline_access' },
        { client_id: 'post', client_secret: 'post-secret', token_endpoint_auth_method: 'client_secret_post', redirect_uris: ['http://127.0.0.1/cb'], grant_types: ['authorization_code', 'refresh_token'], scope: 'openid patient/*.rs offline_access' },
      ],
    });
    const jwt = backendClient(sb).clientId;
    const other = await generateKeyPair('ES384', { extractable: true });
    const otherPem = await exportPKCS8(other.privateKey);
    cases = [
      // public client (none)
      { name: 'pub: client_id in the body', form: { client_id: 'pub' }, accept: true },
      { name: 'pub: Basic with an empty secret', form: {}, basic: basic('pub', ''), accept: true },
      { name: 'pub: Basic with a secret it does not have', form: {}, basic: basic('pub', 'guess'), accept: false },
      { name: 'pub: client_secret in the body', form: { client_id: 'pub', client_secret: 'guess' }, accept: false },
      { name: 'pub: a client assertion claiming pub', form: {}, assertion: { iss: 'pub', sub: 'pub' }, accept: false },
      // client_secret_basic
      { name: 'basic: right secret in Basic', form: {}, basic: basic('basic', 'basic-secret'), accept: true },
      { name: 'basic: right secret in the body', form: { client_id: 'basic', client_secret: 'basic-secret' }, accept: true },
      { name: 'basic: wrong secret in Basic', form: {}, basic: basic('basic', 'basic-secreT'), accept: false },
      { name: 'basic: empty secret in Basic', form: {}, basic: basic('basic', ''), accept: false },
      { name: 'basic: another client\'s secret in Basic', form: {}, basic: basic('basic', 'post-secret'), accept: false },
      { name: 'basic: wrong secret in the body', form: { client_id: 'basic', client_secret: 'nope' }, accept: false },
      { name: 'basic: no credential, only client_id', form: { client_id: 'basic' }, accept: false },
      { name: 'basic: right Basic and a wrong secret in the body', form: { client_secret: 'nope' }, basic: basic('basic', 'basic-secret'), accept: false },
      { name: 'basic: a client assertion claiming basic', form: {}, assertion: { iss: 'basic', sub: 'basic' }, accept: false },
      // client_secret_post
      { name: 'post: right secret in the body', form: { client_id: 'post', client_secret: 'post-secret' }, accept: true },
      { name: 'post: right secret in Basic', form: {}, basic: basic('post', 'post-secret'), accept: true },
      { name: 'post: wrong secret in the body', form: { client_id: 'post', client_secret: 'post-secreT' }, accept: false },
      { name: 'post: empty secret in the body', form: { client_id: 'post', client_secret: '' }, accept: false },
      { name: 'post: another client\'s secret in the body', form: { client_id: 'post', client_secret: 'basic-secret' }, accept: false },
      { name: 'post: wrong secret in Basic', form: {}, basic: basic('post', 'nope'), accept: false },
      { name: 'post: no credential, only client_id', form: { client_id: 'post' }, accept: false },
      { name: 'post: wrong Basic and the right secret in the body', form: { client_secret: 'post-secret' }, basic: basic('post', 'nope'), accept: false },
      { name: 'post: a client assertion claiming post', form: {}, assertion: { iss: 'post', sub: 'post' }, accept: false },
      // private_key_jwt
      { name: 'jwt: a valid assertion', form: {}, assertion: {}, accept: true },
      { name: 'jwt: a valid assertion with its client_id', form: { client_id: jwt }, assertion: {}, accept: true },
      { name: 'jwt: Basic with any secret', form: {}, basic: basic(jwt, 'anything'), accept: false },
      { name: 'jwt: Basic with an empty secret', form: {}, basic: basic(jwt, ''), accept: false },
      { name: 'jwt: client_secret in the body', form: { client_id: jwt, client_secret: 'anything' }, accept: false },
      { name: 'jwt: no credential, only client_id', form: { client_id: jwt }, accept: false },
      { name: 'jwt: assertion signed with another key', form: {}, assertion: { pem: otherPem }, accept: false },
      { name: 'jwt: assertion for another audience', form: {}, assertion: { aud: 'https://elsewhere.example/token' }, accept: false },
      { name: 'jwt: assertion already expired', form: {}, assertion: { expIn: -600 }, accept: false },
      { name: 'jwt: assertion with a wrong client_assertion_type', form: { client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:saml2-bearer' }, assertion: {}, accept: false },
      { name: 'jwt: valid assertion with another client_id in the body', form: { client_id: 'basic' }, assertion: {}, accept: false },
      // Lenient by design: a Basic header naming the assertion's own client is ignored (the
      // strict-client-auth-header fault refuses it); one naming another client never is.
      { name: 'jwt: valid assertion and a Basic header naming the same client', form: {}, assertion: {}, basic: basic(jwt, 'anything'), accept: true },
      { name: 'jwt: valid assertion and a Basic header naming another client', form: {}, assertion: {}, basic: basic('pub', ''), accept: false },
      { name: 'jwt: valid assertion and another client\'s right Basic credentials', form: {}, assertion: {}, basic: basic('basic', 'basic-secret'), accept: false },
    ];
  });
  after(() => sb.close());

  // A fresh assertion per request: a reused jti would be refused as a replay, hiding the reason under test.
  async function send(url: string, c: Case, extra: Record<string, string>): Promise<TokenAnswer> {
    const form: Record<string, string> = { ...extra };
    if (c.assertion !== undefined) Object.assign(form, { client_assertion_type: ASSERTION_TYPE, client_assertion: await clientAssertion(sb, c.assertion) });
    Object.assign(form, c.form);
    return postForm(url, form, c.basic === undefined ? {} : { authorization: c.basic });
  }

  const refused = (r: TokenAnswer): boolean => r.status === 401 || r.json['error'] === 'invalid_client' || r.json['error'] === 'invalid_request';

  it('at the token endpoint: wrong credentials get invalid_client/invalid_request, right ones get past authentication', async () => {
    // A bogus refresh token: an authenticated client gets invalid_grant (or unauthorized_client
    // when not registered for refresh_token), never a token.
    const wrong: string[] = [];
    for (const c of cases) {
      const r = await send(`${sb.issuer}/token`, c, { grant_type: 'refresh_token', refresh_token: 'not-a-refresh-token' });
      if (c.accept && (refused(r) || !['invalid_grant', 'unauthorized_client'].includes(String(r.json['error'])))) wrong.push(`${c.name}: expected past authentication (invalid_grant), got ${r.status} ${r.text}`);
      if (!c.accept && !refused(r)) wrong.push(`${c.name}: expected refused, got ${r.status} ${r.text}`);
      if (!c.accept && r.status === 200) wrong.push(`${c.name}: a token was issued`);
    }
    assert.deepEqual(wrong, []);
  });

  it('at the token endpoint with client_credentials: no wrong credential ever yields a token', async () => {
    const secretClients = await startSandbox({
      clients: [
        { client_id: 'basic', client_secret: 'basic-secret', token_endpoint_auth_method: 'client_secret_basic', redirect_uris: [], grant_types: ['client_credentials'], scope: 'system/*.rs' },
        { client_id: 'post', client_secret: 'post-secret', token_endpoint_auth_method: 'client_secret_post', redirect_uris: [], grant_types: ['client_credentials'], scope: 'system/*.rs' },
      ],
    });
    try {
      const url = `${secretClients.issuer}/token`;
      const form = (extra: Record<string, string>): Record<string, string> => ({ grant_type: 'client_credentials', scope: 'system/*.rs', ...extra });
      assert.equal((await postForm(url, form({ client_id: 'post', client_secret: 'post-secret' }))).status, 200);
      assert.equal((await postForm(url, form({}), { authorization: basic('basic', 'basic-secret') })).status, 200);
      for (const [name, extra, header] of [
        ['post, wrong body secret', { client_id: 'post', client_secret: 'wrong' }, undefined],
        ['basic, wrong body secret', { client_id: 'basic', client_secret: 'wrong' }, undefined],
        ['post, wrong Basic', {}, basic('post', 'wrong')],
        ['basic, wrong Basic', {}, basic('basic', 'wrong')],
      ] as const) {
        const r = await postForm(url, form(extra), header === undefined ? {} : { authorization: header });
        assert.equal(r.status, 401, `${name}: ${r.text}`);
        assert.equal(r.json['error'], 'invalid_client', name);
        assert.equal(r.json['access_token'], undefined, name);
      }
    } finally {
      await secretClients.close();
    }
  });

  it('at the introspection endpoint the same credentials get the same answers', async () => {
    const wrong: string[] = [];
    for (const c of cases) {
      const r = await send(`${sb.issuer}/introspect`, c, { token: 'not-a-token' });
      if (c.accept && r.status !== 200) wrong.push(`${c.name}: expected 200, got ${r.status} ${r.text}`);
      if (!c.accept && r.status === 200) wrong.push(`${c.name}: expected refused, got 200 ${r.text}`);
    }
    assert.deepEqual(wrong, []);
  });
});
