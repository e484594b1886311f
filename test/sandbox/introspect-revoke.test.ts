import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startSandbox } from '../../src/sandbox/index.js';
import type { SandboxHandle } from '../../src/sandbox/types.js';
import { backendToken, clientAssertion, codeFlow, postForm } from './helpers.js';

describe('sandbox introspection (RFC 7662) and revocation (RFC 7009)', () => {
  let sb: SandboxHandle;
  before(async () => {
    sb = await startSandbox({});
  });
  after(() => sb.close());

  it('introspects an access token: active, scope, client_id, patient, exp', async () => {
    const { token } = await codeFlow(sb);
    const at = String(token.json['access_token']);
    const res = await postForm(`${sb.issuer}/introspect`, { token: at, client_id: sb.demoClients.public });
    assert.equal(res.status, 200);
    assert.equal(res.json['active'], true);
    assert.equal(res.json['scope'], token.json['scope']);
    assert.equal(res.json['client_id'], sb.demoClients.public);
    assert.equal(res.json['patient'], token.json['patient']);
    assert.equal(typeof res.json['exp'], 'number');
    // A resource server may introspect with a bearer token instead of client credentials.
    const bearer = await postForm(`${sb.issuer}/introspect`, { token: at }, { authorization: `Bearer ${at}` });
    assert.equal(bearer.json['active'], true);
  });

  it('says active: false for unknown tokens and needs caller authentication', async () => {
    const res = await postForm(`${sb.issuer}/introspect`, { token: 'nope', client_id: sb.demoClients.public });
    assert.deepEqual(res.json, { active: false });
    const anonymous = await postForm(`${sb.issuer}/introspect`, { token: 'nope' });
    assert.equal(anonymous.status, 401);
    const missing = await postForm(`${sb.issuer}/introspect`, { client_id: sb.demoClients.public });
    assert.equal(missing.json['error'], 'invalid_request');
  });

  it('revokes an access token; revoking a refresh token revokes its access token', async () => {
    const { token } = await codeFlow(sb);
    const at = String(token.json['access_token']);
    const rt = String(token.json['refresh_token']);
    const revoked = await postForm(`${sb.issuer}/revoke`, { token: rt, token_type_hint: 'refresh_token', client_id: sb.demoClients.public });
    assert.equal(revoked.status, 200);
    assert.equal((await postForm(`${sb.issuer}/introspect`, { token: at, client_id: sb.demoClients.public })).json['active'], false);
    const refresh = await postForm(`${sb.issuer}/token`, { grant_type: 'refresh_token', refresh_token: rt, client_id: sb.demoClients.public });
    assert.equal(refresh.json['error'], 'invalid_grant');
    const fhir = await fetch(`${sb.fhirBaseUrl}/Patient/${String(token.json['patient'])}`, { headers: { authorization: `Bearer ${at}` } });
    assert.equal(fhir.status, 401);
    await fhir.text();
  });

  it('answers 200 for unknown tokens and leaves other clients\' tokens alone', async () => {
    const backend = await backendToken(sb, await clientAssertion(sb));
    const at = String(backend.json['access_token']);
    const other = await postForm(`${sb.issuer}/revoke`, { token: at, client_id: sb.demoClients.public });
    assert.equal(other.status, 200);
    assert.equal((await postForm(`${sb.issuer}/introspect`, { token: at, client_id: sb.demoClients.public })).json['active'], true);
    const unknown = await postForm(`${sb.issuer}/revoke`, { token: 'nope', client_id: sb.demoClients.public });
    assert.equal(unknown.status, 200);
    const own = await postForm(`${sb.issuer}/revoke`, { token: at, client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: await clientAssertion(sb) });
    assert.equal(own.status, 200);
    assert.equal((await postForm(`${sb.issuer}/introspect`, { token: at, client_id: sb.demoClients.public })).json['active'], false);
  });
});
