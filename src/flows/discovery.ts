// Discovery: fetch smart-configuration and metadata side by side, then the issuer's
// openid-configuration and the jwks_uri. Every fetch lands in the trace; every
// fallback becomes a finding. A source that answers with an HTTP error status is
// diagnosed (a finding); one that cannot be reached or whose answer is not JSON at all
// throws a network error (exit 3): neither smart-configuration nor metadata, or the
// openid-configuration or JWKS that discovery names.
import { isSmartctlError, networkError, type SmartctlError } from '../errors.js';
import type { HttpClient, HttpResponse } from '../http/client.js';
import { parseHttpUrl, TRUNCATED_BODY } from '../http/client.js';
import { makeFinding, type Finding } from '../report/finding.js';
import { assembleDiscovery } from '../protocol/discovery/assemble.js';
import { readCapabilityStatement } from '../protocol/discovery/capability-statement.js';
import { readServerJwks } from '../protocol/discovery/jwks.js';
import { issuerMatches, readOpenIdConfiguration } from '../protocol/discovery/openid-configuration.js';
import { readSmartConfiguration } from '../protocol/discovery/smart-configuration.js';
import type { DiscoveryResult } from '../protocol/discovery/types.js';

export type { DiscoveryResult } from '../protocol/discovery/types.js';

type Fetched = { kind: 'json'; json: unknown; response: HttpResponse } | { kind: 'http-status' | 'not-json'; response: HttpResponse } | { kind: 'network'; error: SmartctlError };

async function fetchJson(client: HttpClient, step: string, url: string, accept: string): Promise<Fetched> {
  let response: HttpResponse;
  try {
    response = await client.request({ step, url, headers: { accept } });
  } catch (error) {
    if (isSmartctlError(error) && error.kind === 'network') return { kind: 'network', error };
    throw error;
  }
  if (response.status < 200 || response.status > 299) return { kind: 'http-status', response };
  if (response.truncated) return { kind: 'not-json', response };
  try {
    return { kind: 'json', json: JSON.parse(response.body) as unknown, response };
  } catch {
    return { kind: 'not-json', response };
  }
}

function describeFailure(f: Exclude<Fetched, { kind: 'json' }>): string {
  if (f.kind === 'network') return f.error.message;
  if (f.kind === 'http-status') {
    const location = f.response.headers['location'];
    // Redirects are not followed (a client library may not follow them either): name the target.
    return location === undefined ? `HTTP ${f.response.status}` : `HTTP ${f.response.status}, redirect to "${Array.isArray(location) ? location.join(', ') : location}" (not followed)`;
  }
  if (f.response.truncated) return `HTTP ${f.response.status}, but ${TRUNCATED_BODY}; it was not read`;
  const type = f.response.headers['content-type'];
  return `HTTP ${f.response.status} but not JSON (${Array.isArray(type) ? type.join(', ') : (type ?? 'no content-type')}): "${f.response.body.replace(/\s+/g, ' ').trim().slice(0, 60)}"`;
}

/** A source discovery names (openid-configuration, JWKS) that cannot be reached or read at all: exit 3, as for smart-configuration. */
function throwIfUnreadable(what: string, url: string, f: Fetched): void {
  if (f.kind === 'network') throw networkError(f.error.code, `${what} ${url} cannot be reached: ${f.error.message}`, f.error.hint);
  if (f.kind === 'not-json') throw networkError('not-json', `${what} ${url} did not answer JSON: ${describeFailure(f)}`, 'Check the URL the server advertises; it may point at a login or error page. Run with --verbose to see the answer.');
}

function exchangeIds(f: Fetched): number[] | undefined {
  return 'response' in f ? [f.response.exchange.id] : undefined;
}

function sourceFailure(id: string, severity: Finding['severity'], title: string, url: string, f: Exclude<Fetched, { kind: 'json' }>, fix: string, spec: Parameters<typeof makeFinding>[0]['spec']): Finding {
  // It states the failed fetch itself: the root cause of that error answer (diagnose/rank.ts).
  return makeFinding({ id, severity, title, detail: `GET ${url}: ${describeFailure(f)}`, fix, spec, exchanges: exchangeIds(f), role: 'root-cause', basis: f.kind === 'http-status' ? 'server-words' : 'circumstance' });
}

/** Fallbacks and skipped fetches go in the trace next to the exchanges, so no path is silent. */
function note(client: HttpClient, name: 'discovery-fallback' | 'discovery-skipped', message: string): void {
  client.trace.addEvent({ at: new Date().toISOString(), name, message });
}

function wellKnown(base: string, suffix: string): string {
  return `${base.replace(/\/+$/, '')}/.well-known/${suffix}`;
}

export interface DiscoverOptions {
  /** The clock for time-dependent checks (JWKS certificate validity); defaults to the current time. */
  now?: Date | undefined;
}

/**
 * Fetches and checks every discovery source for a FHIR base URL. Throws a network
 * error only when neither smart-configuration nor metadata could be read at all.
 */
