import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseClientsFile, checkClientRegistration } from '../../src/sandbox/clients.js';
import { isSmartctlError } from '../../src/errors.js';

function rejects(text: string, message: RegExp): void {
  assert.throws(() => parseClientsFile(text, 'clients.json'), (e: unknown) => {
    assert.ok(isSmartctlError(e));
    assert.equal(e.code, 'sandbox-clients-invalid');
    assert.equal(e.kind, 'input');
    assert.match(e.message, message);
    return true;
  });
}

describe('--clients registrations', () => {
  it('reads RFC 7591 metadata and fills defaults', () => {
    const [c] = parseClientsFile(JSON.stringify([{ client_id: 'app', redirect_uris: ['http://127.0.0.1/cb'] }]), 'f');
    assert.equal(c?.token_endpoint_auth_method, 'none');
    assert.deepEqual(c?.grant_types, ['authorization_code', 'refresh_token']);
    const [s] = parseClientsFile(JSON.stringify({ client_id: 'svc', client_secret: 's', grant_types: ['client_credentials'], scope: 'system/*.rs' }), 'f');
    assert.equal(s?.token_endpoint_auth_method, 'client_secret_basic');
    const [k] = parseClientsFile(JSON.stringify([{ client_id: 'jwt', jwks: { keys: [{ kty: 'EC', crv: 'P-384', x: 'a', y: 'b', kid: '1' }] }, grant_types: ['client_credentials'] }]), 'f');
    assert.equal(k?.token_endpoint_auth_method, 'private_key_jwt');
  });

  it('names what is wrong', () => {
    rejects('{nope', /not JSON/);
    rejects('[1]', /must be a JSON object/);
    rejects('[{}]', /client_id is missing/);
    rejects('[{"client_id":""}]', /client_id is missing/);
    rejects('[{"client_id":"a","token_endpoint_auth_method":"magic"}]', /token_endpoint_auth_method must be one of/);
    rejects('[{"client_id":"a","redirect_uris":"http://x"}]', /redirect_uris must be an array/);
    rejects('[{"client_id":"a","redirect_uris":["not a url"]}]', /not an absolute URL/);
    rejects('[{"client_id":"a","redirect_uris":["http://x/cb#frag"]}]', /fragment/);
    rejects('[{"client_id":"a","grant_types":["password"],"redirect_uris":["http://x/cb"]}]', /not one the sandbox supports/);
    rejects('[{"client_id":"a","grant_types":["authorization_code"]}]', /needs at least one redirect_uris/);
    rejects('[{"client_id":"a","token_endpoint_auth_method":"client_secret_post","redirect_uris":["http://x/cb"]}]', /needs a client_secret/);
    rejects('[{"client_id":"a","token_endpoint_auth_method":"private_key_jwt","grant_types":["client_credentials"]}]', /needs jwks or jwks_uri/);
    rejects('[{"client_id":"a","jwks":{"keys":[{"kty":"EC","d":"secret"}]},"grant_types":["client_credentials"]}]', /private key/);
    rejects('[{"client_id":"a","jwks":{"keys":[{}]},"grant_types":["client_credentials"]}]', /kty/);
    rejects('[{"client_id":"a","jwks_uri":"ftp://x","grant_types":["client_credentials"]}]', /jwks_uri must be an http/);
    rejects('[{"client_id":"a","grant_types":["client_credentials"]}]', /needs a confidential client/);
    rejects('[{"client_id":"a","redirect_uris":["http://x/cb"]},{"client_id":"a","redirect_uris":["http://x/cb"]}]', /registered twice/);
    rejects('[{"client_id":"smartctl-public","redirect_uris":["http://x/cb"]}]', /demo client id/);
    rejects('[{"client_id":"a","redirect_uris":["http://x/cb"],"scope":5}]', /scope must be/);
  });

  it('property: any JSON value is parsed or refused with an input error, never a crash', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        try {
          checkClientRegistration(value, 0);
        } catch (e) {
          assert.ok(isSmartctlError(e), String(e));
          assert.equal(e.code, 'sandbox-clients-invalid');
        }
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.string(), (text) => {
        try {
          parseClientsFile(text, 'f');
        } catch (e) {
          assert.ok(isSmartctlError(e), String(e));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('property: registration-shaped records are parsed or refused with an input error', () => {
    const record = fc.record(
      {
        client_id: fc.oneof(fc.string(), fc.constant('app')),
        client_secret: fc.oneof(fc.string(), fc.integer()),
        token_endpoint_auth_method: fc.constantFrom('none', 'client_secret_basic', 'client_secret_post', 'private_key_jwt', 'x'),
        redirect_uris: fc.array(fc.oneof(fc.webUrl(), fc.string())),
        grant_types: fc.array(fc.constantFrom('authorization_code', 'refresh_token', 'client_credentials', 'implicit')),
        scope: fc.oneof(fc.string(), fc.constant('system/*.rs')),
        jwks: fc.oneof(fc.constant({ keys: [{ kty: 'EC', kid: '1' }] }), fc.jsonValue()),
        jwks_uri: fc.oneof(fc.webUrl(), fc.string()),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(record, (value) => {
        try {
          const c = checkClientRegistration(value, 0);
          assert.equal(typeof c.client_id, 'string');
        } catch (e) {
          assert.ok(isSmartctlError(e), String(e));
        }
      }),
      { numRuns: 500 },
    );
  });
});
