// What the official SMART client (fhirclient) needs from the sandbox, at the HTTP level:
// a public client refreshes with grant_type + refresh_token only (RFC 6749 §6), bound to
// the client it was issued to; and an EHR launch that grants launch/patient supplies the
// EHR's patient.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSandbox } from '../../src/sandbox/index.js';
import type { SandboxHandle } from '../../src/sandbox/types.js';
import { authorize, authorizeParams, codeFlow, pkce, postForm, REDIRECT, tokenUrl } from './helpers.js';

let sb: SandboxHandle;
before(async () => {
  sb = await startSandbox();
});
after(async () => {
  await sb.close();
});

function basicFor(clientId: string): string {
  const c = sb.clients.find((x) => x.client_id === clientId);
  return `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(c?.client_secret ?? '')}`).toString('base64')}`;
}

test('regression: a public client refreshes with only grant_type and refresh_token (was 401 "no client authentication")', async () => {
  const { token } = await codeFlow(sb);
  const refreshToken = String(token.json['refresh_token']);
  const r = await postForm(tokenUrl(sb), { grant_type: 'refresh_token', refresh_token: refreshToken });
  assert.equal(r.status, 200, r.text);
  assert.equal(typeof r.json['access_token'], 'string');
  assert.notEqual(r.json['refresh_token'], refreshToken, 'rotated');
  // The rotated-out token is gone, with or without client_id.
  const again = await postForm(tokenUrl(sb), { grant_type: 'refresh_token', refresh_token: refreshToken });
  assert.equal(again.status, 401, again.text);
});

test('a public refresh token presented by another, authenticated client is refused', async () => {
  const { token } = await codeFlow(sb);
  const refreshToken = String(token.json['refresh_token']);
  const r = await postForm(tokenUrl(sb), { grant_type: 'refresh_token', refresh_token: refreshToken }, { authorization: basicFor(sb.demoClients.confidential) });
  assert.equal(r.status, 400, r.text);
  assert.equal(r.json['error'], 'invalid_grant');
  assert.match(String(r.json['error_description']), /issued to another client/);
  // Still valid for its own client afterwards.
  const own = await postForm(tokenUrl(sb), { grant_type: 'refresh_token', refresh_token: refreshToken });
  assert.equal(own.status, 200, own.text);
});

test("a confidential client's refresh token without its credentials is refused (invalid_client)", async () => {
  const p = pkce();
  const params = authorizeParams(sb, p, { client_id: sb.demoClients.confidential });
  const code = (await authorize(sb, params)).query.get('code') ?? '';
  const token = await postForm(tokenUrl(sb), { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: p.verifier }, { authorization: basicFor(sb.demoClients.confidential) });
  assert.equal(token.status, 200, token.text);
  const r = await postForm(tokenUrl(sb), { grant_type: 'refresh_token', refresh_token: String(token.json['refresh_token']) });
  assert.equal(r.status, 401, r.text);
  assert.equal(r.json['error'], 'invalid_client');
});

test('regression: an EHR launch granting launch/patient (without launch) answers with the EHR patient (was no patient)', async () => {
  const res = await fetch(`${sb.ehrLaunchUrl}?launch_url=${encodeURIComponent('http://127.0.0.1:7777/launch')}`, { redirect: 'manual' });
  const launchUrl = new URL(res.headers.get('location') ?? '');
  const launchId = launchUrl.searchParams.get('launch') ?? '';
  const p = pkce();
  const a = await authorize(sb, authorizeParams(sb, p, { scope: 'openid fhirUser launch/patient patient/*.rs', launch: launchId }));
  const t = await postForm(tokenUrl(sb), { grant_type: 'authorization_code', code: a.query.get('code') ?? '', redirect_uri: REDIRECT, client_id: sb.demoClients.public, code_verifier: p.verifier });
  assert.equal(t.status, 200, t.text);
  assert.match(String(t.json['scope']), /launch\/patient/);
  const patient = t.json['patient'];
  assert.equal(typeof patient, 'string', t.text);
  const read = await fetch(`${sb.fhirBaseUrl}/Patient/${String(patient)}`, { headers: { authorization: `Bearer ${String(t.json['access_token'])}` } });
  assert.equal(read.status, 200);
});
