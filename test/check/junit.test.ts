// --junit: the file validates against the JUnit XSD (fixtures/junit/junit.xsd) with a real
// XML validator (libxml2's xmllint, compiled to WebAssembly), for a passing run, a run
// with failures, warnings and skips, and hostile text; secrets stay redacted.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { validateXML } from 'xmllint-wasm';
import { renderJunit } from '../../src/check/junit.js';
import type { TestResult } from '../../src/check/types.js';
import { REPO_ROOT } from '../helpers/run-cli.js';
import { runCheck } from './helpers.js';

const XSD = path.join(REPO_ROOT, 'fixtures', 'junit', 'junit.xsd');

async function validate(xml: string): Promise<{ valid: boolean; errors: string[] }> {
  const schema = await readFile(XSD, 'utf8');
  const r = await validateXML({ xml: [{ fileName: 'check.xml', contents: xml }], schema: [{ fileName: 'junit.xsd', contents: schema }] });
  return { valid: r.valid, errors: r.errors.map((e) => e.rawMessage) };
}

async function withJunit<T>(run: (file: string) => Promise<T>): Promise<{ result: T; xml: string; mode: number }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'smartctl-junit-'));
  try {
    const file = path.join(dir, 'check.xml');
    const result = await run(file);
    return { result, xml: await readFile(file, 'utf8'), mode: (await stat(file)).mode & 0o777 };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function count(xml: string, re: RegExp): number {
  return [...xml.matchAll(re)].length;
}

describe('check --junit', () => {
  it('the validator rejects what the schema forbids (so a pass means something)', async () => {
    assert.equal((await validate('<testsuites><testsuite name="x" tests="1" failures="0" errors="0" time="0"><testcase name="a" classname="c" time="0"><failure message="m" type="t"/><skipped/></testcase></testsuite></testsuites>')).valid, false);
    assert.equal((await validate('<testsuites><testsuite name="x" tests="-1" failures="0" errors="0" time="0"/></testsuites>')).valid, false);
    assert.equal((await validate('<testsuites><testsuite name="x" tests="0" failures="0" errors="0" time="0"><bogus/></testsuite></testsuites>')).valid, false);
    assert.equal((await validate('<testsuites><testsuite name="x" tests="0" failures="0" errors="0" time="0"/></testsuites>')).valid, true);
  });

  it('a passing sandbox run: valid, one testsuite per group, one testcase per test, system-out redacted, mode 0600', async () => {
    const { result, xml, mode } = await withJunit((junit) => runCheck(undefined, { sandbox: true, only: 'discovery,standalone-launch,backend-services', junit }));
    const v = await validate(xml);
    assert.deepEqual(v.errors, []);
    assert.equal(v.valid, true);
    assert.equal(count(xml, /<testsuite /g), 3);
    assert.equal(count(xml, /<testcase /g), result.tests.length);
    assert.equal(count(xml, /<failure /g), 0);
    assert.match(xml, /<system-out>#1 authorize GET http:\/\/127.0.0.1:\d+\/oauth\/authorize\?/);
    assert.match(xml, /#2 token POST /);
    assert.doesNotMatch(xml, /eyJ[A-Za-z0-9_-]{10,}\./, 'no JWT in the file');
    assert.match(xml, /access_token&quot;:&quot;\[REDACTED\]/);
    assert.equal(mode, 0o600);
  });

  it('failures carry the finding title and detail, skips their reason; still valid', async () => {
    const { xml } = await withJunit((junit) => runCheck(undefined, { sandbox: true, sandboxFault: ['pkce-not-advertised', 'drop-openid'], only: 'discovery,standalone-launch', junit }));
    const v = await validate(xml);
    assert.deepEqual(v.errors, []);
    assert.match(xml, /<failure message="discovery-missing-pkce-methods: the smart-configuration does not list code_challenge_methods_supported" type="discovery-missing-pkce-methods">/);
    assert.match(xml, /<failure message="[^"]*" type="openid-scope-dropped">/);
    const skipped = await withJunit((junit) => runCheck(undefined, { sandbox: true, only: 'oidc,discovery', junit }));
    assert.equal((await validate(skipped.xml)).valid, true);
  });

  it('any text in ids, titles, reasons and bodies stays valid XML (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 40 }), fc.constantFrom<TestResult['result']>('pass', 'fail', 'warn', 'skip'), async (text, result) => {
        const r: TestResult = { id: `x${text}`, group: 'hardening', title: text, result, reason: text, spec: 'https://example.org', durationMs: 3, findings: [{ id: 'f', severity: result === 'warn' ? 'warning' : 'error', title: text, detail: text }], evidence: [1], exchanges: [{ type: 'exchange', id: 1, step: 's', request: { method: 'GET', url: 'http://x/', headers: { h: text } }, response: { status: 200, headers: {}, body: text }, startedAt: '2026-01-01T00:00:00Z', durationMs: 1 }] };
        const v = await validate(renderJunit([r], { name: text, now: new Date('2026-01-01T00:00:00Z') }));
        assert.deepEqual(v.errors, []);
      }),
      { numRuns: 25 },
    );
  });
});
