// In a real terminal (tmux): Ctrl-C and Ctrl-D at a prompt end quietly with exit 130,
// a launch that waits for a person prints the authorize URL and counts down, and
// multi-step runs show each step as it starts and ends (never without a terminal or in CI).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { hasTmux, startInTerminal } from '../helpers/terminal.js';
import { runCli } from '../helpers/run-cli.js';
import { startSandbox } from '../../src/sandbox/index.js';
import type { SandboxHandle } from '../../src/sandbox/types.js';

const skip = hasTmux() ? false : 'tmux is not installed (.ci/run installs it)';

for (const [key, name] of [['C-c', 'Ctrl-C'], ['C-d', 'Ctrl-D']] as const) {
  test(`${name} at the client id prompt exits 130 without an error message`, { skip }, async () => {
    // No --client-id on a terminal: launch asks for it before any request (port 9 refuses).
    const t = startInTerminal(['launch', '--iss', 'http://127.0.0.1:9/fhir']);
    try {
      await t.waitFor(/Client id registered with the server:/);
      t.keys(key);
      assert.equal(await t.exitCode(), 130);
      const screen = t.screen();
      assert.doesNotMatch(screen, /internal error|this is a bug|smartctl:|\n\s+at /);
    } finally {
      t.close();
    }
  });
}

test('waiting for a person: the authorize URL on one line and a countdown; Ctrl-C stops it with 130', { skip }, async () => {
  const t = startInTerminal(['launch', '--sandbox', '--browser', 'false', '--callback-timeout', '60']);
  try {
    const screen = await t.waitFor(/s left \(Ctrl-C to stop\)/);
    assert.match(screen, /could not open a browser \(false exited with code 1\); open this URL to sign in:\n(http:\/\/127\.0\.0\.1:\d+\/oauth\/authorize\?\S+)\n/);
    const first = Number(/(\d+) s left/.exec(screen)?.[1]);
    assert.ok(first <= 60 && first >= 50, `countdown starts near 60 s: ${first}`);
    const later = await t.waitFor(new RegExp(`\\b(?!${first}\\b)\\d+ s left`), 5000);
    assert.ok(Number(/(\d+) s left/.exec(later)?.[1]) < first, 'the countdown moves');
    t.keys('C-c');
    assert.equal(await t.exitCode(), 130);
  } finally {
    t.close();
  }
});

test('the system opener failing (xdg-open exits 3) is noticed: the sandbox flow completes headless', { skip }, async () => {
  const bin = mkdtempSync(path.join(os.tmpdir(), 'smartctl-opener-'));
  writeFileSync(path.join(bin, 'xdg-open'), '#!/bin/sh\nexit 3\n');
  chmodSync(path.join(bin, 'xdg-open'), 0o755);
  const t = startInTerminal(['launch', '--sandbox'], { PATH: `${bin}:${process.env['PATH'] ?? ''}`, DISPLAY: ':99' });
  try {
    assert.equal(await t.exitCode(), 0);
    const screen = t.screen();
    assert.match(screen, /could not open a browser \(the system opener exited with code 3\): completing the sandbox flow headless/);
    assert.doesNotMatch(screen, /opened the system browser/);
  } finally {
    t.close();
  }
});

let sandbox: SandboxHandle;
before(async () => {
  sandbox = await startSandbox({});
});
after(async () => {
  await sandbox.close();
});

/** The live step lines: "→ stage …" as it starts, "✓ stage 12 ms" or "✗ stage HTTP 400, 3 ms" as it ends. */
const STEP_LINE = /^(?:→ [\w-]+ …|[✓✗] [\w-]+ .*\d+ ms)$/m;

test('on a terminal, launch shows each step as it starts and as it ends, in order, before the report', { skip }, async () => {
  const t = startInTerminal(['launch', '--sandbox', '--headless']);
  try {
    assert.equal(await t.exitCode(), 0);
    const screen = t.screen();
    const order = ['→ discovery …', /✓ discovery \d+ ms/, '→ authorize …', /✓ authorize \d+ ms/, '→ token …', /✓ token \d+ ms/, '→ fhir …', /✓ fhir \d+ ms/, /^Launch$/m];
    let at = 0;
    for (const want of order) {
      const rest = screen.slice(at);
      const found = typeof want === 'string' ? rest.indexOf(want) : rest.search(want);
      assert.ok(found !== -1, `${String(want)} after position ${at}:\n${screen}`);
      at += found + 1;
    }
  } finally {
    t.close();
  }
});

test('on a terminal, a failed step ends with ✗ and the status; check shows each test', { skip }, async () => {
  const tokenUrl = `${sandbox.issuer.replace(/\/$/, '')}/token`;
  const t = startInTerminal(['token', '--grant', 'refresh_token', '--token-url', tokenUrl, '--client-id', sandbox.demoClients.public, '--refresh-token', 'not-a-refresh-token-of-this-server']);
  try {
    assert.equal(await t.exitCode(), 1);
    assert.match(t.screen(), /^→ token …\n(?:.*\n)*?✗ token HTTP 400, \d+ ms$/m);
  } finally {
    t.close();
  }
  const c = startInTerminal(['check', '--sandbox', '--only', 'discovery']);
  try {
    assert.equal(await c.exitCode(), 0);
    const screen = c.screen();
    assert.match(screen, /^→ discovery-smart-configuration …$/m);
    assert.match(screen, /^✓ discovery-smart-configuration \d+ ms$/m);
  } finally {
    c.close();
  }
});

test('no step lines with CI set, even on a terminal', { skip }, async () => {
  const t = startInTerminal(['launch', '--sandbox', '--headless'], { CI: '1' });
  try {
    assert.equal(await t.exitCode(), 0);
    const screen = t.screen();
    assert.match(screen, /✔ launch completed/, 'the run did finish on this screen');
    assert.doesNotMatch(screen, STEP_LINE);
  } finally {
    t.close();
  }
});

test('no step lines and no countdown without a terminal (pipes), nor with --json', async () => {
  for (const env of [{ CI: undefined }, { CI: '1' }]) {
    const r = await runCli(['launch', '--sandbox', '--headless'], { env });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /→ discovering /, 'the narration is there');
    assert.doesNotMatch(r.stderr, STEP_LINE);
    assert.doesNotMatch(r.stderr + r.stdout, /s left \(Ctrl-C to stop\)/);
  }
  const json = await runCli(['check', '--sandbox', '--only', 'discovery', '--json'], { env: { CI: undefined } });
  assert.doesNotMatch(json.stderr, STEP_LINE);
});

test('with CI set or --json on a terminal, the callback wait prints the URL but no countdown', { skip }, async () => {
  for (const [args, env] of [[[], { CI: '1' }], [['--json'], {}]] as const) {
    const t = startInTerminal(['launch', '--sandbox', '--browser', 'false', '--callback-timeout', '4', ...args], env);
    try {
      await t.waitFor(/open this URL to sign in:\nhttp:\/\/127\.0\.0\.1:\d+\/oauth\/authorize\?\S+\n/);
      // While it waits (the countdown clears its line when the wait ends, so look now).
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const waiting = t.screen();
      assert.doesNotMatch(waiting, /s left \(Ctrl-C to stop\)/);
      assert.doesNotMatch(waiting, STEP_LINE);
      assert.equal(await t.exitCode(), 1, 'the callback never came');
    } finally {
      t.close();
    }
  }
});
