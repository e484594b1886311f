// Discovery: smart-configuration, the CapabilityStatement's oauth-uris, the two
// agreeing, OpenID configuration and JWKS when sso-openid-connect is offered, PKCE and
// grant types advertised, CORS for browser apps. The runner discovers once (flows/
// discovery.ts); each test here claims the findings and exchanges of its part.
import { makeFinding, type Finding } from '../../report/finding.js';
import { headerValue, type HttpExchange } from '../../report/trace.js';
import { verdictOf } from '../session.js';
import type { CheckTest, TestContext, Verdict } from '../types.js';

type Part = 'smart-configuration' | 'pkce' | 'grant-types' | 'capabilities' | 'capability-statement' | 'endpoints-agree' | 'openid-configuration' | 'jwks';

/** Which test a discovery finding belongs to (anything unclaimed is smart-configuration's). */
export function partOf(finding: Finding): Part {
  const id = finding.id;
  if (id.startsWith('pkce-')) return 'pkce';
  if (id === 'smart-configuration-field-missing' && finding.title.includes('code_challenge_methods_supported')) return 'pkce';
  if (id.startsWith('capability-')) return 'capabilities';
  if (id.startsWith('metadata-')) return 'capability-statement';
  if (id === 'endpoints-disagree' || id === 'authorize-endpoint-not-found' || id === 'token-endpoint-not-found') return 'endpoints-agree';
  if (id.startsWith('openid-configuration-') || id === 'issuer-mismatch') return 'openid-configuration';
  if (id.startsWith('jwks-')) return 'jwks';
  return 'smart-configuration';
}

function exchangesOf(ctx: TestContext, ...steps: string[]): HttpExchange[] {
  return ctx.discoveryExchanges.filter((e) => steps.includes(e.step));
}

function claimed(ctx: TestContext, part: Part): Finding[] {
  return (ctx.discovery?.findings ?? []).filter((f) => partOf(f) === part);
}

function withShared(v: Verdict, shared: HttpExchange[]): Verdict {
  return { ...v, shared, evidence: shared.map((e) => e.id) };
}

/** Without a discovery result: the failure that stopped it (with all its exchanges), or a skip. */
function noDiscovery(ctx: TestContext, part: Part): Verdict {
  const e = ctx.discoveryError;
  if (e === undefined) return { outcome: 'skip', reason: 'discovery did not run' };
  const culprit: Part = /openid-configuration/i.test(e.message) ? 'openid-configuration' : /jwks/i.test(e.message) ? 'jwks' : 'smart-configuration';
  if (part !== culprit) return { outcome: 'skip', reason: `discovery stopped at another source (${e.message})` };
  const shared = [...ctx.discoveryExchanges];
  return withShared({ outcome: 'fail', findings: [makeFinding({ id: 'discovery-source-unreadable', severity: 'error', title: `discovery stopped: ${e.message}`, detail: e.message, fix: e.hint ?? 'Make every discovery document the server names answer JSON.', spec: 'smart-discovery', exchanges: shared.map((x) => x.id), role: 'root-cause', basis: 'server-words' })] }, shared);
}

const smartConfiguration: CheckTest = {
  id: 'discovery-smart-configuration',
  group: 'discovery',
  title: 'smart-configuration answers 200 with JSON and the required fields, typed',
  spec: 'smart-config-metadata',
  needs: ['fhir-base'],
  run: async (ctx) => {
    if (ctx.discovery === undefined) return noDiscovery(ctx, 'smart-configuration');
    const shared = exchangesOf(ctx, 'discovery.smart-configuration');
    const findings = claimed(ctx, 'smart-configuration');
    const answer = shared[0]?.response;
    if (answer !== undefined && answer.status === 200) {
      const type = headerValue(answer.headers, 'content-type') ?? '';
      if (!/\bjson\b/i.test(type)) findings.push(makeFinding({ id: 'smart-configuration-content-type', severity: 'warning', title: 'smart-configuration is not served as JSON', detail: `Content-Type: expected "application/json", got ${type === '' ? 'none' : `"${type}"`}`, fix: 'Serve .well-known/smart-configuration with Content-Type: application/json.', spec: 'smart-config-metadata', exchanges: shared.map((e) => e.id) }));
    }
    const v = verdictOf(findings);
    // SMART App Launch 2.x requires the document: a fallback to /metadata is a failure here.
    if (ctx.discovery.smartConfiguration === undefined) return withShared({ outcome: 'fail', findings }, shared);
    return withShared(v, shared);
  },
};

