// Serves fixtures/discovery documents from the static server, with {{origin}} replaced.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './run-cli.js';
import type { StaticRoute } from './static-server.js';

export const DISCOVERY_FIXTURES = path.join(REPO_ROOT, 'fixtures', 'discovery');

/** The fixture text with {{origin}} replaced. */
export function discoveryFixtureText(name: string, origin: string): string {
  return readFileSync(path.join(DISCOVERY_FIXTURES, name), 'utf8').replaceAll('{{origin}}', origin);
}

/** The fixture parsed as JSON, for unit tests (origin defaults to an https host). */
export function discoveryFixture(name: string, origin = 'https://ehr.example.org'): unknown {
  return JSON.parse(discoveryFixtureText(name, origin)) as unknown;
}

/** A static-server route answering with the fixture (JSON or HTML by extension). */
export function fixtureRoute(name: string, extra: Omit<StaticRoute, 'body'> = {}): (origin: string) => StaticRoute {
  return (origin) => {
    const text = discoveryFixtureText(name, origin);
    const type = name.endsWith('.html') ? 'text/html' : name.includes('metadata') ? 'application/fhir+json' : 'application/json';
    return { ...extra, body: text, headers: { 'content-type': type, ...extra.headers } };
  };
}

/** The good set at /fhir and /oidc, with per-path overrides. */
export function fixtureDiscoveryRoutes(overrides: Record<string, StaticRoute | ((origin: string) => StaticRoute)> = {}): Record<string, StaticRoute | ((origin: string) => StaticRoute)> {
  return {
    '/fhir/.well-known/smart-configuration': fixtureRoute('good/smart-configuration.json'),
    '/fhir/metadata': fixtureRoute('good/metadata.json'),
    '/oidc/.well-known/openid-configuration': fixtureRoute('good/openid-configuration.json'),
    '/oidc/jwks': fixtureRoute('good/jwks.json'),
    ...overrides,
  };
}
