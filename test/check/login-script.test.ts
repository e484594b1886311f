// --login scripts: the parser (steps, errors with the step number, property test), and
// Debian chromium completing the sandbox's login, patient picker and consent pages from a
// script with the auto-approve header off; a wrong selector fails with the step named.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { fillValue, parseLoginScript } from '../../src/check/login-script.js';
import { findChromium } from '../../src/check/browser-login.js';
import { isSmartctlError } from '../../src/errors.js';
import { runCheck, startBrokenServer } from './helpers.js';

const ONLY_AUTHORIZE = { only: 'standalone-launch', skip: 'standalone-launch-no-store,standalone-launch-scopes,standalone-launch-context,standalone-launch-fhir-read,standalone-launch-token-response,standalone-launch-id-token' };

describe('login script parser', () => {
  it('reads fill, click and waitFor steps', () => {
    assert.deepEqual(parseLoginScript('[{"fill":"#u","with":"$U"},{"click":"button"},{"waitFor":"https://x/"}]', 'l.json'), [{ fill: '#u', with: '$U' }, { click: 'button' }, { waitFor: 'https://x/' }]);
  });

  it('names the file and step of what is wrong', () => {
    assert.throws(() => parseLoginScript('[{"click":"a"},{"press":"Enter"}]', 'l.json'), (e: unknown) => isSmartctlError(e) && e.code === 'login-script-invalid' && /l\.json: step 2: unknown step with keys press/.test(e.message));
    assert.throws(() => parseLoginScript('[]', 'l.json'), (e: unknown) => isSmartctlError(e) && /non-empty JSON array/.test(e.message));
    assert.throws(() => parseLoginScript('[{"fill":"#u"}]', 'l.json'), (e: unknown) => isSmartctlError(e) && /step 1/.test(e.message));
  });

  it('any text is parsed or refused with login-script-invalid (property)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json(), fc.array(fc.dictionary(fc.constantFrom('fill', 'with', 'click', 'waitFor', 'x'), fc.jsonValue())).map((v) => JSON.stringify(v))), (text) => {
        try {
          parseLoginScript(text, 'l.json');
        } catch (e) {
          assert.ok(isSmartctlError(e) && e.code === 'login-script-invalid', String(e));
        }
      }),
    );
  });

  it('$NAME values come from the environment, and a missing one is named', () => {
    assert.equal(fillValue('$PW', { PW: 'secret' }), 'secret');
    assert.equal(fillValue('alice', {}), 'alice');
    assert.throws(() => fillValue('$PW', {}), (e: unknown) => isSmartctlError(e) && e.code === 'login-script-env-missing' && /PW/.test(e.message));
  });

  it('no browser: a usage error naming the package to install', () => {
    assert.throws(() => findChromium({ SMARTCTL_CHROMIUM: '/nonexistent/chrome' }), (e: unknown) => isSmartctlError(e) && e.code === 'browser-missing');
  });
});

const skip = existsSync('/usr/bin/chromium') ? false : '/usr/bin/chromium is not installed';

describe('login script in chromium against the sandbox pages (no auto-approve)', { skip }, () => {
  it('completes sign-in, the patient picker and consent; a wrong selector fails naming the step', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'smartctl-login-'));
    try {
      const good = path.join(dir, 'login.json');
      await writeFile(good, JSON.stringify([{ click: 'button:has-text("Sign in")' }, { click: 'button:has-text("Continue")' }, { click: 'button:has-text("Allow")' }]));
      const ok = await runCheck(undefined, { sandbox: true, autoApprove: false, login: good, ...ONLY_AUTHORIZE });
      assert.equal(ok.byId.get('standalone-launch-authorize')?.result, 'pass', JSON.stringify(ok.byId.get('standalone-launch-authorize')?.findings));
      const without = await runCheck(undefined, { sandbox: true, autoApprove: false, ...ONLY_AUTHORIZE });
      assert.equal(without.byId.get('standalone-launch-authorize')?.result, 'skip', 'no script, no auto-approve: a page needs a person');
      assert.match(without.byId.get('standalone-launch-authorize')?.reason ?? '', /needs a person .*--login/);
      const bad = path.join(dir, 'bad.json');
      await writeFile(bad, JSON.stringify([{ click: 'button:has-text("Sign in")' }, { click: '#no-such-button' }]));
      const failed = await runCheck(undefined, { sandbox: true, autoApprove: false, login: bad, ...ONLY_AUTHORIZE });
      const t = failed.byId.get('standalone-launch-authorize');
      assert.equal(t?.result, 'fail');
      assert.ok(t?.findings.some((f) => /login script step 2 .*#no-such-button/.test(f.title)), JSON.stringify(t?.findings.map((f) => f.title)));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('login script on requests a server should refuse', { skip }, () => {
  it('a page the script cannot complete is no redirect: the not-redirected tests pass, the no-code tests skip (regression: they failed with login-script-step-failed)', async () => {
    const server = await startBrokenServer({ authorizePage: true });
    const dir = await mkdtemp(path.join(tmpdir(), 'smartctl-login-'));
    try {
      const script = path.join(dir, 'login.json');
      await writeFile(script, JSON.stringify([{ click: '#sign-in' }]));
      const { byId } = await runCheck(server.fhirBase, { clientId: 'app', login: script, only: 'hardening', skip: 'hardening-fhir-without-token,hardening-fhir-invalid-token,hardening-fhir-expired-token,hardening-code-single-use,hardening-code-bound-to-client,hardening-code-bound-to-redirect-uri,hardening-pkce-wrong-verifier,hardening-refresh-token-not-bearer,hardening-patient-compartment' });
      assert.equal(byId.get('hardening-unknown-client-not-redirected')?.result, 'pass', JSON.stringify(byId.get('hardening-unknown-client-not-redirected')?.findings));
      assert.equal(byId.get('hardening-unregistered-redirect-not-redirected')?.result, 'pass');
      assert.equal(byId.get('hardening-pkce-required')?.result, 'skip');
      assert.equal(byId.get('hardening-wrong-aud-no-code')?.result, 'skip');
      assert.ok(byId.get('hardening-unknown-client-not-redirected')?.exchanges.length === 1);
    } finally {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
