// Identifiers a vendor asks for, read from realistic answers: Oracle Health (Millennium
// FHIR's X-Request-Id, an authorization error_uri with its instance), Microsoft Entra
// (AADSTS error_description lines and members, x-ms-request-id), W3C traceparent.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { correlationIds, correlationIdsOfResponse, correlationIdsOfUrl, reportCorrelationIds, traceIdOf } from '../../src/report/correlation.js';
import { Trace } from '../../src/report/trace.js';

const CERNER_URI = 'https://authorization.cerner.com/errors/urn%3Acerner%3Aerror%3Aauthorization-server%3Aoauth2%3Atoken%3Ainvalid-authorization-header/instances/8a9b7c6d-1e2f-4a3b-9c8d-7e6f5a4b3c2d?client=unknown&tenant=ec2458f2-1e24-41c8-b71b-0e701af7583d';
const ENTRA_BODY = JSON.stringify({
  error: 'invalid_scope',
  error_description: "AADSTS70011: The provided value for the input parameter 'scope' isn't valid.\r\nTrace ID: 255d1aef-8c98-452f-ac51-23d051240864\r\nCorrelation ID: fb3d2015-bc17-4bb9-bb85-30c5cf1aaaa7\r\nTimestamp: 2016-01-09 02:02:12Z",
  error_codes: [70011],
  timestamp: '2016-01-09 02:02:12Z',
  trace_id: '255d1aef-8c98-452f-ac51-23d051240864',
  correlation_id: 'fb3d2015-bc17-4bb9-bb85-30c5cf1aaaa7',
});

const byName = (ids: ReadonlyArray<{ name: string; value: string }>): Record<string, string> => Object.fromEntries(ids.map((i) => [i.name, i.value]));

describe('correlation ids of one response', () => {
  it('Oracle Health: X-Request-Id header and the error_uri instance with URN, client and tenant', () => {
    const ids = correlationIdsOfResponse({ headers: { 'X-Request-Id': 'ecd13b72-4fde-11e9-8674-8b0a57a130fd', 'Cerner-Correlation-Id': 'c0ffee-1', date: 'Tue, 26 Mar 2019 15:50:49 GMT' }, body: JSON.stringify({ error: 'invalid_client', error_uri: CERNER_URI }) });
    assert.deepEqual(byName(ids), { 'X-Request-Id': 'ecd13b72-4fde-11e9-8674-8b0a57a130fd', 'Cerner-Correlation-Id': 'c0ffee-1', 'Oracle Health error instance': '8a9b7c6d-1e2f-4a3b-9c8d-7e6f5a4b3c2d' });
    const instance = ids.find((i) => i.name === 'Oracle Health error instance');
    assert.equal(instance?.note, 'URN urn:cerner:error:authorization-server:oauth2:token:invalid-authorization-header, client=unknown, tenant=ec2458f2-1e24-41c8-b71b-0e701af7583d');
    assert.equal(instance?.serverTime, 'Tue, 26 Mar 2019 15:50:49 GMT');
    assert.match(instance?.source ?? '', /^error_uri/);
  });

  it('Entra: Trace ID and Correlation ID with the Timestamp line, once each though the members repeat them', () => {
    const ids = correlationIdsOfResponse({ headers: { 'x-ms-request-id': '255d1aef-8c98-452f-ac51-23d051240864', 'client-request-id': 'c0ffee00-0000-4000-8000-000000000001' }, body: ENTRA_BODY }, { exchange: 7, step: 'token', status: 400, at: '2026-12-02T01:00:00.000Z' });
    assert.deepEqual(ids.map((i) => [i.name, i.value]), [
      ['x-ms-request-id', '255d1aef-8c98-452f-ac51-23d051240864'],
      ['client-request-id', 'c0ffee00-0000-4000-8000-000000000001'],
      ['Entra Trace ID', '255d1aef-8c98-452f-ac51-23d051240864'],
      ['Entra Correlation ID', 'fb3d2015-bc17-4bb9-bb85-30c5cf1aaaa7'],
    ]);
    const trace = ids.find((i) => i.name === 'Entra Trace ID');
    assert.equal(trace?.serverTime, '2016-01-09 02:02:12Z');
    assert.equal(trace?.note, 'AADSTS70011');
    assert.equal(trace?.at, '2026-12-02T01:00:00.000Z');
    assert.equal(trace?.exchange, 7);
  });

  it('traceparent gives its trace id; a malformed, all-zero or version ff traceparent gives none', () => {
    assert.equal(traceIdOf('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'), '4bf92f3577b34da6a3ce929d0e0e4736');
    assert.equal(traceIdOf('00-00000000000000000000000000000000-00f067aa0ba902b7-01'), undefined);
    assert.equal(traceIdOf('ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'), undefined);
    assert.equal(traceIdOf('garbage'), undefined);
    assert.deepEqual(byName(correlationIdsOfResponse({ headers: { traceparent: '00-4BF92F3577B34DA6A3CE929D0E0E4736-00F067AA0BA902B7-01' } })), { 'traceparent trace id': '4bf92f3577b34da6a3ce929d0e0e4736' });
  });

  it('an error_uri in WWW-Authenticate (FHIR 401) and in a Location redirect (authorize error) is read', () => {
    const fromChallenge = correlationIdsOfResponse({ headers: { 'www-authenticate': `Bearer error="invalid_token", error_uri="${CERNER_URI}"` } });
    assert.equal(byName(fromChallenge)['Oracle Health error instance'], '8a9b7c6d-1e2f-4a3b-9c8d-7e6f5a4b3c2d');
    const redirect = `/callback?error=access_denied&error_uri=${encodeURIComponent(CERNER_URI)}&state=x`;
    const fromLocation = correlationIdsOfResponse({ headers: { location: redirect }, url: 'http://127.0.0.1:9/authorize' });
    assert.equal(byName(fromLocation)['Oracle Health error instance'], '8a9b7c6d-1e2f-4a3b-9c8d-7e6f5a4b3c2d');
    assert.equal(byName(correlationIdsOfUrl(`http://127.0.0.1:9${redirect}`))['Oracle Health error instance'], '8a9b7c6d-1e2f-4a3b-9c8d-7e6f5a4b3c2d');
  });

  it('nothing is made up: an answer without ids gives none; an error_uri without /instances/ gives none', () => {
    assert.deepEqual(correlationIdsOfResponse({ headers: { 'content-type': 'application/json' }, body: '{"error":"invalid_grant","error_uri":"https://authorization.cerner.com/errors/urn%3Acerner%3Aerror%3Ax"}' }), []);
    assert.deepEqual(correlationIdsOfResponse({ headers: {}, body: '<html>' }), []);
  });

  it('a 10 000-character header value is cut to 200 characters and an ellipsis', () => {
    const ids = correlationIdsOfResponse({ headers: { 'x-request-id': 'a'.repeat(10_000) } });
    assert.equal(ids[0]?.value.length, 201);
  });

  it('property: any headers and body give a list of ids (never a throw), each value at most 201 characters', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom('x-request-id', 'traceparent', 'www-authenticate', 'location', 'date', 'x-correlation-id', 'other'), fc.string()), fc.oneof(fc.string(), fc.json()), (headers, body) => {
        const ids = correlationIdsOfResponse({ headers, body, url: 'http://127.0.0.1/' });
        for (const id of ids) assert.ok(id.value.length <= 201 && id.value.length > 0);
      }),
    );
  });
});

