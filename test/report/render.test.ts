import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeFinding } from '../../src/report/finding.js';
import { makeReport } from '../../src/report/report.js';
import { renderHuman } from '../../src/report/render/human.js';
import { renderJson } from '../../src/report/render/json.js';

const finding = makeFinding({ id: 'openid-scope-dropped', severity: 'error', title: 'openid was dropped', detail: 'expected "openid"', fix: 'register OpenID', spec: 'smart-scopes' });

test('ok is false when an error finding exists, and errors sort first', () => {
  const report = makeReport({ command: 't', findings: [makeFinding({ id: 'a', severity: 'info', title: 'i', detail: 'd' }), finding] });
  assert.equal(report.ok, false);
  assert.equal(report.findings[0]?.id, 'openid-scope-dropped');
  assert.equal(makeReport({ command: 't', findings: [makeFinding({ id: 'a', severity: 'warning', title: 'w', detail: 'd' })] }).ok, true);
});

test('JSON document has command, ok, findings and data at the top level', () => {
  const doc = JSON.parse(renderJson(makeReport({ command: 'decode', findings: [finding], data: { kind: 'jwt' } }))) as Record<string, unknown>;
  assert.equal(doc['command'], 'decode');
  assert.equal(doc['ok'], false);
  assert.equal(doc['kind'], 'jwt');
  assert.equal((doc['findings'] as Array<{ spec: string }>)[0]?.spec, 'https://hl7.org/fhir/smart-app-launch/scopes-and-launch-context.html');
});

test('human view without colour has no escape codes and shows id, fix and spec', () => {
  const text = renderHuman(makeReport({ command: 't', findings: [finding], sections: [{ title: 'Token', rows: [['alg', 'RS256']] }] }), { color: false, verbose: false, quiet: false });
  assert.ok(!text.includes('\u001b['));
  assert.match(text, /\[openid-scope-dropped\]/);
  assert.match(text, /fix: register OpenID/);
  assert.match(text, /alg\s+RS256/);
  const colored = renderHuman(makeReport({ command: 't', findings: [finding] }), { color: true, verbose: false, quiet: false });
  assert.ok(colored.includes('\u001b['));
});
