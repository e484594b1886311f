// Property tests for the discovery document readers and lints: random and mutated JSON
// values are read into findings, never a crash, and every finding is well-formed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { lintSmartConfiguration, readSmartConfiguration } from '../../../src/protocol/discovery/smart-configuration.js';
import { readCapabilityStatement } from '../../../src/protocol/discovery/capability-statement.js';
import { issuerMatches, readOpenIdConfiguration } from '../../../src/protocol/discovery/openid-configuration.js';
import { readServerJwks } from '../../../src/protocol/discovery/jwks.js';
import { assembleDiscovery } from '../../../src/protocol/discovery/assemble.js';
import { appExpectations } from '../../../src/protocol/discovery/expectations.js';
import { endpointProblem } from '../../../src/protocol/discovery/endpoint-url.js';
import { SPEC_LINKS } from '../../../src/report/spec-links.js';
import type { Finding } from '../../../src/report/finding.js';
import { discoveryFixture } from '../../helpers/discovery-fixtures.js';

type Doc = Record<string, unknown>;
const ORIGIN = 'https://ehr.example.org';
const NOW = new Date('2026-06-01T00:00:00Z');

function wellFormed(findings: Finding[]): boolean {
  for (const f of findings) {
    assert.match(f.id, /^[a-z0-9]+(-[a-z0-9]+)*$/);
    assert.ok(['error', 'warning', 'info'].includes(f.severity));
    assert.ok(f.title.length > 0 && !f.title.includes('\n'), f.title);
    assert.ok(f.detail.length > 0 && (f.fix ?? '').length > 0, `${f.id} has detail and fix`);
    assert.ok(f.spec !== undefined && (Object.values(SPEC_LINKS) as string[]).includes(f.spec), `${f.id} cites a spec section`);
  }
  return true;
}

/** Everything the flow does with documents once fetched, in one call. */
function readAll(smartDoc: unknown, metadataDoc: unknown, openidDoc: unknown, jwksDoc: unknown, now: Date = NOW): Finding[] {
  const smart = readSmartConfiguration(smartDoc);
  const meta = readCapabilityStatement(metadataDoc);
  const oidc = readOpenIdConfiguration(openidDoc);
  const jwks = readServerJwks(jwksDoc, `${ORIGIN}/jwks`, now);
  const issuerFindings = smart.config?.issuer !== undefined && oidc.config !== undefined ? issuerMatches(smart.config.issuer, oidc.config) : [];
  const r = assembleDiscovery({
    fhirBaseUrl: `${ORIGIN}/fhir`,
    smartConfiguration: smart.config,
    capabilityStatement: meta.summary,
    openidConfiguration: oidc.config,
    jwks: jwks.jwks,
    findings: [...smart.findings, ...meta.findings, ...oidc.findings, ...jwks.findings, ...issuerFindings],
  });
  const { findings, ...rest } = r;
  const expectations = appExpectations(rest);
  assert.equal(expectations.length, 9);
  return findings;
}

const GOOD = {
  smart: (): Doc => discoveryFixture('good/smart-configuration.json') as Doc,
  metadata: (): Doc => discoveryFixture('good/metadata.json') as Doc,
  openid: (): Doc => discoveryFixture('good/openid-configuration.json') as Doc,
  jwks: (): Doc => discoveryFixture('good/jwks.json') as Doc,
};

test('property: any JSON value as any document gives well-formed findings, never a throw', () => {
  fc.assert(
    fc.property(fc.jsonValue(), fc.jsonValue(), fc.jsonValue(), fc.jsonValue(), (a, b, c, d) => wellFormed(readAll(a, b, c, d))),
    { numRuns: 1500 },
  );
});

