import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { OUTPUT_FIELDS, pickOutput, withOutputFinding } from '../../src/protocol/token-output.js';
import { makeFinding } from '../../src/report/finding.js';

const BODY = '{"access_token":"at-123","token_type":"bearer","refresh_token":"rt-456","id_token":"eyJ.a.b"}';
const source = { body: BODY, json: JSON.parse(BODY) as unknown, grant: 'authorization_code' as const };

test('each field is picked from the token response; token-response is the body as received', () => {
  assert.deepEqual(pickOutput('access_token', source), { value: 'at-123' });
  assert.deepEqual(pickOutput('refresh_token', source), { value: 'rt-456' });
  assert.deepEqual(pickOutput('id_token', source), { value: 'eyJ.a.b' });
  assert.deepEqual(pickOutput('token-response', source), { value: BODY });
  // token_type is case-insensitive (RFC 6749 §5.1): "bearer" is written as the scheme "Bearer".
  assert.deepEqual(pickOutput('authorization-header', source), { value: 'Bearer at-123' });
});

test('a missing field is output-field-missing, saying what to request; another token_type is refused', () => {
  const bare = { body: '{"access_token":"a","token_type":"Bearer"}', json: { access_token: 'a', token_type: 'Bearer' }, grant: 'authorization_code' as const };
  const refresh = pickOutput('refresh_token', bare);
  assert.ok('finding' in refresh);
  assert.equal(refresh.finding.id, 'output-field-missing');
  assert.match(refresh.finding.fix ?? '', /offline_access/);
  const id = pickOutput('id_token', bare);
  assert.ok('finding' in id && /openid/.test(id.finding.fix ?? ''));
  const backend = pickOutput('id_token', { ...bare, grant: 'client_credentials' });
  assert.ok('finding' in backend && /no user signs in/.test(backend.finding.fix ?? ''));
  const notJson = pickOutput('access_token', { body: '<html>', json: undefined, grant: 'client_credentials' });
  assert.ok('finding' in notJson && /not JSON/.test(notJson.finding.detail));
  const dpop = pickOutput('authorization-header', { ...bare, json: { access_token: 'a', token_type: 'DPoP' } });
  assert.ok('finding' in dpop);
  assert.equal(dpop.finding.id, 'output-token-type-not-bearer');
  assert.equal(dpop.finding.severity, 'error');
});

test('withOutputFinding: a run that asked for a value and got none cannot end ok', () => {
  assert.deepEqual(withOutputFinding([], undefined), []);
  assert.deepEqual(withOutputFinding([], { field: 'access_token', value: 'x' }), []);
  assert.deepEqual(withOutputFinding([], { field: 'access_token' }).map((f) => f.id), ['output-field-missing']);
  const error = makeFinding({ id: 'token-request-failed', severity: 'error', title: 't', detail: 'd' });
  assert.deepEqual(withOutputFinding([error], { field: 'access_token' }), [error], 'an error already says why');
});

test('property: any JSON from a server gives a value or a finding, never a throw', () => {
  fc.assert(
    fc.property(fc.constantFrom(...OUTPUT_FIELDS), fc.jsonValue(), fc.constantFrom('authorization_code' as const, 'refresh_token' as const, 'client_credentials' as const), (field, json, grant) => {
      const r = pickOutput(field, { body: JSON.stringify(json) ?? '', json, grant });
      assert.ok('value' in r ? typeof r.value === 'string' : r.finding.severity === 'error');
    }),
  );
});