export async function discover(client: HttpClient, fhirBaseUrl: URL | string, options: DiscoverOptions = {}): Promise<DiscoveryResult> {
  const base = parseHttpUrl(fhirBaseUrl, 'FHIR base URL').href.replace(/\/+$/, '');
  const smartUrl = wellKnown(base, 'smart-configuration');
  const metadataUrl = `${base}/metadata`;
  const [smartFetch, metadataFetch] = await Promise.all([
    fetchJson(client, 'discovery.smart-configuration', smartUrl, 'application/json'),
    fetchJson(client, 'discovery.metadata', metadataUrl, 'application/fhir+json, application/json'),
  ]);

  if (smartFetch.kind === 'network' && metadataFetch.kind === 'network') throw smartFetch.error;
  if (smartFetch.kind !== 'json' && metadataFetch.kind !== 'json') {
    if (smartFetch.kind === 'not-json' || metadataFetch.kind === 'not-json') {
      throw networkError('not-json', `${base} answered discovery without JSON (smart-configuration: ${describeFailure(smartFetch)}; metadata: ${describeFailure(metadataFetch)})`, 'Check that the URL is the FHIR base (the iss), not a web page; run with --verbose to see the answers.');
    }
  }

  const findings: Finding[] = [];
  let smartConfiguration;
  if (smartFetch.kind === 'json') {
    const read = readSmartConfiguration(smartFetch.json);
    smartConfiguration = read.config;
    findings.push(...read.findings);
  } else {
    findings.push(
      sourceFailure(
        smartFetch.kind === 'http-status' && smartFetch.response.status === 404 ? 'smart-configuration-missing' : 'smart-configuration-unreadable',
        metadataFetch.kind === 'json' ? 'warning' : 'error',
        metadataFetch.kind === 'json' ? '.well-known/smart-configuration could not be read; fell back to /metadata' : '.well-known/smart-configuration could not be read',
        smartUrl,
        smartFetch,
        'Serve the SMART configuration at <fhir-base>/.well-known/smart-configuration (required by SMART App Launch 2.x); apps built on current libraries look there first.',
        'smart-config-metadata',
      ),
    );
  }

  if (smartFetch.kind !== 'json' && metadataFetch.kind === 'json') {
    note(client, 'discovery-fallback', `.well-known/smart-configuration unreadable (${describeFailure(smartFetch)}): endpoints come from the CapabilityStatement oauth-uris`);
  }

  let capabilityStatement;
  if (metadataFetch.kind === 'json') {
    const read = readCapabilityStatement(metadataFetch.json);
    capabilityStatement = read.summary;
    findings.push(...read.findings);
  } else {
    findings.push(sourceFailure('metadata-unreadable', 'warning', '<fhir>/metadata (CapabilityStatement) could not be read', metadataUrl, metadataFetch, 'A FHIR server serves its CapabilityStatement at <fhir-base>/metadata; check the base URL.', 'fhir-capability-security'));
  }

  const ssoAdvertised = smartConfiguration?.capabilities?.includes('sso-openid-connect') === true;
  let openidConfiguration;
  const issuer = smartConfiguration?.issuer;
  if (issuer === undefined) note(client, 'discovery-skipped', 'no issuer in smart-configuration: openid-configuration not fetched');
  else if (!URL.canParse(wellKnown(issuer, 'openid-configuration'))) note(client, 'discovery-skipped', `issuer "${issuer}" is not a URL: openid-configuration not fetched`);
  if (issuer !== undefined) {
    const oidcUrl = wellKnown(issuer, 'openid-configuration');
    const oidcFetch = URL.canParse(oidcUrl) ? await fetchJson(client, 'discovery.openid-configuration', oidcUrl, 'application/json') : undefined;
    if (oidcFetch !== undefined) throwIfUnreadable("the issuer's openid-configuration", oidcUrl, oidcFetch);
    if (oidcFetch?.kind === 'json') {
      const read = readOpenIdConfiguration(oidcFetch.json);
      openidConfiguration = read.config;
      findings.push(...read.findings);
      if (read.config !== undefined) findings.push(...issuerMatches(issuer, read.config));
    } else if (oidcFetch !== undefined) {
      findings.push(sourceFailure('openid-configuration-unreadable', ssoAdvertised ? 'warning' : 'info', "the issuer's openid-configuration could not be read", oidcUrl, oidcFetch, 'Serve OpenID provider metadata at <issuer>/.well-known/openid-configuration; OpenID client libraries need it.', 'oidc-discovery'));
    }
  }

  let jwks;
  const jwksUri = smartConfiguration?.jwks_uri ?? openidConfiguration?.jwks_uri;
  if (jwksUri === undefined) note(client, 'discovery-skipped', 'no jwks_uri in smart-configuration or openid-configuration: JWKS not fetched');
  else if (!URL.canParse(jwksUri)) note(client, 'discovery-skipped', `jwks_uri "${jwksUri}" is not an absolute URL: JWKS not fetched`);
  if (jwksUri !== undefined && URL.canParse(jwksUri)) {
    const jwksFetch = await fetchJson(client, 'discovery.jwks', jwksUri, 'application/json');
    throwIfUnreadable('the server JWKS (jwks_uri)', jwksUri, jwksFetch);
    if (jwksFetch.kind === 'json') {
      const read = readServerJwks(jwksFetch.json, jwksUri, options.now ?? new Date());
      jwks = read.jwks;
      findings.push(...read.findings);
    } else {
      findings.push(sourceFailure('jwks-unreachable', ssoAdvertised ? 'error' : 'warning', 'the server JWKS (jwks_uri) could not be read', jwksUri, jwksFetch, 'Make jwks_uri answer with the JWK Set; without it no id_token can be verified.', 'oidc-signing-keys'));
    }
  }

  return assembleDiscovery({ fhirBaseUrl: base, smartConfiguration, capabilityStatement, openidConfiguration, jwks, findings });
}
