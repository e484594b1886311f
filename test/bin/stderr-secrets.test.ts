// stderr is an output too: the error line and the step narration quote the user's input and
// servers' text, and the secrets in them are masked as in every other view (unless --show-secrets).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../helpers/run-cli.js';

test('regression: an error line quoting a URL with a password masks the password (was printed as given)', async () => {
  const r = await runCli(['discover', 'ftp://app:pw-secret-4821@ehr.example/fhir']);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /^smartctl: FHIR base URL "ftp:\/\/app:\[REDACTED\]@ehr\.example\/fhir" must use http or https/m);
  assert.ok(!r.stderr.includes('pw-secret-4821'), r.stderr);
  const shown = await runCli(['discover', 'ftp://app:pw-secret-4821@ehr.example/fhir', '--show-secrets']);
  assert.match(shown.stderr, /ftp:\/\/app:pw-secret-4821@ehr\.example/, '--show-secrets shows it');
});

test('regression: the step narration masks a URL password and a secret parameter (was printed as given)', async () => {
  const r = await runCli(['discover', 'http://app:pw-secret-4821@127.0.0.1:9/fhir?client_secret=cs-secret-7734', '--verbose']);
  assert.equal(r.code, 3, r.stderr);
  assert.match(r.stderr, /→ discovering http:\/\/app:\[REDACTED\]@127\.0\.0\.1:9\/fhir\?client_secret=\[REDACTED\]/);
  for (const secret of ['pw-secret-4821', 'cs-secret-7734']) assert.ok(!r.stderr.includes(secret), r.stderr);
});