const pkce: CheckTest = {
  id: 'discovery-pkce',
  group: 'discovery',
  title: 'code_challenge_methods_supported lists S256 and not plain',
  spec: 'smart-pkce',
  needs: ['fhir-base'],
  run: async (ctx) => {
    if (ctx.discovery === undefined) return noDiscovery(ctx, 'pkce');
    const shared = exchangesOf(ctx, 'discovery.smart-configuration', 'discovery.openid-configuration');
    const findings = claimed(ctx, 'pkce');
    if (ctx.discovery.smartConfiguration !== undefined && !ctx.discovery.codeChallengeMethods.includes('S256') && !findings.some((f) => f.severity === 'error')) {
      findings.push(makeFinding({ id: 'pkce-s256-not-advertised', severity: 'error', title: 'S256 is not advertised in code_challenge_methods_supported', detail: `code_challenge_methods_supported: ${JSON.stringify(ctx.discovery.codeChallengeMethods)}`, fix: 'List "S256" in code_challenge_methods_supported (SMART App Launch 2.x requires it).', spec: 'smart-pkce' }));
    }
    return withShared(verdictOf(findings), shared);
  },
};

const grantTypes: CheckTest = {
  id: 'discovery-grant-types',
  group: 'discovery',
  title: 'grant_types_supported names the grants the capabilities imply',
  spec: 'smart-config-metadata',
  needs: ['fhir-base'],
  run: async (ctx) => {
    const d = ctx.discovery;
    if (d === undefined) return noDiscovery(ctx, 'grant-types');
    const shared = exchangesOf(ctx, 'discovery.smart-configuration');
    const sc = d.smartConfiguration;
    if (sc === undefined) return withShared({ outcome: 'skip', reason: 'no smart-configuration to read grant_types_supported from' }, shared);
    const grants = sc.grant_types_supported;
    const findings: Finding[] = [];
    if (grants === undefined) {
      findings.push(makeFinding({ id: 'grant-types-supported-missing', severity: 'warning', title: 'smart-configuration has no grant_types_supported', detail: 'grant_types_supported: missing (SMART App Launch 2.x lists it as required)', fix: 'List the supported grants, e.g. ["authorization_code", "client_credentials"].', spec: 'smart-config-metadata' }));
    } else {
      const caps = d.capabilities;
      const launches = caps.includes('launch-ehr') || caps.includes('launch-standalone');
      if (launches && !grants.includes('authorization_code')) findings.push(makeFinding({ id: 'grant-type-not-advertised', severity: 'error', title: 'launch capabilities are advertised but grant_types_supported lacks authorization_code', detail: `grant_types_supported: ${JSON.stringify(grants)}; capabilities include ${caps.filter((c) => c.startsWith('launch-')).join(', ')}`, fix: 'Add "authorization_code" to grant_types_supported.', spec: 'smart-config-metadata' }));
      if (caps.includes('client-confidential-asymmetric') && ctx.inputs.backend !== undefined && !grants.includes('client_credentials')) findings.push(makeFinding({ id: 'grant-type-not-advertised', severity: 'warning', title: 'grant_types_supported lacks client_credentials (backend services)', detail: `grant_types_supported: ${JSON.stringify(grants)}`, fix: 'Add "client_credentials" when backend services are supported.', spec: 'smart-backend-services' }));
    }
    return withShared(verdictOf(findings), shared);
  },
};

const capabilities: CheckTest = {
  id: 'discovery-capabilities',
  group: 'discovery',
  title: 'capabilities are known and consistent with the other fields',
  spec: 'smart-capabilities',
  needs: ['fhir-base'],
  run: async (ctx) => {
    if (ctx.discovery === undefined) return noDiscovery(ctx, 'capabilities');
    return withShared(verdictOf(claimed(ctx, 'capabilities')), exchangesOf(ctx, 'discovery.smart-configuration'));
  },
};

const capabilityStatement: CheckTest = {
  id: 'discovery-capability-statement',
  group: 'discovery',
  title: 'the CapabilityStatement (metadata) declares SMART security with oauth-uris',
  spec: 'fhir-capability-security',
  needs: ['fhir-base'],
  run: async (ctx) => {
    if (ctx.discovery === undefined) return noDiscovery(ctx, 'capability-statement');
    const findings = claimed(ctx, 'capability-statement');
    const unreadable = ctx.discovery.findings.find((f) => f.id === 'metadata-unreadable');
    const v = verdictOf(findings);
    return withShared(unreadable !== undefined && v.outcome === 'pass' ? { outcome: 'warn', findings } : v, exchangesOf(ctx, 'discovery.metadata'));
  },
};

