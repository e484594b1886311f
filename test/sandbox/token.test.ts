import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPair, exportPKCS8, createLocalJWKSet, jwtVerify } from 'jose';
import { startSandbox } from '../../src/sandbox/index.js';
import type { SandboxHandle } from '../../src/sandbox/types.js';
import { authorize, authorizeParams, backendToken, clientAssertion, codeFlow, decodePayload, pkce, postForm, REDIRECT, tokenUrl } from './helpers.js';

describe('sandbox token endpoint', () => {
  let sb: SandboxHandle;
  let secret: string;
  before(async () => {
    sb = await startSandbox({
      clients: [
        { client_id: 'post-client', client_secret: 'post-secret', token_endpoint_auth_method: 'client_secret_post', redirect_uris: ['https://app.example/cb'], grant_types: ['authorization_code'], scope: 'openid fhirUser launch/patient offline_access patient/*.rs' },
        { client_id: 'cc-secret', client_secret: 'cc-secret-value', token_endpoint_auth_method: 'client_secret_basic', redirect_uris: [], grant_types: ['client_credentials'], scope: 'system/*.rs' },
      ],
    });
    secret = sb.clients.find((c) => c.client_id === sb.demoClients.confidential)?.client_secret ?? '';
  });
  after(() => sb.close());

  it('exchanges a code for a SMART token response with id_token, refresh_token and patient context', async () => {
    const { token, params } = await codeFlow(sb);
    assert.equal(token.status, 200);
    assert.equal(token.headers.get('cache-control'), 'no-store');
    const t = token.json;
    assert.equal(t['token_type'], 'Bearer');
    assert.equal(t['expires_in'], 3600);
    assert.equal(t['scope'], 'openid fhirUser launch/patient offline_access patient/*.rs');
    assert.equal(typeof t['access_token'], 'string');
    assert.equal(typeof t['refresh_token'], 'string');
    assert.equal(typeof t['patient'], 'string');
    assert.equal(t['need_patient_banner'], true);
    assert.equal(t['smart_style_url'], `${sb.fhirBaseUrl.replace('/fhir', '')}/ehr/smart-style.json`);
    const jwks = createLocalJWKSet((await (await fetch(`${sb.issuer}/jwks`)).json()) as { keys: [] });
    const { payload, protectedHeader } = await jwtVerify(String(t['id_token']), jwks, { issuer: sb.issuer, audience: sb.demoClients.public });
    assert.equal(protectedHeader.alg, 'RS256');
    assert.equal(payload['nonce'], params.get('nonce'));
    assert.match(String(payload['fhirUser']), new RegExp(`^${sb.fhirBaseUrl}/(Practitioner|Patient)/`));
    assert.equal(typeof payload.sub, 'string');
    const style = await fetch(String(t['smart_style_url']));
    assert.equal(style.status, 200);
    await style.text();
  });

  it('gives no id_token without openid and no refresh_token without offline_access/online_access', async () => {
    const { token } = await codeFlow(sb, { scope: 'launch/patient patient/*.rs' });
    assert.equal(token.status, 200);
    assert.equal(token.json['id_token'], undefined);
    assert.equal(token.json['refresh_token'], undefined);
  });

  it('codes are single use; the replay revokes the tokens the code gave', async () => {
    const { token, code, params, pkce: p } = await codeFlow(sb);
    const again = await postForm(tokenUrl(sb), { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, client_id: params.get('client_id') ?? '', code_verifier: p.verifier });
    assert.equal(again.status, 400);
    assert.equal(again.json['error'], 'invalid_grant');
    assert.match(String(again.json['error_description']), /already used/);
    assert.equal(again.json['error_uri'], `${sb.issuer}/errors/invalid_grant`);
    const intro = await postForm(`${sb.issuer}/introspect`, { token: String(token.json['access_token']), client_id: sb.demoClients.public });
    assert.equal(intro.json['active'], false);
  });

  it('checks PKCE and the redirect_uri', async () => {
    const p = pkce();
    const params = authorizeParams(sb, p);
    const code = (await authorize(sb, params)).query.get('code') ?? '';
    const base = { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, client_id: sb.demoClients.public };
    const wrongVerifier = await postForm(tokenUrl(sb), { ...base, code_verifier: pkce().verifier });
    assert.equal(wrongVerifier.json['error'], 'invalid_grant');
    assert.match(String(wrongVerifier.json['error_description']), /code_challenge/);
    const noVerifier = await postForm(tokenUrl(sb), base);
    assert.equal(noVerifier.json['error'], 'invalid_request');
    const wrongRedirect = await postForm(tokenUrl(sb), { ...base, redirect_uri: 'http://127.0.0.1:5556/callback', code_verifier: p.verifier });
    assert.equal(wrongRedirect.json['error'], 'invalid_grant');
    assert.match(String(wrongRedirect.json['error_description']), /redirect_uri: expected/);
    const ok = await postForm(tokenUrl(sb), { ...base, code_verifier: p.verifier });
    assert.equal(ok.status, 200);
  });

  it('a code works only for the client it was issued to', async () => {
    const p = pkce();
    const code = (await authorize(sb, authorizeParams(sb, p))).query.get('code') ?? '';
    const other = await postForm(tokenUrl(sb), { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: p.verifier }, { authorization: `Basic ${Buffer.from(`${sb.demoClients.confidential}:${secret}`).toString('base64')}` });
    assert.equal(other.json['error'], 'invalid_grant');
    assert.match(String(other.json['error_description']), /another client/);
  });

  it('authenticates a confidential client with client_secret_basic and client_secret_post', async () => {
    const p = pkce();
    const code = (await authorize(sb, authorizeParams(sb, p, { client_id: sb.demoClients.confidential }))).query.get('code') ?? '';
    const basic = await postForm(tokenUrl(sb), { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: p.verifier }, { authorization: `Basic ${Buffer.from(`${sb.demoClients.confidential}:${secret}`).toString('base64')}` });
    assert.equal(basic.status, 200);
    const p2 = pkce();
    const params = authorizeParams(sb, p2, { client_id: 'post-client', redirect_uri: 'https://app.example/cb', scope: 'openid patient/*.rs launch/patient' });
    const a = await authorize(sb, params);
    const code2 = a.query.get('code') ?? '';
    const post = await postForm(tokenUrl(sb), { grant_type: 'authorization_code', code: code2, redirect_uri: 'https://app.example/cb', code_verifier: p2.verifier, client_id: 'post-client', client_secret: 'post-secret' });
    assert.equal(post.status, 200);
  });

  it('refuses wrong or missing client credentials with 401 invalid_client', async () => {
    const wrong = await postForm(tokenUrl(sb), { grant_type: 'client_credentials', scope: 'system/*.rs' }, { authorization: `Basic ${Buffer.from('cc-secret:nope').toString('base64')}` });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.json['error'], 'invalid_client');
    assert.equal(wrong.headers.get('www-authenticate'), 'Basic realm="smartctl-sandbox"');
    const missing = await postForm(tokenUrl(sb), { grant_type: 'authorization_code', code: 'x', client_id: sb.demoClients.confidential });
    assert.equal(missing.status, 401);
    assert.match(String(missing.json['error_description']), /confidential/);
    const malformed = await postForm(tokenUrl(sb), { grant_type: 'client_credentials' }, { authorization: 'Basic !!!' });
    assert.equal(malformed.status, 401);
    assert.equal(malformed.json['error_uri'], `${sb.issuer}/errors/invalid-authorization-header`);
    const unknown = await postForm(tokenUrl(sb), { grant_type: 'authorization_code', code: 'x', client_id: 'nobody' });
    assert.equal(unknown.status, 401);
  });

  it('answers a JWT sent as Authorization: Bearer with 401 invalid_client naming an invalid authorization header', async () => {
    const assertion = await clientAssertion(sb);
    const res = await postForm(tokenUrl(sb), { grant_type: 'client_credentials', scope: 'system/*.rs' }, { authorization: `Bearer ${assertion}` });
    assert.equal(res.status, 401);
    assert.equal(res.json['error'], 'invalid_client');
    assert.equal(res.json['error_uri'], `${sb.issuer}/errors/invalid-authorization-header`);
    const page = await fetch(String(res.json['error_uri']));
    assert.match(await page.text(), /client_assertion_type/);
  });

  it('client_credentials with a client secret', async () => {
    const res = await postForm(tokenUrl(sb), { grant_type: 'client_credentials', scope: 'system/*.rs system/Observation.rs' }, { authorization: `Basic ${Buffer.from('cc-secret:cc-secret-value').toString('base64')}` });
    assert.equal(res.status, 200);
    assert.equal(res.json['scope'], 'system/*.rs system/Observation.rs');
    assert.equal(res.json['refresh_token'], undefined);
    assert.equal(res.json['id_token'], undefined);
    const noScope = await postForm(tokenUrl(sb), { grant_type: 'client_credentials', scope: 'patient/*.rs' }, { authorization: `Basic ${Buffer.from('cc-secret:cc-secret-value').toString('base64')}` });
    assert.equal(noScope.json['error'], 'invalid_scope');
  });

  it('client_credentials with private_key_jwt, and every SMART assertion rule', async () => {
    const ok = await backendToken(sb, await clientAssertion(sb));
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.json['scope'], 'system/*.rs');

    const other = await generateKeyPair('ES384', { extractable: true });
    const otherPem = await exportPKCS8(other.privateKey);
    const rsa = await generateKeyPair('RS256', { extractable: true });
    const rsaPem = await exportPKCS8(rsa.privateKey);
    // error_description carries the finding id smartctl's own client-assertion lint gives.
    const cases: Array<[string, Parameters<typeof clientAssertion>[1], RegExp]> = [
      ['aud = issuer', { aud: sb.issuer }, /aud: expected .*\(assertion-aud-mismatch\)/],
      ['exp 10 min ahead', { expIn: 600 }, /at most 300 s.*\(assertion-exp-too-long\)/],
      ['expired', { expIn: -60 }, /expired.*\(assertion-expired\)/],
      ['no kid', { kid: null }, /no kid.*\(assertion-kid-missing\)/],
      ['unknown kid', { kid: 'other' }, /no key with kid "other".*\(assertion-key-not-resolvable\)/],
      ['iss != sub', { sub: 'someone-else' }, /iss and sub must both be the client id.*\(assertion-iss-sub-mismatch\)/],
      ['unknown iss', { iss: 'nobody', sub: 'nobody' }, /not a registered client_id/],
      ['no jti', { jti: null }, /no jti.*\(assertion-jti-missing\)/],
      ['wrong key', { pem: otherPem }, /signature does not verify.*\(assertion-signature-invalid\)/],
      ['RS256', { alg: 'RS256', pem: rsaPem }, /expected RS384 or ES384.*\(assertion-alg-unsupported\)/],
    ];
    for (const [label, options, description] of cases) {
      const res = await backendToken(sb, await clientAssertion(sb, options));
      assert.equal(res.status, 401, label);
      assert.equal(res.json['error'], 'invalid_client', label);
      assert.match(String(res.json['error_description']), description, label);
      assert.equal(res.json['error_uri'], `${sb.issuer}/errors/invalid-client-assertion`, label);
    }
    const garbage = await backendToken(sb, 'not-a-jwt');
    assert.equal(garbage.status, 401);
    assert.match(String(garbage.json['error_description']), /not a compact JWS/);
  });

  it('refuses a replayed client assertion jti', async () => {
    const assertion = await clientAssertion(sb);
    assert.equal((await backendToken(sb, assertion)).status, 200);
    const replay = await backendToken(sb, assertion);
    assert.equal(replay.status, 401);
    assert.match(String(replay.json['error_description']), /already used.*assertion-jti-reused/);
  });

  it('refreshes (rotating the refresh token) and refuses a widened scope', async () => {
    const { token } = await codeFlow(sb);
    const rt = String(token.json['refresh_token']);
    const wider = await postForm(tokenUrl(sb), { grant_type: 'refresh_token', refresh_token: rt, client_id: sb.demoClients.public, scope: 'openid patient/*.cruds' });
    assert.equal(wider.json['error'], 'invalid_scope');
    const narrower = await postForm(tokenUrl(sb), { grant_type: 'refresh_token', refresh_token: rt, client_id: sb.demoClients.public, scope: 'offline_access patient/*.rs' });
    assert.equal(narrower.status, 200, narrower.text);
    assert.equal(narrower.json['scope'], 'offline_access patient/*.rs');
    assert.notEqual(narrower.json['refresh_token'], rt);
    const old = await postForm(tokenUrl(sb), { grant_type: 'refresh_token', refresh_token: rt, client_id: sb.demoClients.public });
    assert.equal(old.json['error'], 'invalid_grant');
    const stolen = await postForm(tokenUrl(sb), { grant_type: 'refresh_token', refresh_token: String(narrower.json['refresh_token']) }, { authorization: `Basic ${Buffer.from(`${sb.demoClients.confidential}:${secret}`).toString('base64')}` });
    assert.equal(stolen.json['error'], 'invalid_grant');
  });

  it('gives no refresh token to a client not registered for refresh_token, even with offline_access', async () => {
    const p = pkce();
    const params = authorizeParams(sb, p, { client_id: 'post-client', redirect_uri: 'https://app.example/cb', scope: 'openid patient/*.rs launch/patient offline_access' });
    const code = (await authorize(sb, params)).query.get('code') ?? '';
    const t = await postForm(tokenUrl(sb), { grant_type: 'authorization_code', code, redirect_uri: 'https://app.example/cb', code_verifier: p.verifier, client_id: 'post-client', client_secret: 'post-secret' });
    assert.equal(t.status, 200);
    assert.match(String(t.json['scope']), /offline_access/);
    assert.equal(t.json['refresh_token'], undefined);
    const refresh = await postForm(tokenUrl(sb), { grant_type: 'refresh_token', refresh_token: 'x', client_id: 'post-client', client_secret: 'post-secret' });
    assert.equal(refresh.json['error'], 'unauthorized_client');
  });

  it('refuses bad requests per RFC 6749 §5.2', async () => {
    const unsupported = await postForm(tokenUrl(sb), { grant_type: 'password', client_id: sb.demoClients.public });
    assert.equal(unsupported.json['error'], 'unsupported_grant_type');
    const noGrant = await postForm(tokenUrl(sb), { client_id: sb.demoClients.public });
    assert.equal(noGrant.json['error'], 'invalid_request');
    const unauthorized = await postForm(tokenUrl(sb), { grant_type: 'client_credentials', client_id: sb.demoClients.public });
    assert.equal(unauthorized.json['error'], 'unauthorized_client');
    const json = await fetch(tokenUrl(sb), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"grant_type":"client_credentials"}' });
    assert.equal(json.status, 400);
    assert.match(String(((await json.json()) as Record<string, unknown>)['error_description']), /x-www-form-urlencoded/);
    const get = await fetch(tokenUrl(sb));
    assert.equal(get.status, 405);
    await get.text();
    const badCode = await postForm(tokenUrl(sb), { grant_type: 'authorization_code', code: 'nope', redirect_uri: REDIRECT, code_verifier: pkce().verifier, client_id: sb.demoClients.public });
    assert.equal(badCode.json['error'], 'invalid_grant');
  });

  it('the id_token payload decodes without verification too (sanity of the helper)', async () => {
    const { token } = await codeFlow(sb);
    assert.equal(decodePayload(String(token.json['id_token']))['aud'], sb.demoClients.public);
  });
});
