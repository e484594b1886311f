// The streaming HAR reader: every real tool's layout, any chunking, and a har-malformed
// input error saying what and where for everything else.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isSmartctlError } from '../../src/errors.js';
import { contentText, HarScanner, MAX_DEPTH, readHarText } from '../../src/har/read.js';
import { entriesOf, harDocument, harEntryJson, harFixture, splitAt } from './har-text.js';

async function rejects(text: string | string[], message: RegExp): Promise<void> {
  await assert.rejects(entriesOf(typeof text === 'string' ? [text] : text), (error: unknown) => {
    assert.ok(isSmartctlError(error), `not a SmartctlError: ${String(error)}`);
    assert.equal(error.kind, 'input');
    assert.equal(error.code, 'har-malformed');
    assert.match(error.message, message);
    assert.ok(!error.message.includes('\n'), 'one line');
    return true;
  });
}

describe('HAR reader: real tools', () => {
  it('Chrome DevTools: entries in order, HTTP/2 pseudo-headers kept as read, _resourceType, postData text and params', async () => {
    const entries = await entriesOf([harFixture('chrome-devtools-no-id-token.har')]);
    assert.equal(entries.length, 11);
    assert.deepEqual(entries.map((e) => e.index), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    assert.equal(entries[0]?.resourceType, 'document');
    assert.equal(entries[0]?.request.headers[0]?.name, ':authority');
    const login = entries[6];
    assert.equal(login?.request.method, 'POST');
    assert.equal(login?.request.postData?.text, 'user=dr-lee&password=x');
    assert.deepEqual(login?.request.postData?.params?.map((p) => p.name), ['user', 'password']);
    assert.equal(login?.response?.redirectURL, 'https://app.example.com/callback?code=SplxlOBeZQQYbYS6WxSbIA&state=5d1c0b2a9e7f');
    assert.equal(entries[0]?.response?.redirectURL, undefined, 'an empty redirectURL is no redirect');
  });

  it('log.creator and log.browser are reported', () => {
    const { info } = readHarText(harFixture('playwright-fhir-expired-token.har'));
    assert.deepEqual(info, { version: '1.2', creator: 'Playwright 1.49.0', browser: 'chromium 131.0.6778.33' });
    assert.equal(readHarText(harFixture('firefox-invalid-scope.har')).info.creator, 'Firefox 133.0');
  });

  it('playwright: a base64 body is decoded; a failed request (status -1, _failureText) keeps its reason', () => {
    const { entries } = readHarText(harFixture('playwright-fhir-expired-token.har'));
    const token = entries[0];
    assert.equal(token?.response?.content.encoding, 'base64');
    assert.match(contentText(token?.response?.content ?? {}) ?? '', /^\{"access_token":"at-1"/);
    assert.equal(entries[2]?.response?.status, -1);
    assert.equal(entries[2]?.error, 'net::ERR_ABORTED');
  });

  it('Fiddler: a UTF-8 BOM and CRLF line ends', async () => {
    const text = harFixture('fiddler-token-500.har');
    assert.equal(text.charCodeAt(0), 0xfeff);
    assert.ok(text.includes('\r\n'));
    const entries = await entriesOf([text]);
    assert.equal(entries.length, 2);
    assert.equal(entries[0]?.response?.status, 500);
  });

  it('mitmproxy har_dump and Charles: cookies arrays, postData with both text and params, redirectURL "" or null', () => {
    const mitm = readHarText(harFixture('mitmproxy-backend-bearer.har')).entries;
    assert.equal(mitm[1]?.response?.cookies[0]?.name, 'AWSALB');
    assert.equal(mitm[1]?.request.postData?.params?.[0]?.value, 'client_credentials');
    const charles = readHarText(harFixture('charles-cerner-forceauthn.har')).entries;
    assert.equal(charles[0]?.request.cookies[0]?.value, 'stale-0001');
    assert.equal(charles[1]?.response?.redirectURL, undefined);
    assert.equal(charles[1]?.response?.status, 400);
  });

  it('headers written as an object map instead of an array are read too', () => {
    const e = harEntryJson({ url: 'https://x.example/a' });
    (e['request'] as Record<string, unknown>)['headers'] = { Accept: 'application/json', 'X-N': 3 };
    const { entries } = readHarText(harDocument([e]));
    assert.deepEqual(entries[0]?.request.headers, [{ name: 'Accept', value: 'application/json' }, { name: 'X-N', value: '3' }]);
  });

  it('any chunking gives the same entries, even one character at a time (escapes and multi-byte text across boundaries)', async () => {
    const body = 'a "quoted" \\ backslash, é, 🙂, \u2028 and \\u0041';
    const text = harDocument([harEntryJson({ url: 'https://x.example/one', responseBody: body }), harEntryJson({ url: 'https://x.example/two' })]);
    const whole = await entriesOf([text]);
    const single = await entriesOf([...text]);
    assert.deepEqual(single, whole);
    assert.equal(whole[0]?.response?.content.text, body);
    for (let cut = 1; cut < text.length; cut += 7) assert.deepEqual(await entriesOf(splitAt(text, [cut])), whole, `cut at ${cut}`);
  });

  it('keys of the top level and of log may come in any order, with other values around entries', async () => {
    const text = `{"x":[1,{"y":"}"}],"log":{"pages":[{"id":"p"}],"entries":[${JSON.stringify(harEntryJson({ url: 'https://x.example/' }))}],"creator":{"name":"Fiddler","version":"5"},"comment":"c"},"z":null}`;
    const scanner = new HarScanner();
    const raws = scanner.push(text);
    scanner.end();
    assert.equal(raws.length, 1);
    assert.equal(scanner.info.creator, 'Fiddler 5');
  });

  it('an empty entries array is a HAR with no entries', async () => {
    assert.deepEqual(await entriesOf(['{"log":{"version":"1.2","entries":[]}}']), []);
  });
});

describe('HAR reader: malformed input is a har-malformed input error saying what and where', () => {
  it('an entry that is not an object', async () => {
    await rejects(harDocument([harEntryJson({ url: 'https://x.example/' }), 12]), /^entry 2 is not an object$/);
    await rejects('{"log":{"entries":[null]}}', /^entry 1 is not an object$/);
  });

  it('an entry without a request, or with a request.url that is not a string', async () => {
    await rejects(harDocument([{ response: {} }]), /^entry 1: request is not an object$/);
    await rejects(harDocument([{ request: { method: 'GET', url: 7 } }]), /^entry 1: request\.url is not a string$/);
    await rejects(harDocument([{ request: { method: 'GET', url: 'u', headers: 'x' } }]), /request\.headers is not an array/);
    await rejects(harDocument([{ request: { method: 'GET', url: 'u', headers: [1] } }]), /request\.headers\[0\] is not a \{name, value\} object/);
    await rejects(harDocument([{ request: { method: 'GET', url: 'u' }, response: { status: 'ok' } }]), /response\.status is not a number/);
    await rejects(harDocument([{ request: { method: 'GET', url: 'u' }, response: { status: 200, content: { text: 5 } } }]), /response\.content\.text is not a string/);
  });

  it('a truncated file names the entry it stopped in', async () => {
    const text = harDocument([harEntryJson({ url: 'https://x.example/1' }), harEntryJson({ url: 'https://x.example/2' })]);
    await rejects(text.slice(0, text.length - 200), /^the HAR ends inside entry 2 \(line \d+\): the file is truncated$/);
    await rejects(text.slice(0, text.length - 2), /ends before its closing brace/);
  });

  it('not JSON, not an object, no log.entries, log or entries of the wrong type', async () => {
    await rejects('', /the file is empty/);
    await rejects('<html>', /expected a JSON object \("\{"\), got "<html>"/);
    await rejects('[]', /is an array, not a HAR object/);
    await rejects('{"log":{}}', /no log\.entries array/);
    await rejects('{"log":[]}', /^"log" is not an object \(line 1\)$/);
    await rejects('{"log":{"entries":{}}}', /^"log\.entries" is not an array/);
    await rejects('{"log":{"entries":[]}} x', /after the end of the HAR object/);
    await rejects('{"log":{"entries":[]},}', /expected a key in the top-level object/);
    await rejects('{"log" {"entries":[]}}', /expected ":" after "log"/);
  });

  it('invalid JSON inside an entry gives the entry and the line', async () => {
    await rejects('{"log":{"entries":[\n{"request":\n{"method":"GET","url":x}}]}}', /^entry 1 is not valid JSON \(.*\) \(line 3\)$/);
    await rejects('{"log":{"entries":[{"a":[}]}}', /^entry 1 has a "}" where "]" belongs/);
    await rejects('{"log":{"entries":[tru]}}', /^entry 1 is not valid JSON: "tru"/);
    await rejects('{"log":{"entries":[,]}}', /entry 1 is missing/);
    await rejects('{"log":{"entries":[{},]}}', /a "," before "]"/);
  });

  it('text from the file in a message is escaped (control characters never reach the terminal); compressed files are named', async () => {
    await rejects('\u001b[31m{}', /^expected a JSON object \("\{"\), got "\\u001b\[31m\{\}": not a HAR file \(line 1\)$/);
    await rejects('{"log":{"entries":[{"request":{"method":"GET","url":"u","headers":{"X\u009b2J":{}}}}]}}', /request\.headers\."X\\u009b2J" is not a string/);
    await rejects('{"log":{"entries":[{"a":\u001b}]}}', /^entry 1 is not valid JSON \([^\u001b]*\) \(line 1\)$/);
    await rejects('\u001f\ufffd\b\u0000', /gzip-compressed/);
    await rejects('PK\u0003\u0004', /ZIP archive/);
    // A long key (here a URL the file has where a key belongs) is cut: the message stays one short line.
    await rejects(`{"log":{"${'u'.repeat(5000)}",`, /^expected ":" after "u{57}\.\.\." in "log", got ","/);
  });

  it(`nesting deeper than ${MAX_DEPTH} levels is refused before any parse`, async () => {
    const deep = `{"log":{"entries":[${'['.repeat(MAX_DEPTH + 5)}${']'.repeat(MAX_DEPTH + 5)}]}}`;
    await rejects(deep, new RegExp(`entry 1 nests deeper than ${MAX_DEPTH} levels`));
  });
});
