import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startSandbox } from '../../src/sandbox/index.js';
import type { SandboxHandle } from '../../src/sandbox/types.js';
import { authorizeParams, authorize, pkce, postForm, tokenUrl, REDIRECT } from './helpers.js';

describe('sandbox EHR launch simulator', () => {
  let sb: SandboxHandle;
  before(async () => {
    sb = await startSandbox({});
  });
  after(() => sb.close());

  async function launch(query: string): Promise<Response> {
    return fetch(`${sb.ehrLaunchUrl}?${query}`, { redirect: 'manual' });
  }

  it('redirects to the launch URL with iss and launch; the launch carries patient and encounter into the token response', async () => {
    const res = await launch(`launch_url=${encodeURIComponent('http://127.0.0.1:7777/launch?keep=1')}`);
    assert.equal(res.status, 302);
    const target = new URL(res.headers.get('location') ?? '');
    assert.equal(target.origin + target.pathname, 'http://127.0.0.1:7777/launch');
    assert.equal(target.searchParams.get('keep'), '1');
    assert.equal(target.searchParams.get('iss'), sb.fhirBaseUrl);
    const launchId = target.searchParams.get('launch') ?? '';
    assert.notEqual(launchId, '');

    const p = pkce();
    const a = await authorize(sb, authorizeParams(sb, p, { scope: 'launch openid fhirUser patient/*.rs', launch: launchId }));
    const code = a.query.get('code') ?? '';
    assert.notEqual(code, '', a.location ?? a.body);
    const t = await postForm(tokenUrl(sb), { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, client_id: sb.demoClients.public, code_verifier: p.verifier });
    assert.equal(t.status, 200);
    assert.equal(typeof t.json['patient'], 'string');
    assert.equal(t.json['need_patient_banner'], false);
    assert.equal(t.json['scope'], 'launch openid fhirUser patient/*.rs');
  });

  it('launches with the patient, encounter and user asked for', async () => {
    const page = await (await fetch(sb.ehrLaunchUrl)).text();
    const patients = [...page.matchAll(/<option value="([^"]+)">[^<]*\(Patient\//g)].map((m) => m[1] ?? '');
    assert.ok(patients.length >= 1);
    const patient = patients[patients.length - 1] ?? '';
    const res = await launch(`launch_url=${encodeURIComponent('http://127.0.0.1:7777/launch')}&patient=${patient}&encounter=enc-x`);
    const launchId = new URL(res.headers.get('location') ?? '').searchParams.get('launch') ?? '';
    const p = pkce();
    const a = await authorize(sb, authorizeParams(sb, p, { scope: 'launch patient/*.rs', launch: launchId }));
    const t = await postForm(tokenUrl(sb), { grant_type: 'authorization_code', code: a.query.get('code') ?? '', redirect_uri: REDIRECT, client_id: sb.demoClients.public, code_verifier: p.verifier });
    assert.equal(t.json['patient'], patient);
    assert.equal(t.json['encounter'], 'enc-x');
  });

  it('launch contexts never mix between launches', async () => {
    const page = await (await fetch(sb.ehrLaunchUrl)).text();
    const patients = [...new Set([...page.matchAll(/<option value="([^"]+)">[^<]*\(Patient\//g)].map((m) => m[1] ?? ''))];
    const ids = await Promise.all(
      patients.map(async (patient) => {
        const res = await launch(`launch_url=${encodeURIComponent('http://127.0.0.1:7777/launch')}&patient=${patient}`);
        return { patient, launchId: new URL(res.headers.get('location') ?? '').searchParams.get('launch') ?? '' };
      }),
    );
    for (const { patient, launchId } of ids.reverse()) {
      const p = pkce();
      const a = await authorize(sb, authorizeParams(sb, p, { scope: 'launch patient/*.rs', launch: launchId }));
      const t = await postForm(tokenUrl(sb), { grant_type: 'authorization_code', code: a.query.get('code') ?? '', redirect_uri: REDIRECT, client_id: sb.demoClients.public, code_verifier: p.verifier });
      assert.equal(t.json['patient'], patient);
    }
  });

  it('refuses a bad launch_url or an unknown patient with a 400 page', async () => {
    for (const q of ['launch_url=not-a-url', 'launch_url=javascript%3Aalert(1)', `launch_url=${encodeURIComponent('http://127.0.0.1/x')}&patient=nobody`, `launch_url=${encodeURIComponent('http://127.0.0.1/x')}&user=nobody`]) {
      const res = await launch(q);
      assert.equal(res.status, 400, q);
      await res.text();
    }
  });

  it('without launch_url shows the simulator form', async () => {
    const res = await fetch(sb.ehrLaunchUrl);
    assert.equal(res.status, 200);
    assert.match(await res.text(), /name="launch_url"/);
  });
});
