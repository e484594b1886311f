// In a real terminal (tmux): Ctrl-C and Ctrl-D at a prompt end quietly with exit 130,
// and a launch that waits for a person prints the authorize URL and counts down.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { hasTmux, startInTerminal } from '../helpers/terminal.js';

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
