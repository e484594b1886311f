// A server's JSON may hold the key "__proto__" (JSON.parse makes it an ordinary member):
// every copy smartctl makes of server data keeps it as a member and never takes it as a
// prototype. Found by the pruning property test (counterexample [{"__proto__": null}, 1]).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pruneDeepJson } from '../../src/protocol/json-depth.js';
import { setOwn } from '../../src/protocol/own-property.js';
import { redactValue } from '../../src/report/redact.js';
import { harDocument, harEntryJson, traceOf } from '../har/har-text.js';
import { isExchange } from '../../src/report/trace.js';

const hostile = (): Record<string, unknown> => JSON.parse('{"__proto__":{"access_token":"from-the-prototype-secret-value"},"token_type":"Bearer"}') as Record<string, unknown>;

test('setOwn keeps "__proto__" as a member', () => {
  const out: Record<string, unknown> = {};
  setOwn(out, '__proto__', { polluted: true });
  setOwn(out, 'a', 1);
  assert.equal(Object.getPrototypeOf(out), Object.prototype);
  assert.deepEqual(Object.keys(out), ['__proto__', 'a']);
  assert.equal((out as { polluted?: unknown }).polluted, undefined);
});

test('regression: pruning a value keeps a "__proto__" member (was: the member became the prototype and vanished)', () => {
  const v = JSON.parse('[{"__proto__":null},1]') as unknown;
  assert.deepEqual(pruneDeepJson(v, 5), v);
  const pruned = pruneDeepJson(hostile()) as Record<string, unknown>;
  assert.equal(Object.getPrototypeOf(pruned), Object.prototype);
  assert.equal(JSON.stringify(pruned), JSON.stringify(hostile()));
});

test('regression: redaction keeps a "__proto__" member, redacted, and the copy has no server prototype', () => {
  const out = redactValue({ response: hostile(), headers: JSON.parse('{"__proto__":"x","content-type":"application/json"}') }) as Record<string, Record<string, unknown>>;
  const response = out['response'] ?? {};
  assert.equal(Object.getPrototypeOf(response), Object.prototype);
  assert.equal(response['access_token'], undefined, 'no lookup reaches the server object');
  const text = JSON.stringify(out);
  assert.match(text, /"__proto__":\{"access_token":"\[REDACTED\]"\}/);
  assert.ok(!text.includes('from-the-prototype-secret-value'));
  assert.match(text, /"headers":\{"__proto__":"x","content-type":"application\/json"\}/);
});

test('regression: a HAR header named "__proto__" is a header like any other', async () => {
  const text = harDocument([harEntryJson({ method: 'POST', url: 'https://ehr.example/oauth2/token', body: 'grant_type=authorization_code&code=c', status: 400, responseHeaders: JSON.parse('{"__proto__":"one","content-type":"application/json"}') as Record<string, string>, responseBody: '{"error":"invalid_grant"}' })]);
  const { trace } = await traceOf([text]);
  const exchange = trace.find(isExchange);
  const headers = exchange?.response?.headers ?? {};
  assert.equal(Object.getPrototypeOf(headers), Object.prototype);
  assert.equal(Object.hasOwn(headers, '__proto__'), true);
  assert.equal((headers as Record<string, unknown>)['__proto__'], 'one');
});
