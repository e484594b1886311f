// Property: whatever a user pastes into explain (bodies, headers, URLs, curl lines, token
// responses, messages, vendor error_uris) is diagnosed or refused with our input/usage
// error, never an internal error; and the first finding is a root cause, unknown-failure,
// or, when nothing failed, whatever was noticed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { explainCommand } from '../../src/commands/explain.js';
import { isSmartctlError } from '../../src/errors.js';
import { testContext } from '../helpers/command-context.js';

const errors = fc.constantFrom('invalid_client', 'invalid_grant', 'invalid_scope', 'invalid_request', 'access_denied', 'unauthorized_client', 'server_error', 'insufficient_scope', 'invalid_token', 'x');
const words = fc.constantFrom('redirect_uri', 'code_verifier', 'PKCE', 'audience', 'expired', 'kid', 'jti', 'AADSTS9002326', 'Invalid scopes:', 'urn:cerner:error:authorization-server:oauth2:token:invalid-client-credentials', '%E0%A4%A', '\u001b]52;c;aGk=\u0007', '<script>', '');
const errorUri = fc.tuple(fc.string(), fc.webPath()).map(([urn, p]) => `https://authorization.cerner.com/errors/${encodeURIComponent(`urn:cerner:error:${urn}`)}/instances/${p}?client=unknown&tenant=t`);
const body = fc.oneof(
  fc.string(),
  fc.record({ error: errors, error_description: fc.oneof(fc.constant(undefined), fc.constant(null), fc.array(words).map((w) => w.join(' '))), error_uri: fc.oneof(fc.constant(undefined), errorUri, fc.string()) }).map((o) => JSON.stringify(o)),
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.string().map((s) => `<html><body><h1>Error</h1><p>${s}</p></body></html>`),
  fc.tuple(errors, fc.string()).map(([e, d]) => `error=${e}&error_description=${encodeURIComponent(d)}`),
);
const header = fc.oneof(fc.constantFrom('WWW-Authenticate: Bearer error="invalid_token", error_description="expired"', 'WWW-Authenticate: Bearer error="insufficient_scope", scope="patient/Observation.rs"', 'Content-Type: application/json'), fc.string().map((s) => `X-Thing: ${s.replace(/[\r\n]/g, '')}`));
const requestHeader = fc.oneof(fc.constantFrom('Authorization: Bearer eyJhbGciOiJub25lIn0.e30.', 'Authorization: Basic !!!', 'Authorization: Bearer abc', 'Origin: https://app.example'), fc.string().map((s) => `Authorization: ${s.replace(/[\r\n]/g, '')}`));
const url = fc.oneof(fc.webUrl({ withQueryParameters: true }), fc.constantFrom('https://ehr/authorize?response_type=code&forceAuthn=true', 'https://authorization.cerner.com/session-api/realm/t?to=%2Fauthorize%3Fresponse_type%3Dcode&forceAuthn=true', 'https://fhir.example/r4/Patient/1', 'https://fhir.example/.well-known/smart-configuration'));
const options = fc.record(
  {
    status: fc.integer({ min: 100, max: 599 }),
    body,
    header: fc.array(header, { maxLength: 3 }),
    requestHeader: fc.array(requestHeader, { maxLength: 2 }),
    requestBody: fc.oneof(fc.string(), fc.constantFrom('grant_type=refresh_token&refresh_token=r', 'grant_type=authorization_code&code=c', 'grant_type=client_credentials&client_assertion=eyJhbGciOiJSUzM4NCJ9.e30.c2ln')),
    url,
    endpoint: fc.constantFrom('token', 'authorize', 'fhir', 'discovery'),
    tokenResponse: fc.oneof(fc.jsonValue().map((v) => JSON.stringify(v)), fc.record({ access_token: fc.string(), scope: fc.oneof(fc.string(), fc.constant(1)), patient: fc.string() }).map((v) => JSON.stringify(v))),
    requestedScope: fc.string(),
    message: fc.array(fc.oneof(fc.string(), words), { maxLength: 2 }),
    curl: fc.oneof(fc.string().map((s) => `curl ${s}`), fc.constantFrom("curl -X POST https://ehr/token -d grant_type=x -H 'Authorization: Bearer eyJ.e30.x'", 'curl ^"https://ehr/t^"')),
    clientId: fc.string(),
    tokenUrl: fc.string(),
  },
  { requiredKeys: [] },
);

test('property: explain diagnoses any evidence or refuses it with a typed error, never an internal error', async () => {
  await fc.assert(
    fc.asyncProperty(options, async (o) => {
      try {
        const r = await explainCommand(testContext(), o as Record<string, unknown>);
        assert.ok(r.findings.length > 0, 'every report has a first finding');
        const [top] = r.findings;
        const failed = (r.data['failures'] as unknown[]).length > 0;
        if (failed) assert.ok(top?.role === 'root-cause' || top?.id === 'unknown-failure', `the first finding explains the failure or says it cannot: ${top?.id ?? ''} (${top?.role ?? ''})`);
        if (top?.id === 'unknown-failure') assert.equal(top.severity, 'warning');
      } catch (e) {
        assert.ok(isSmartctlError(e) && (e.kind === 'input' || e.kind === 'usage'), `not a typed input error: ${String(e)}${e instanceof Error ? `\n${e.stack ?? ''}` : ''}`);
      }
    }),
    { numRuns: 1500 },
  );
});
