// Nothing a server sends makes check crash: odd discovery documents, non-JSON and
// array token answers, Locations that are no URL, huge or empty bodies. Every test ends
// in pass/fail/warn/skip, and none with check-internal-error (a bug).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import fc from 'fast-check';
import { REPO_ROOT } from '../helpers/run-cli.js';
import { runCheck } from './helpers.js';

const KEY = path.join(REPO_ROOT, 'fixtures', 'keys', 'ec384.pkcs8.pem');

interface Shape {
  authorizeEndpoint: string;
  tokenBody: string;
  tokenStatus: number;
  location: string;
  fhirStatus: number;
  fhirBody: string;
  capabilities: readonly string[];
}

async function hostile(shape: Shape): Promise<{ base: string; close(): Promise<void> }> {
  let origin = '';
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', origin);
    if (url.pathname === '/fhir/.well-known/smart-configuration') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ issuer: `${origin}/fhir`, authorization_endpoint: shape.authorizeEndpoint === 'self' ? `${origin}/authorize` : shape.authorizeEndpoint, token_endpoint: `${origin}/token`, introspection_endpoint: `${origin}/token`, revocation_endpoint: `${origin}/token`, jwks_uri: `${origin}/token`, capabilities: shape.capabilities, code_challenge_methods_supported: ['S256'] }));
      return;
    }
    if (url.pathname === '/authorize') {
      res.writeHead(302, { location: shape.location.replace('$ORIGIN', origin).replace('$STATE', url.searchParams.get('state') ?? '') });
      res.end();
      return;
    }
    if (url.pathname === '/token') {
      req.resume();
      res.writeHead(shape.tokenStatus, { 'content-type': 'application/json' });
      res.end(shape.tokenBody);
      return;
    }
    res.writeHead(shape.fhirStatus, { 'content-type': 'application/fhir+json' });
    res.end(shape.fhirBody);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { base: `${origin}/fhir`, close: () => new Promise<void>((resolve) => { server.close(() => resolve()); server.closeAllConnections(); }) };
}

const shapes = fc.record({
  authorizeEndpoint: fc.constantFrom('self', 'not a url', 'ftp://x/authorize', ''),
  tokenBody: fc.constantFrom('[]', 'null', '<html>login</html>', '{"access_token":5,"token_type":"mac","scope":7,"id_token":"eyJ.x.y","patient":{},"refresh_token":[]}', '{"access_token":"a","token_type":"Bearer","scope":"openid fhirUser launch/patient offline_access patient/*.rs","id_token":"not-a-jwt","patient":"p","fhirContext":"x"}', ''),
  tokenStatus: fc.constantFrom(200, 400, 500, 302),
  location: fc.constantFrom('http://127.0.0.1/callback?code=c&state=$STATE', 'http://127.0.0.1/callback?error=x', '::::', 'javascript:alert(1)', '$ORIGIN/authorize', 'http://127.0.0.1/elsewhere?code=c', 'http://127.0.0.1/callback?code=&state='),
  fhirStatus: fc.constantFrom(200, 401, 403, 500),
  fhirBody: fc.constantFrom('{"resourceType":"Patient","id":"p"}', 'garbage', '{"entry":"x"}', ''),
  capabilities: fc.constantFrom(['sso-openid-connect', 'launch-standalone'], [], ['launch-ehr', 'permission-v2']),
});

describe('check against hostile servers', () => {
  it('every test ends with a result and none with an internal error (property)', async () => {
    await fc.assert(
      fc.asyncProperty(shapes, async (shape) => {
        const server = await hostile(shape);
        try {
          const { tests } = await runCheck(server.base, { clientId: 'app', backendClientId: 'svc', backendKey: KEY, skip: 'discovery-cors' });
          const crashed = tests.filter((t) => t.findings.some((f) => f.id === 'check-internal-error'));
          assert.deepEqual(crashed.map((t) => `${t.id}: ${t.findings.map((f) => f.title).join('; ')}`), []);
          assert.ok(tests.every((t) => ['pass', 'fail', 'warn', 'skip'].includes(t.result)));
        } finally {
          await server.close();
        }
      }),
      { numRuns: 25 },
    );
  });
});
