// Every fault: it changes what the sandbox does in the way its registry line says,
// and its registry line names the finding id smartctl's diagnosis gives for it.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { startSandbox } from '../../src/sandbox/index.js';
import { FAULTS, FAULT_NAMES, findFault } from '../../src/sandbox/faults/index.js';
import { FAULT_HOOKS } from '../../src/sandbox/faults/hooks.js';
import type { SandboxHandle } from '../../src/sandbox/types.js';
import { authorize, authorizeParams, backendToken, clientAssertion, codeFlow, decodeHeader, decodePayload, pkce, postForm, tokenUrl } from './helpers.js';

async function withFault(name: string, run: (sb: SandboxHandle) => Promise<void>): Promise<void> {
  const sb = await startSandbox({ faults: [name] });
  try {
    await run(sb);
  } finally {
    await sb.close();
  }
}

function expectFinding(fault: string, findingId: string): void {
  assert.equal(findFault(fault)?.findingId, findingId);
}

async function jwks(sb: SandboxHandle): Promise<ReturnType<typeof createLocalJWKSet>> {
  return createLocalJWKSet((await (await fetch(`${sb.issuer}/jwks`)).json()) as { keys: [] });
}

describe('sandbox fault registry', () => {
  it('has a hooks file for every registry line and a registry line for every hooks file', () => {
    assert.deepEqual([...FAULT_HOOKS.map((h) => h.name)].sort(), [...FAULT_NAMES].sort());
    assert.ok(FAULTS.length >= 12);
  });

  it('names each fault and finding id in kebab-case and says what it mirrors', () => {
    for (const f of FAULTS) {
      assert.match(f.name, /^[a-z0-9]+(-[a-z0-9]+)*$/);
      assert.match(f.findingId, /^[a-z0-9]+(-[a-z0-9]+)*$/);
      assert.ok(f.effect.length > 20 && f.mirrors.length > 20, f.name);
    }
  });

  it('refuses an unknown fault with a usage error listing the valid ones', async () => {
    await assert.rejects(startSandbox({ faults: ['no-such-fault'] }), (e: Error & { code?: string; kind?: string }) => {
      assert.equal(e.code, 'sandbox-unknown-fault');
      assert.equal(e.kind, 'usage');
      assert.match(e.message, /drop-openid/);
      return true;
    });
  });
});