test('property: objects with SMART field names and random values are read and linted', () => {
  const fields = ['issuer', 'jwks_uri', 'authorization_endpoint', 'token_endpoint', 'grant_types_supported', 'token_endpoint_auth_methods_supported', 'token_endpoint_auth_signing_alg_values_supported', 'scopes_supported', 'capabilities', 'code_challenge_methods_supported', 'introspection_endpoint', 'revocation_endpoint'];
  const value = fc.oneof(fc.jsonValue(), fc.webUrl(), fc.array(fc.oneof(fc.string(), fc.constantFrom('S256', 'plain', 'launch-ehr', 'sso-openid-connect', 'permission-v2', 'permission-v1', 'authorize-post', 'client-confidential-asymmetric', 'private_key_jwt', 'RS384', 'openid', 'patient/*.rs', 'patient/*.read'))));
  fc.assert(
    fc.property(fc.dictionary(fc.constantFrom(...fields), value), (doc) => {
      const { config, findings } = readSmartConfiguration(doc);
      assert.ok(config !== undefined);
      return wellFormed([...findings, ...lintSmartConfiguration(config)]);
    }),
    { numRuns: 2000 },
  );
});

test('property: the good fixtures with one top-level field replaced or removed never crash', () => {
  const which = fc.constantFrom('smart', 'metadata', 'openid', 'jwks') as fc.Arbitrary<keyof typeof GOOD>;
  fc.assert(
    fc.property(which, fc.nat(), fc.option(fc.jsonValue(), { nil: undefined }), (name, index, value) => {
      const docs = { smart: GOOD.smart(), metadata: GOOD.metadata(), openid: GOOD.openid(), jwks: GOOD.jwks() };
      const target = docs[name];
      const keys = Object.keys(target);
      const key = keys[index % keys.length] ?? 'x';
      if (value === undefined) delete target[key];
      else target[key] = value;
      return wellFormed(readAll(docs.smart, docs.metadata, docs.openid, docs.jwks));
    }),
    { numRuns: 2000 },
  );
});

test('property: a mutated oauth-uris extension or JWK never crashes', () => {
  fc.assert(
    fc.property(fc.nat(), fc.jsonValue(), fc.jsonValue(), (i, uriValue, keyValue) => {
      const meta = GOOD.metadata();
      const ext = (((meta['rest'] as Doc[])[0]?.['security'] as Doc)['extension'] as Doc[])[0] as Doc;
      const subs = ext['extension'] as unknown[];
      subs[i % subs.length] = uriValue;
      const jwks = GOOD.jwks();
      const keys = jwks['keys'] as unknown[];
      keys[i % keys.length] = keyValue;
      return wellFormed(readAll(GOOD.smart(), meta, GOOD.openid(), jwks));
    }),
    { numRuns: 1000 },
  );
});

test('property: random x5c values and dates never crash the JWKS reader', () => {
  fc.assert(
    fc.property(fc.oneof(fc.jsonValue(), fc.array(fc.base64String())), fc.date({ noInvalidDate: true }), (x5c, now) =>
      wellFormed(readServerJwks({ keys: [{ kty: 'RSA', kid: 'a', x5c }] }, 'x', now).findings),
    ),
    { numRuns: 500 },
  );
});

test('property: endpointProblem classifies any string; https URLs are always fine', () => {
  fc.assert(
    fc.property(fc.string(), (s) => {
      const p = endpointProblem(s);
      return p === undefined || p === 'not-absolute' || p === 'not-https';
    }),
    { numRuns: 2000 },
  );
  fc.assert(
    fc.property(fc.webUrl({ validSchemes: ['https'] }), (u) => endpointProblem(u) === undefined),
    { numRuns: 500 },
  );
});

test('property: unknown extra fields in a good document add no finding (forward compatibility)', () => {
  const known = new Set(Object.keys(GOOD.smart()));
  fc.assert(
    fc.property(fc.dictionary(fc.string().filter((k) => !known.has(k) && k !== '__proto__'), fc.jsonValue()), (extra) => {
      const doc = { ...extra, ...GOOD.smart() };
      const { config, findings } = readSmartConfiguration(doc);
      return findings.length === 0 && lintSmartConfiguration(config ?? {}).length === 0;
    }),
    { numRuns: 500 },
  );
});
