// 200 interleaved flows (authorize -> token -> FHIR read) against one sandbox: all
// succeed and codes, tokens and launch contexts never mix.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startSandbox } from '../../src/sandbox/index.js';
import type { SandboxHandle } from '../../src/sandbox/types.js';
import { authorize, authorizeParams, pkce, postForm, tokenUrl, REDIRECT, decodePayload } from './helpers.js';

interface FlowResult {
  i: number;
  patient: string;
  tokenPatient: unknown;
  readId: unknown;
  nonce: string | null;
  idTokenNonce: unknown;
  state: string | null;
  returnedState: string | null;
}

async function ehrFlow(sb: SandboxHandle, i: number, patient: string): Promise<FlowResult> {
  const launchRes = await fetch(`${sb.ehrLaunchUrl}?launch_url=${encodeURIComponent(`http://127.0.0.1:9/app-${i}`)}&patient=${encodeURIComponent(patient)}`, { redirect: 'manual' });
  const launchId = new URL(launchRes.headers.get('location') ?? '').searchParams.get('launch') ?? '';
  await new Promise((resolve) => setImmediate(resolve));
  const p = pkce();
  const params = authorizeParams(sb, p, { scope: 'launch openid fhirUser patient/*.rs', launch: launchId, redirect_uri: `http://127.0.0.1:${10_000 + i}/callback` });
  const a = await authorize(sb, params);
  await new Promise((resolve) => setImmediate(resolve));
  const t = await postForm(tokenUrl(sb), { grant_type: 'authorization_code', code: a.query.get('code') ?? '', redirect_uri: params.get('redirect_uri') ?? '', client_id: sb.demoClients.public, code_verifier: p.verifier });
  assert.equal(t.status, 200, `flow ${i}: ${t.text}`);
  const read = await fetch(`${sb.fhirBaseUrl}/Patient/${String(t.json['patient'])}`, { headers: { authorization: `Bearer ${String(t.json['access_token'])}`, accept: 'application/fhir+json' } });
  assert.equal(read.status, 200, `flow ${i}: FHIR read`);
  const resource = (await read.json()) as Record<string, unknown>;
  return {
    i,
    patient,
    tokenPatient: t.json['patient'],
    readId: resource['id'],
    nonce: params.get('nonce'),
    idTokenNonce: decodePayload(String(t.json['id_token']))['nonce'],
    state: params.get('state'),
    returnedState: a.query.get('state'),
  };
}

describe('sandbox concurrency', () => {
  it('200 interleaved EHR-launch flows all succeed without cross-talk', async () => {
    const sb = await startSandbox();
    try {
      const page = await (await fetch(sb.ehrLaunchUrl)).text();
      const patients = [...new Set([...page.matchAll(/<option value="([^"]+)">[^<]*\(Patient\//g)].map((m) => m[1] ?? ''))];
      assert.ok(patients.length >= 2, 'at least two demo patients to tell apart');
      const results = await Promise.all(Array.from({ length: 200 }, (_, i) => ehrFlow(sb, i, patients[i % patients.length] ?? '')));
      assert.equal(results.length, 200);
      for (const r of results) {
        assert.equal(r.tokenPatient, r.patient, `flow ${r.i}: token patient`);
        assert.equal(r.readId, r.patient, `flow ${r.i}: FHIR read`);
        assert.equal(r.idTokenNonce, r.nonce, `flow ${r.i}: nonce`);
        assert.equal(r.returnedState, r.state, `flow ${r.i}: state`);
      }
    } finally {
      await sb.close();
    }
  });
});
