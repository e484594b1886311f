// The step classifier: which HAR entries are the flow's steps, and what the rest is.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BODY_CAP, harRunContext } from '../../src/har/classify.js';
import { isExchange, type HttpExchange, type TraceEntry } from '../../src/report/trace.js';
import { harDocument, harEntryJson, harFixture, traceOf } from './har-text.js';

const steps = (trace: TraceEntry[]): string[] => trace.filter(isExchange).map((e) => e.step);
const exchanges = (trace: TraceEntry[]): HttpExchange[] => trace.filter(isExchange);

const AUTHORIZE = 'https://auth.example.org/authorize?response_type=code&client_id=app&redirect_uri=https%3A%2F%2Fapp.example.com%2Fcb&scope=openid%20patient%2F*.read&state=s1';

describe('HAR classifier', () => {
  it('Chrome: discovery, authorize, callback, token, FHIR read; the app page, images, login pages, favicon and analytics are skipped', async () => {
    const { trace, classifier } = await traceOf([harFixture('chrome-devtools-no-id-token.har')]);
    assert.deepEqual(steps(trace), ['discovery.smart-configuration', 'authorize', 'callback', 'token', 'fhir.read']);
    assert.deepEqual(classifier.counts, { total: 11, used: 5, skipped: 6 });
    const callback = exchanges(trace)[2];
    assert.equal(callback?.request.url, 'https://app.example.com/callback?code=SplxlOBeZQQYbYS6WxSbIA&state=5d1c0b2a9e7f');
    const fhir = exchanges(trace)[4];
    assert.equal(fhir?.request.headers['authorization'], 'Bearer opaque-access-token-1');
    assert.equal(Object.keys(exchanges(trace)[0]?.request.headers ?? {}).some((k) => k.startsWith(':')), false, 'no HTTP/2 pseudo-headers');
  });

  it('the callback is rebuilt from a redirect (30x + redirectURL) when the HAR lacks the request to the redirect URI', async () => {
    const text = harDocument([
      harEntryJson({ url: AUTHORIZE, status: 200, responseBody: '<form>' }),
      harEntryJson({ method: 'POST', url: 'https://auth.example.org/consent', body: 'allow=1', status: 302, redirectURL: 'https://app.example.com/cb?code=c1&state=s1' }),
    ]);
    const { trace, classifier } = await traceOf([text]);
    assert.deepEqual(steps(trace), ['authorize', 'callback']);
    assert.equal(exchanges(trace)[1]?.request.url, 'https://app.example.com/cb?code=c1&state=s1');
    assert.deepEqual(classifier.counts, { total: 2, used: 1, skipped: 1 });
  });

  it('a 4xx/5xx on the authorization host during the authorize chain is the authorize step; a 404 favicon or image is not', async () => {
    const text = harDocument([
      harEntryJson({ url: AUTHORIZE, status: 302, redirectURL: 'https://auth.example.org/login' }),
      harEntryJson({ url: 'https://auth.example.org/favicon.ico', status: 404, resourceType: 'other' }),
      harEntryJson({ url: 'https://auth.example.org/img/logo', status: 404, resourceType: 'image' }),
      harEntryJson({ url: 'https://cdn.example.net/x', status: 500, resourceType: 'document' }),
      harEntryJson({ method: 'POST', url: 'https://auth.example.org/login', body: 'user=a', status: 500, resourceType: 'document', responseBody: 'login failed' }),
    ]);
    const { trace } = await traceOf([text]);
    assert.deepEqual(steps(trace), ['authorize', 'authorize.page']);
    assert.equal(exchanges(trace)[1]?.response?.status, 500);
    assert.equal(exchanges(trace)[1]?.request.body, undefined, 'the login form (a password) is not kept');
  });

  it('a vendor login wrapper whose to= carries an authorize request is the authorize step', async () => {
    const { trace } = await traceOf([harFixture('charles-cerner-forceauthn.har')]);
    assert.deepEqual(steps(trace), ['authorize', 'authorize']);
    const context = harRunContext(trace);
    assert.match(context.authorizeUrl ?? '', /session-api\/realm\/.*forceAuthn=true$/, 'the failed authorize is the one diagnosed');
    assert.equal(context.launchType, 'ehr');
  });

  it('token grants by grant_type (form text, params only, or JSON), and a POST to the advertised token_endpoint', async () => {
    const text = harDocument([
      harEntryJson({ url: 'https://fhir.example.org/r4/.well-known/smart-configuration', responseBody: JSON.stringify({ token_endpoint: 'https://auth.example.org/t', jwks_uri: 'https://auth.example.org/k' }) }),
      harEntryJson({ method: 'POST', url: 'https://auth.example.org/t', body: 'grant_type=authorization_code&code=c' }),
      harEntryJson({ method: 'POST', url: 'https://auth.example.org/t', params: { grant_type: 'refresh_token', refresh_token: 'r' } }),
      harEntryJson({ method: 'POST', url: 'https://other.example.org/token', body: '{"grant_type":"client_credentials"}' }),
      harEntryJson({ method: 'POST', url: 'https://auth.example.org/t' }),
      harEntryJson({ url: 'https://auth.example.org/k', responseBody: '{"keys":[]}' }),
      harEntryJson({ method: 'OPTIONS', url: 'https://auth.example.org/t' }),
    ]);
    const { trace } = await traceOf([text]);
    assert.deepEqual(steps(trace), ['discovery.smart-configuration', 'token', 'refresh', 'client-credentials', 'token', 'jwks']);
    assert.equal(exchanges(trace)[2]?.request.body, 'grant_type=refresh_token&refresh_token=r', 'params rebuilt as the form sent');
  });

  it('FHIR: under the discovered base, or a Bearer request to a resource path, or FHIR media types; other Bearer APIs are skipped', async () => {
    const text = harDocument([
      harEntryJson({ url: 'https://fhir.example.org/r4/.well-known/smart-configuration', responseBody: '{}' }),
      harEntryJson({ url: 'https://fhir.example.org/r4/metadata', responseHeaders: { 'content-type': 'application/fhir+json' } }),
      harEntryJson({ url: 'https://fhir.example.org/r4/Observation?patient=1' }),
      harEntryJson({ url: 'https://api.other.example/Patient/7', headers: { authorization: 'Bearer t' } }),
      harEntryJson({ url: 'https://api.other.example/v1/users/me', headers: { authorization: 'Bearer t' } }),
      harEntryJson({ method: 'POST', url: 'https://x.example/base', headers: { 'content-type': 'application/fhir+json' } }),
    ]);
    const { trace, classifier } = await traceOf([text]);
    assert.deepEqual(steps(trace), ['discovery.smart-configuration', 'discovery.metadata', 'fhir.search', 'fhir.read', 'fhir.write']);
    assert.equal(classifier.counts.skipped, 1);
  });

  it('a callback with an error, recognised from the redirect_uri of the authorize request', async () => {
    const { trace } = await traceOf([harFixture('firefox-invalid-scope.har')]);
    assert.deepEqual(steps(trace), ['authorize', 'callback']);
    assert.match(exchanges(trace)[1]?.request.url ?? '', /error=invalid_scope/);
    assert.equal(exchanges(trace)[1]?.request.headers['cookie'], 'portal_sid=s-771', 'cookies only in the cookies array become a Cookie header');
  });

  it('a failed request (status 0 and _error) is an exchange with an error and no response', async () => {
    const e = harEntryJson({ method: 'POST', url: 'https://auth.example.org/token', body: 'grant_type=authorization_code&code=c', status: 0 });
    (e['response'] as Record<string, unknown>)['_error'] = 'net::ERR_CONNECTION_REFUSED';
    const { trace } = await traceOf([harDocument([e])]);
    const token = exchanges(trace)[0];
    assert.equal(token?.response, undefined);
    assert.deepEqual(token?.error, { code: 'network-failure', message: 'net::ERR_CONNECTION_REFUSED' });
  });

  it(`bodies of flow steps are cut at ${BODY_CAP} characters with a har-body-cut event; skipped entries keep nothing`, async () => {
    const big = `{"access_token":"${'a'.repeat(3000)}"}`;
    const text = harDocument([harEntryJson({ method: 'POST', url: 'https://auth.example.org/token', body: 'grant_type=authorization_code', responseBody: big }), harEntryJson({ url: 'https://cdn.example/big.js', responseBody: 'x'.repeat(5000) })]);
    const { trace } = await traceOf([text], 1000);
    const token = exchanges(trace)[0];
    assert.equal(token?.response?.body.length, 1000);
    const cut = trace.find((e) => e.type === 'event');
    assert.equal(cut?.type === 'event' ? cut.name : undefined, 'har-body-cut');
    assert.deepEqual(cut?.type === 'event' ? cut.data : undefined, { entry: 1, step: 'token', what: 'response', kept: 1000, length: big.length });
    assert.equal(trace.length, 2);
  });

  it('harRunContext: the client authentication used at the token endpoint', async () => {
    const basic = await traceOf([harFixture('fiddler-token-500.har')]);
    assert.equal(harRunContext(basic.trace).authMethod, 'client_secret_basic');
    const chrome = await traceOf([harFixture('chrome-devtools-no-id-token.har')]);
    const context = harRunContext(chrome.trace);
    assert.equal(context.authMethod, 'none');
    assert.equal(context.launchType, 'standalone');
    assert.match(context.authorizeUrl ?? '', /^https:\/\/auth\.ehr\.example\.org\/oauth2\/authorize\?response_type=code/);
  });

  it('a native app redirect URI (custom scheme) is the callback, rebuilt from the redirect the browser could not follow', async () => {
    const authorize = 'https://auth.example.org/authorize?response_type=code&client_id=app&redirect_uri=com.example.app%3A%2Foauth2redirect&state=s9';
    const text = harDocument([
      harEntryJson({ url: authorize, status: 302, redirectURL: 'com.example.app:/oauth2redirect?error=access_denied&state=s9' }),
      harEntryJson({ url: 'org.other.app:/oauth2redirect?code=c&state=s9', status: 0 }),
    ]);
    const { trace } = await traceOf([text]);
    assert.deepEqual(steps(trace), ['authorize', 'callback']);
    assert.equal(exchanges(trace)[1]?.request.url, 'com.example.app:/oauth2redirect?error=access_denied&state=s9');
  });
});
