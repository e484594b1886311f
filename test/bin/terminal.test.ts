// Terminal manners without a terminal: one error style (commander's errors included),
// --insecure marked everywhere, keygen making its folder, launch never waiting for a
// person who is not there, and opener failures noticed. Prompts and Ctrl-C need a
// terminal: test/bin/pty.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, statSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseJsonOutput, runCli } from '../helpers/run-cli.js';

const tmp = (): string => mkdtempSync(path.join(os.tmpdir(), 'smartctl-terminal-'));

test("commander's own errors use the smartctl style: one line, a hint, exit 2", async () => {
  const cases: Array<[string[], RegExp, RegExp]> = [
    [['decod'], /^smartctl: unknown command 'decod'\n/, /^ {2}hint: did you mean decode\?/m],
    [['decode', '--bogus'], /^smartctl: unknown option '--bogus'\n/, /^ {2}hint: run `smartctl decode --help` for usage$/m],
    [['keygen', '--alg', 'XX'], /^smartctl: option '--alg <alg>' argument 'XX' is invalid/, /^ {2}hint: run `smartctl keygen --help`/m],
    [['diff-scopes', 'a'], /^smartctl: missing required argument 'granted'\n/, /^ {2}hint: /m],
    [['--timeout', 'soon', 'decode', 'x'], /^smartctl: option '--timeout <ms>' argument 'soon' is invalid/, /^ {2}hint: run `smartctl --help`/m],
    [['token'], /^smartctl: required option '--grant <type>' not specified\n/, /^ {2}hint: /m],
  ];
  for (const [args, what, hint] of cases) {
    const r = await runCli(args);
    assert.equal(r.code, 2, args.join(' '));
    assert.match(r.stderr, what, args.join(' '));
    assert.match(r.stderr, hint, args.join(' '));
    assert.doesNotMatch(r.stderr, /^error:|run with --help/m, 'no second style');
    assert.equal(r.stderr.trim().split('\n').length, 2, `two lines: ${r.stderr}`);
  }
});

test('--insecure warns on stderr, sets tlsVerification: false in --json and says so in the human view', async () => {
  const json = await runCli(['--insecure', '--json', 'diff-scopes', 'openid', 'openid']);
  assert.equal(json.code, 0, json.stderr);
  assert.equal(parseJsonOutput(json)['tlsVerification'], false);
  assert.match(json.stderr, /--insecure: TLS certificates are not verified/);
  const human = await runCli(['--insecure', 'diff-scopes', 'openid', 'openid']);
  assert.match(human.stdout, /certificate verification OFF \(--insecure\)/);
  const plain = await runCli(['--json', 'diff-scopes', 'openid', 'openid']);
  assert.equal(parseJsonOutput(plain)['tlsVerification'], undefined);
  assert.doesNotMatch(plain.stderr, /insecure/);
});

test('keygen --out keys/my-app creates the missing folder with mode 0700', async () => {
  const dir = tmp();
  const r = await runCli(['keygen', '--out', 'keys/nested/my-app'], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  assert.ok(existsSync(path.join(dir, 'keys', 'nested', 'my-app.private.pem')));
  assert.equal(statSync(path.join(dir, 'keys')).mode & 0o777, 0o700);
  assert.equal(statSync(path.join(dir, 'keys', 'nested')).mode & 0o777, 0o700);
  assert.equal(statSync(path.join(dir, 'keys', 'nested', 'my-app.private.pem')).mode & 0o777, 0o600);
  // An existing folder is left as it is.
  const again = await runCli(['keygen', '--out', 'keys/nested/other'], { cwd: dir });
  assert.equal(again.code, 0, again.stderr);
});

test('without a person (CI, or no TTY) launch against a server fails at once naming --headless and --no-open', async () => {
  for (const env of [{ CI: '1' }, { CI: undefined }]) {
    const started = Date.now();
    // Port 9 refuses connections: reaching the network would be exit 3, not 2.
    const r = await runCli(['launch', '--iss', 'http://127.0.0.1:9/fhir', '--client-id', 'app'], { env });
    assert.equal(r.code, 2, `${JSON.stringify(env)}: ${r.stderr}`);
    assert.match(r.stderr, /^smartctl: launch would wait up to 300 s for a person to sign in/m);
    assert.match(r.stderr, /nobody is there \((CI is set|stdin is not a terminal)\)/);
    assert.match(r.stderr, /hint: .*--headless.*--no-open/);
    assert.ok(Date.now() - started < 20_000);
  }
});

test('without a person, launch --sandbox completes headless even where a display exists', async () => {
  const r = await runCli(['launch', '--sandbox'], { env: { CI: undefined, DISPLAY: ':99' } });
  assert.equal(r.code, 0, r.stderr);
  assert.doesNotMatch(r.stderr, /opened |open this URL/);
  assert.match(r.stderr, /nobody is there to sign in \(stdin is not a terminal\): completing the sandbox flow headless/);
});

test('an opener that fails is noticed: a --browser that does not exist, or exits non-zero', async () => {
  for (const [browser, reason] of [
    ['/nonexistent/browser', /could not open a browser \(\/nonexistent\/browser: spawn \/nonexistent\/browser ENOENT\)/],
    ['false', /could not open a browser \(false exited with code 1\)/],
  ] as const) {
    const r = await runCli(['launch', '--sandbox', '--browser', browser, '--callback-timeout', '1']);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, reason);
    assert.match(r.stderr, /open this URL to sign in:\nhttp:\/\/127\.0\.0\.1:\d+\/oauth\/authorize\?\S+\n/);
    assert.doesNotMatch(r.stderr, /opened /);
  }
  // An opener that works: said so, and the URL is printed anyway.
  const ok = await runCli(['launch', '--sandbox', '--browser', 'true', '--callback-timeout', '1']);
  assert.match(ok.stderr, /opened true; waiting for the callback/);
  assert.match(ok.stderr, /if no browser window opened, open this URL to sign in:\nhttp:\/\/127\.0\.0\.1:\d+\/oauth\/authorize\?/);
});