describe('sandbox faults', () => {
  it('drop-openid: the grant loses openid and profile, no id_token', async () => {
    expectFinding('drop-openid', 'openid-scope-dropped');
    await withFault('drop-openid', async (sb) => {
      const { token } = await codeFlow(sb, { scope: 'openid profile fhirUser launch/patient patient/*.rs' });
      assert.equal(token.status, 200);
      assert.equal(token.json['scope'], 'fhirUser launch/patient patient/*.rs');
      assert.equal(token.json['id_token'], undefined);
    });
  });

  it('force-authn-stale-session: forceAuthn=true with a session cookie is a 400; without the cookie it passes', async () => {
    expectFinding('force-authn-stale-session', 'force-authn-rejected');
    await withFault('force-authn-stale-session', async (sb) => {
      const first = await authorize(sb, authorizeParams(sb, pkce(), { forceAuthn: 'true' }));
      assert.equal(first.status, 302, 'no cookie yet: passes');
      const cookie = (first.setCookie ?? '').split(';')[0] ?? '';
      assert.match(cookie, /^smartctl_sandbox_session=/);
      const stale = await authorize(sb, authorizeParams(sb, pkce(), { forceAuthn: 'true' }), { cookie });
      assert.equal(stale.status, 400);
      assert.equal(stale.location, null);
      assert.match(stale.body, /Bad Request/);
      const plain = await authorize(sb, authorizeParams(sb, pkce()), { cookie });
      assert.equal(plain.status, 302, 'without forceAuthn the cookie is fine');
      const fresh = await authorize(sb, authorizeParams(sb, pkce(), { forceAuthn: 'true' }));
      assert.equal(fresh.status, 302, 'a fresh browser session passes');
    });
  });

  it('strict-client-auth-header: a Basic header from a private_key_jwt client is refused too', async () => {
    expectFinding('strict-client-auth-header', 'client-assertion-in-authorization-header');
    await withFault('strict-client-auth-header', async (sb) => {
      const bearer = await backendToken(sb, await clientAssertion(sb), 'system/*.rs', { authorization: `Bearer ${await clientAssertion(sb)}` });
      assert.equal(bearer.status, 401);
      assert.equal(bearer.json['error_uri'], `${sb.issuer}/errors/invalid-authorization-header`);
      const extraBasic = await backendToken(sb, await clientAssertion(sb), 'system/*.rs', { authorization: `Basic ${Buffer.from('smartctl-backend:x').toString('base64')}` });
      assert.equal(extraBasic.status, 401);
      assert.equal(extraBasic.json['error_uri'], `${sb.issuer}/errors/invalid-authorization-header`);
      const clean = await backendToken(sb, await clientAssertion(sb));
      assert.equal(clean.status, 200);
    });
    // Without the fault the extra Basic header is ignored and the assertion wins.
    const sb = await startSandbox({});
    try {
      const extraBasic = await backendToken(sb, await clientAssertion(sb), 'system/*.rs', { authorization: `Basic ${Buffer.from('smartctl-backend:x').toString('base64')}` });
      assert.equal(extraBasic.status, 200);
    } finally {
      await sb.close();
    }
  });

  it('id-token-unknown-kid: the id_token kid is not in the JWKS', async () => {
    expectFinding('id-token-unknown-kid', 'id-token-kid-not-in-jwks');
    await withFault('id-token-unknown-kid', async (sb) => {
      const { token } = await codeFlow(sb);
      const idToken = String(token.json['id_token']);
      const published = ((await (await fetch(`${sb.issuer}/jwks`)).json()) as { keys: Array<{ kid: string }> }).keys.map((k) => k.kid);
      assert.ok(!published.includes(String(decodeHeader(idToken)['kid'])));
      await assert.rejects(jwtVerify(idToken, await jwks(sb)), { code: 'ERR_JWKS_NO_MATCHING_KEY' });
    });
  });

  it('id-token-wrong-aud: aud is the FHIR base, not the client id', async () => {
    expectFinding('id-token-wrong-aud', 'id-token-aud-azp-mismatch');
    await withFault('id-token-wrong-aud', async (sb) => {
      const { token } = await codeFlow(sb);
      assert.equal(decodePayload(String(token.json['id_token']))['aud'], sb.fhirBaseUrl);
    });
  });

  it('clock-skew-future-iat: iat is 600 s ahead of the token response', async () => {
    expectFinding('clock-skew-future-iat', 'id-token-clock-skew');
    await withFault('clock-skew-future-iat', async (sb) => {
      const before = Math.floor(Date.now() / 1000);
      const { token } = await codeFlow(sb);
      const after = Math.floor(Date.now() / 1000);
      const iat = Number(decodePayload(String(token.json['id_token']))['iat']);
      assert.ok(iat >= before + 600 && iat <= after + 600, `iat ${iat} not 600 s ahead of ${before}..${after}`);
    });
  });

  it('jwks-down: jwks_uri answers 503 HTML', async () => {
    expectFinding('jwks-down', 'jwks-unreachable');
    await withFault('jwks-down', async (sb) => {
      const res = await fetch(`${sb.issuer}/jwks`);
      assert.equal(res.status, 503);
      assert.match(res.headers.get('content-type') ?? '', /text\/html/);
      await res.text();
    });
  });

  it('no-smart-configuration: 404 there, metadata still names the endpoints', async () => {
    expectFinding('no-smart-configuration', 'smart-configuration-missing');
    await withFault('no-smart-configuration', async (sb) => {
      const res = await fetch(`${sb.fhirBaseUrl}/.well-known/smart-configuration`);
      assert.equal(res.status, 404);
      await res.text();
      const metadata = await fetch(`${sb.fhirBaseUrl}/metadata`);
      assert.equal(metadata.status, 200);
      assert.ok((await metadata.text()).includes(tokenUrl(sb)));
    });
  });

  it('v1-only-scopes: v2 scopes come back in v1 spelling', async () => {
    expectFinding('v1-only-scopes', 'scope-v1-v2-syntax-mismatch');
    await withFault('v1-only-scopes', async (sb) => {
      const { token } = await codeFlow(sb, { scope: 'openid launch/patient patient/Observation.rs patient/Condition.r' });
      assert.equal(token.json['scope'], 'openid launch/patient patient/Observation.read');
    });
  });

  it('no-refresh-token: offline_access granted, no refresh_token', async () => {
    expectFinding('no-refresh-token', 'no-refresh-token-despite-offline-access');
    await withFault('no-refresh-token', async (sb) => {
      const { token } = await codeFlow(sb);
      assert.match(String(token.json['scope']), /offline_access/);
      assert.equal(token.json['refresh_token'], undefined);
    });
  });

  it('redirect-uri-trailing-slash: the exact registered URI is refused, the slashed one accepted', async () => {
    expectFinding('redirect-uri-trailing-slash', 'redirect-uri-mismatch');
    await withFault('redirect-uri-trailing-slash', async (sb) => {
      const exact = await authorize(sb, authorizeParams(sb, pkce(), { redirect_uri: 'http://127.0.0.1/callback' }));
      assert.equal(exact.status, 400);
      assert.match(exact.body, /does not match any registered/);
      const slashed = await authorize(sb, authorizeParams(sb, pkce(), { redirect_uri: 'http://127.0.0.1/callback/' }));
      assert.equal(slashed.status, 302);
    });
  });

  it('token-500: the token endpoint answers 500 with a non-OAuth body', async () => {
    expectFinding('token-500', 'token-endpoint-server-error');
    await withFault('token-500', async (sb) => {
      const res = await backendToken(sb, await clientAssertion(sb));
      assert.equal(res.status, 500);
      assert.equal(res.json['error'], undefined);
    });
  });

  it('token-html: the token endpoint answers 200 text/html', async () => {
    expectFinding('token-html', 'token-response-nonconformant-shape');
    await withFault('token-html', async (sb) => {
      const res = await backendToken(sb, await clientAssertion(sb));
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /text\/html/);
      assert.throws(() => JSON.parse(res.text) as unknown);
    });
  });

  it('slow-token-endpoint: the answer says it was delayed 3000 ms and still succeeds', async () => {
    expectFinding('slow-token-endpoint', 'token-endpoint-slow');
    await withFault('slow-token-endpoint', async (sb) => {
      const res = await backendToken(sb, await clientAssertion(sb));
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('server-timing'), 'sandbox-delay;dur=3000');
    });
  });

  it('missing-patient-context: launch/patient granted, no patient in the token response', async () => {
    expectFinding('missing-patient-context', 'token-response-missing-launch-context');
    await withFault('missing-patient-context', async (sb) => {
      const { token } = await codeFlow(sb);
      assert.match(String(token.json['scope']), /launch\/patient/);
      assert.equal(token.json['patient'], undefined);
    });
  });

  it('issuer-mismatch: discovery names an issuer the id_token iss does not match', async () => {
    expectFinding('issuer-mismatch', 'issuer-mismatch');
    await withFault('issuer-mismatch', async (sb) => {
      const doc = (await (await fetch(`${sb.issuer}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
      assert.equal(doc['issuer'], `${sb.issuer}/`);
      const smart = (await (await fetch(`${sb.fhirBaseUrl}/.well-known/smart-configuration`)).json()) as Record<string, unknown>;
      assert.equal(smart['issuer'], sb.issuer);
      const { token } = await codeFlow(sb);
      assert.equal(decodePayload(String(token.json['id_token']))['iss'], sb.issuer);
    });
  });

  it('pkce-not-advertised: no code_challenge_methods_supported, yet S256 is still required', async () => {
    expectFinding('pkce-not-advertised', 'discovery-missing-pkce-methods');
    await withFault('pkce-not-advertised', async (sb) => {
      const doc = (await (await fetch(`${sb.fhirBaseUrl}/.well-known/smart-configuration`)).json()) as Record<string, unknown>;
      assert.equal(doc['code_challenge_methods_supported'], undefined);
      const a = await authorize(sb, authorizeParams(sb, pkce(), { code_challenge: undefined, code_challenge_method: undefined }));
      assert.equal(a.query.get('error'), 'invalid_request');
    });
  });

  it('faults combine', async () => {
    const sb = await startSandbox({ faults: ['drop-openid', 'no-refresh-token'] });
    try {
      const { token } = await codeFlow(sb);
      assert.equal(token.json['id_token'], undefined);
      assert.equal(token.json['refresh_token'], undefined);
      const res = await postForm(tokenUrl(sb), { grant_type: 'password', client_id: sb.demoClients.public });
      assert.equal(res.json['error'], 'unsupported_grant_type');
    } finally {
      await sb.close();
    }
  });
});