const endpointsAgree: CheckTest = {
  id: 'discovery-endpoints-agree',
  group: 'discovery',
  title: 'smart-configuration and the CapabilityStatement name the same endpoints',
  spec: 'smart-config-metadata',
  needs: ['fhir-base'],
  run: async (ctx) => {
    if (ctx.discovery === undefined) return noDiscovery(ctx, 'endpoints-agree');
    return withShared(verdictOf(claimed(ctx, 'endpoints-agree')), exchangesOf(ctx, 'discovery.smart-configuration', 'discovery.metadata'));
  },
};

const openidConfiguration: CheckTest = {
  id: 'discovery-openid-configuration',
  group: 'discovery',
  title: 'with sso-openid-connect: the issuer serves openid-configuration for itself',
  spec: 'oidc-discovery',
  needs: ['fhir-base'],
  run: async (ctx) => {
    const d = ctx.discovery;
    if (d === undefined) return noDiscovery(ctx, 'openid-configuration');
    const shared = exchangesOf(ctx, 'discovery.openid-configuration');
    if (!d.capabilities.includes('sso-openid-connect')) return withShared({ outcome: 'skip', reason: 'the server does not offer sso-openid-connect' }, shared);
    const findings = claimed(ctx, 'openid-configuration');
    const unreadable = findings.find((f) => f.id === 'openid-configuration-unreadable');
    const v = verdictOf(findings);
    return withShared(unreadable !== undefined || d.openidConfiguration === undefined ? { outcome: 'fail', findings } : v, shared);
  },
};

const jwks: CheckTest = {
  id: 'discovery-jwks',
  group: 'discovery',
  title: 'with sso-openid-connect: jwks_uri answers a JWK Set with signing keys',
  spec: 'oidc-signing-keys',
  needs: ['fhir-base'],
  run: async (ctx) => {
    const d = ctx.discovery;
    if (d === undefined) return noDiscovery(ctx, 'jwks');
    const shared = exchangesOf(ctx, 'discovery.jwks');
    if (!d.capabilities.includes('sso-openid-connect') && d.endpoints.jwksUri === undefined) return withShared({ outcome: 'skip', reason: 'no jwks_uri and no sso-openid-connect' }, shared);
    const findings = claimed(ctx, 'jwks');
    const v = verdictOf(findings);
    return withShared(d.jwks === undefined && v.outcome !== 'fail' ? { outcome: 'fail', findings } : v, shared);
  },
};

const ORIGIN = 'https://app.smartctl.invalid';

const cors: CheckTest = {
  id: 'discovery-cors',
  group: 'discovery',
  title: 'smart-configuration allows cross-origin reads (browser apps)',
  spec: 'smart-config-metadata',
  needs: ['fhir-base'],
  run: async (ctx) => {
    const base = ctx.discovery?.fhirBaseUrl ?? ctx.inputs.fhirBaseUrl;
    if (base === undefined || ctx.discovery?.smartConfiguration === undefined) return { outcome: 'skip', reason: 'no smart-configuration to read' };
    const r = await ctx.http.request({ step: 'discovery.cors', url: `${base.replace(/\/+$/, '')}/.well-known/smart-configuration`, headers: { accept: 'application/json', origin: ORIGIN } });
    const allow = headerValue(r.headers, 'access-control-allow-origin');
    if (allow === '*' || allow === ORIGIN) return { outcome: 'pass', evidence: [r.exchange.id] };
    return {
      outcome: 'warn',
      findings: [makeFinding({ id: 'cors-not-allowed', severity: 'warning', title: 'smart-configuration sends no CORS header for a browser origin', detail: `GET with Origin: ${ORIGIN} → Access-Control-Allow-Origin: ${allow === undefined ? 'none' : `"${allow}"`}`, fix: 'Answer discovery with Access-Control-Allow-Origin (browser-based SMART apps read it from another origin).', spec: 'smart-config-metadata', exchanges: [r.exchange.id] })],
    };
  },
};


export const DISCOVERY_TESTS: readonly CheckTest[] = [smartConfiguration, pkce, grantTypes, capabilities, capabilityStatement, endpointsAgree, openidConfiguration, jwks, cors];

