// The tokens a report shows: decoded header and claims, from the trace and from decode's and
// jwt-assert's data; a JWT-shaped claim is redacted unless --show-secrets; never the token.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { tokenViews } from '../../src/report/token-views.js';
import { Trace } from '../../src/report/trace.js';
import { unsignedJwt } from '../helpers/jwt.js';

it('tokens of a token response and a client assertion, each once, with nested JWT claims redacted', () => {
  const nested = unsignedJwt({ sub: 'inner' });
  const access = unsignedJwt({ iss: 'https://ehr.example', scope: 'patient/*.rs', act: nested, exp: 1_800_000_000 });
  const assertion = unsignedJwt({ iss: 'app', sub: 'app', aud: 'https://ehr.example/token', jti: 'j1' });
  const trace = new Trace();
  const body = JSON.stringify({ access_token: access, refresh_token: 'opaque-refresh-token-0123456789', token_type: 'Bearer' });
  for (let i = 0; i < 2; i++) trace.addExchange({ step: 'token', request: { method: 'POST', url: 'https://ehr.example/token', headers: {}, body: `grant_type=client_credentials&client_assertion=${assertion}` }, response: { status: 200, headers: {}, body }, startedAt: '2026-12-02T01:00:00.000Z', durationMs: 1 });
  const views = tokenViews({ data: {}, trace: trace.entries }, false);
  assert.deepEqual(views.map((v) => [v.name, v.kind, v.from]), [
    ['client_assertion', 'jwt', 'exchange 1 token (request)'],
    ['access_token', 'jwt', 'exchange 1 token (response)'],
    ['refresh_token', 'opaque', 'exchange 1 token (response)'],
  ]);
  assert.equal(views[1]?.claims?.['scope'], 'patient/*.rs');
  assert.equal(views[1]?.claims?.['act'], '[REDACTED]');
  assert.equal(views[1]?.length, access.length);
  assert.ok(!JSON.stringify(views).includes(access.split('.')[2] ?? 'x'));
  assert.equal(tokenViews({ data: {}, trace: trace.entries }, true)[1]?.claims?.['act'], nested);
});

it('decode keeps decoded parts only; jwt-assert gives its assertion\'s claims; an error answer gives no token', () => {
  const views = tokenViews({ data: { tokens: [{ name: 'id_token', kind: 'jwt', header: { alg: 'RS256' }, claims: { sub: 'u' } }], mode: 'build', assertion: 'eyJ.x.y', header: { alg: 'ES384' }, claims: { iss: 'svc' } } }, false);
  assert.deepEqual(views.map((v) => [v.name, v.from, v.claims]), [
    ['id_token', 'input', { sub: 'u' }],
    ['client assertion', 'built by jwt-assert', { iss: 'svc' }],
  ]);
  const trace = new Trace();
  trace.addExchange({ step: 'token', request: { method: 'POST', url: 'https://ehr.example/token', headers: {} }, response: { status: 400, headers: {}, body: JSON.stringify({ access_token: 'x'.repeat(20) }) }, startedAt: '2026-12-02T01:00:00.000Z', durationMs: 1 });
  assert.deepEqual(tokenViews({ data: {}, trace: trace.entries }, false), []);
});
