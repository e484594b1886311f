// A client assertion whose header alg does not fit the registered key its kid names
// (RS384 on an EC key): 401 invalid_client naming the mismatch, never a 500 with the
// sandbox's internal message.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { exportPKCS8, generateKeyPair } from 'jose';
import { startSandbox } from '../../src/sandbox/index.js';
import type { SandboxHandle } from '../../src/sandbox/types.js';
import { backendClient, backendToken, clientAssertion } from './helpers.js';

let sb: SandboxHandle;
let rsaPem: string;
before(async () => {
  sb = await startSandbox();
  rsaPem = await exportPKCS8((await generateKeyPair('RS384', { extractable: true })).privateKey);
});
after(async () => {
  await sb.close();
});

test('regression: an RS384 assertion whose kid names the registered EC key is 401 invalid_client, not 500', async () => {
  const { kid } = backendClient(sb);
  const res = await backendToken(sb, await clientAssertion(sb, { alg: 'RS384', pem: rsaPem, kid }));
  assert.equal(res.status, 401, res.text);
  assert.equal(res.json['error'], 'invalid_client');
  assert.match(String(res.json['error_description']), new RegExp(`key "${kid}" registered for "[^"]+" is an EC key \\(P-384\\); it cannot verify an RS384 signature`));
  // The same client still authenticates with its real key and algorithm afterwards.
  const ok = await backendToken(sb, await clientAssertion(sb));
  assert.equal(ok.status, 200, ok.text);
});
