// check --har <file>: every test's exchanges as one HAR 1.2 file (the tests run concurrently,
// each with its own trace), in time order, each entry tagged _check with its test id and on
// its test's page; redacted unless --show-secrets, mode 0600; explain --har reads it back.
// The built executable, its sandbox wiretapped for the run's secrets.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, statSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { SMART_TESTS } from '../../src/check/suite.js';
import { assertValidHar } from '../helpers/har.js';
import { leaksOf, OUTPUT_PRODUCERS, runEveryOutput, shownBy, type TappedRun } from '../helpers/leak-check.js';
import { parseJsonOutput, runCli } from '../helpers/run-cli.js';

interface Entry {
  startedDateTime: string;
  pageref: string;
  _check?: string;
  _step: string;
  response: { status: number; _error?: string };
}

/**
 * The introspection-inactive test sends a made-up token, "smartctl-check-unknown-<uuid>": its
 * readable prefix is also the start of the public kid "smartctl-check-unregistered-kid" the
 * backend tests put in an assertion header, so only its random part is looked for.
 */
function withoutMadeUpPrefix(run: TappedRun): TappedRun {
  const prefix = 'smartctl-check-unknown-';
  return { ...run, secrets: new Set([...run.secrets].map((s) => (s.startsWith(prefix) ? s.slice(prefix.length) : s))) };
}

const entriesOf = (doc: Record<string, unknown>): Entry[] => (doc['log'] as { entries: Entry[] }).entries;
const GROUP_OF = new Map(SMART_TESTS.map((t) => [t.id, t.group]));

describe('check --har', () => {
  it('check --sandbox --har: valid HAR 1.2, mode 0600, every group, in time order, tagged per test; no secret in it nor in --json, human or --verbose; explain reads it', async () => {
    const runs = await runEveryOutput(['check', '--sandbox']);
    for (const run of runs) {
      assert.equal(run.result.code, 0, run.result.stderr);
      // Codes, verifiers, tokens, the second client's secret, assertions: many of each.
      assert.ok(run.secrets.size >= 50, `${run.secrets.size} secrets`);
      assert.deepEqual(leaksOf(withoutMadeUpPrefix(run)), [], run.mode);
      const file = path.join(run.dir, 'run.har');
      assert.equal(statSync(file).mode & 0o777, 0o600);
      if (run.mode !== 'json') assert.match(run.result.stderr, /wrote \d+ HTTP exchange\(s\) to .*run\.har as HAR 1\.2 \(mode 0600, secrets redacted\)/);
      const doc = await assertValidHar(file);
      const entries = entriesOf(doc);
      const times = entries.map((e) => Date.parse(e.startedDateTime));
      assert.deepEqual(times, [...times].sort((a, b) => a - b), 'in time order');
      const untagged = entries.filter((e) => e._check === undefined || e.pageref !== e._check);
      assert.deepEqual(untagged, []);
      const unknown = entries.filter((e) => e._check !== 'discovery' && !GROUP_OF.has(e._check ?? ''));
      assert.deepEqual(unknown.map((e) => e._check), [], 'every tag is a test id (or the shared discovery)');
      const groups = new Set<string>(entries.map((e) => GROUP_OF.get(e._check ?? '') ?? 'discovery'));
      for (const g of ['discovery', 'standalone-launch', 'ehr-launch', 'refresh', 'backend-services', 'introspection', 'hardening']) assert.ok(groups.has(g), `group ${g} in ${[...groups].join(', ')}`);
      const pages = (doc['log'] as { pages: Array<{ id: string }> }).pages.map((p) => p.id);
      assert.deepEqual([...new Set(entries.map((e) => e.pageref))].sort(), [...pages].sort(), 'a page per test with exchanges');
      if (run.mode === 'json') assert.equal(parseJsonOutput(run.result)['harFile'], file);
    }
    const har = path.join(runs[0]?.dir ?? '', 'run.har');
    const explained = await runCli(['explain', '--har', har, '--json']);
    assert.ok(explained.code === 0 || explained.code === 1, `exit ${explained.code}: ${explained.stderr}`);
    const doc = parseJsonOutput(explained);
    assert.equal((doc['har'] as { entries: number }).entries, entriesOf(await assertValidHar(har)).length);
    assert.ok(Array.isArray(doc['findings']));
  });

  it('--show-secrets: the HAR holds the secrets (so the check above can fail)', async () => {
    const [run] = await runEveryOutput(['check', '--sandbox', '--only', 'standalone-launch,backend-services'], { showSecrets: true, producers: OUTPUT_PRODUCERS.filter((p) => p.name === 'json' || p.name === 'har') });
    assert.ok(run !== undefined);
    assert.equal(run.result.code, 0, run.result.stderr);
    assert.ok(run.secrets.size >= 5);
    assert.equal(shownBy(run)['har file'], run.secrets.size);
  });

  it('a server that cannot be reached (exit 3): the failed discovery requests are in the HAR, status 0 with _error', async () => {
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'smartctl-check-har-')), 'down.har');
    const r = await runCli(['check', `http://127.0.0.1:${port}/fhir`, '--har', file, '--json']);
    assert.equal(r.code, 3, r.stderr);
    assert.equal(parseJsonOutput(r)['ok'], false);
    const entries = entriesOf(await assertValidHar(file));
    assert.ok(entries.length >= 1);
    assert.ok(entries.every((e) => e.response.status === 0 && /^connection-refused: /.test(e.response._error ?? '')), JSON.stringify(entries.map((e) => e.response)));
    assert.equal(statSync(file).mode & 0o777, 0o600);
  });
});