describe('correlation ids of a trace', () => {
  it('each exchange with its id, step, status and start time; a callback error event counts with its time', () => {
    const trace = new Trace();
    trace.addExchange({ step: 'discovery.smart-configuration', request: { method: 'GET', url: 'https://fhir.example/.well-known/smart-configuration', headers: {} }, response: { status: 200, headers: { 'x-request-id': 'req-1' }, body: '{}' }, startedAt: '2026-12-02T01:00:00.000Z', durationMs: 5 });
    trace.addExchange({ step: 'token', request: { method: 'POST', url: 'https://auth.example/token', headers: {} }, response: { status: 401, headers: { 'X-Request-Id': 'req-2' }, body: JSON.stringify({ error: 'invalid_client', error_uri: CERNER_URI }) }, startedAt: '2026-12-02T01:00:01.000Z', durationMs: 9 });
    trace.addExchange({ step: 'fhir.read', request: { method: 'GET', url: 'https://fhir.example/Patient/1', headers: {} }, startedAt: '2026-12-02T01:00:02.000Z', durationMs: 1, error: { code: 'timeout', message: 'timed out' } });
    trace.addEvent({ at: '2026-12-02T01:00:03.000Z', name: 'callback-error', message: 'error', data: { url: `http://127.0.0.1:5/callback?error=access_denied&error_uri=${encodeURIComponent(CERNER_URI.replace('8a9b', 'ffff'))}` } });
    const ids = correlationIds(trace.entries);
    assert.deepEqual(ids.map((i) => [i.name, i.value, i.exchange, i.step, i.status, i.at]), [
      ['X-Request-Id', 'req-1', 1, 'discovery.smart-configuration', 200, '2026-12-02T01:00:00.000Z'],
      ['X-Request-Id', 'req-2', 2, 'token', 401, '2026-12-02T01:00:01.000Z'],
      ['Oracle Health error instance', '8a9b7c6d-1e2f-4a3b-9c8d-7e6f5a4b3c2d', 2, 'token', 401, '2026-12-02T01:00:01.000Z'],
      ['Oracle Health error instance', 'ffff7c6d-1e2f-4a3b-9c8d-7e6f5a4b3c2d', 4, 'callback-error', undefined, '2026-12-02T01:00:03.000Z'],
    ]);
  });

  it('a report adds the ids a command found in saved evidence (explain) to those of its trace', () => {
    const ids = reportCorrelationIds({ data: { identifiers: [{ name: 'X-Request-Id', value: 'saved-1', source: 'response header x-request-id' }, { bogus: true }, 'x'] } });
    assert.deepEqual(ids.map((i) => i.value), ['saved-1']);
  });
});
