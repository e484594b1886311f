// The data model of `smartctl check`: a test is a value (id, group, title, spec, needs,
// run), the runner turns each into a result; the renderers, --only and --skip read the
// same list. Tests talk to servers only through the HttpClient of their own context, so
// every test has its own trace.
import type { HttpClient } from '../http/client.js';
import type { ClientAuthConfig } from '../flows/token-request.js';
import type { DiscoveryResult } from '../protocol/discovery/types.js';
import type { LoadedKey } from '../protocol/keys.js';
import type { RunContext } from '../diagnose/index.js';
import type { Finding } from '../report/finding.js';
import type { SpecKey } from '../report/spec-links.js';
import type { HttpExchange, Trace } from '../report/trace.js';

/** The groups, in the order they run and are shown (SMART App Launch STU2.2 suites). */
export const GROUPS = ['discovery', 'standalone-launch', 'ehr-launch', 'refresh', 'backend-services', 'introspection', 'hardening', 'oidc'] as const;
export type CheckGroup = (typeof GROUPS)[number];

export const GROUP_TITLES: Record<CheckGroup, string> = {
  discovery: 'Discovery',
  'standalone-launch': 'Standalone launch',
  'ehr-launch': 'EHR launch',
  refresh: 'Refresh',
  'backend-services': 'Backend services',
  introspection: 'Introspection and revocation',
  hardening: 'Server hardening',
  oidc: 'Federated OpenID provider readiness',
};

/** What a test needs from the user; a test whose needs are not met is skipped with the reason. */
export type Need = 'fhir-base' | 'client' | 'refresh-client' | 'backend-client' | 'ehr-launcher' | 'oidc-issuer' | 'oidc-client';

export const NEED_REASONS: Record<Need, string> = {
  'fhir-base': 'needs a FHIR base URL',
  client: 'needs an app client: --client-id (and --client-secret-file or --key for a confidential one)',
  'refresh-client': 'needs an app client registered for refresh_token: --client-id',
  'backend-client': 'needs a backend services client: --backend-client-id and --backend-key',
  'ehr-launcher': 'needs an EHR that launches the app unattended: --ehr-launch-url <simulator URL> (the sandbox has one)',
  'oidc-issuer': 'needs an OpenID provider: --oidc <issuer>',
  'oidc-client': 'needs a client registered with the OpenID provider: --oidc-client-id and --oidc-client-secret-file',
};

export type Outcome = 'pass' | 'fail' | 'warn' | 'skip';

/** What a test's run returns. */
export interface Verdict {
  outcome: Outcome;
  /** Why it was skipped, or a one-line note on a pass/warn. */
  reason?: string | undefined;
  /** Findings the test itself made (its checks); the runner adds the diagnosis on failure. */
  findings?: Finding[] | undefined;
  /** Exchange ids (of this test's trace) that prove the outcome. */
  evidence?: number[] | undefined;
  /** What the diagnosis rules need to know beyond the trace. */
  context?: RunContext | undefined;
  /** Exchanges of the shared discovery this result rests on (discovery tests). */
  shared?: readonly HttpExchange[] | undefined;
}

export interface UserClient {
  auth: ClientAuthConfig;
  redirectUri: string;
  /** Scopes for a standalone launch (a sensible default from discovery when absent). */
  scope?: string | undefined;
}

export interface BackendClient {
  clientId: string;
  key: LoadedKey;
  scope?: string | undefined;
}

export interface OidcInputs {
  issuer: string;
  client?: { clientId: string; clientSecret?: string | undefined; redirectUri: string; scope?: string | undefined } | undefined;
  /** Extra id_token/userinfo claims user mapping needs (preferred_username is always checked). */
  claims: string[];
}

/** Steps of a --login script, run in a headless browser where a page needs a person. */
export type LoginStep = { fill: string; with: string } | { click: string } | { waitFor: string };

/** Everything the suite knows from the user. */
export interface CheckInputs {
  fhirBaseUrl?: string | undefined;
  client?: UserClient | undefined;
  backend?: BackendClient | undefined;
  /** Another registered app client, for the code-binding test (an unregistered client_id is used when absent). */
  secondClient?: ClientAuthConfig | undefined;
  /** A URL that launches the app as an EHR would: GET it with ?launch_url= and it redirects there with iss and launch. */
  ehrLaunchUrl?: string | undefined;
  /** Another patient's id (for the compartment test); found with the backend client when absent. */
  otherPatient?: string | undefined;
  /** Send the sandbox's auto-approve header with authorize requests (default true). */
  autoApprove?: boolean | undefined;
  oidc?: OidcInputs | undefined;
}

/** Completes a login page in a browser; resolves with the URL that reached the redirect URI. */
export type LoginRunner = (authorizeUrl: string, redirectUri: string) => Promise<string>;

/** What a test's run receives. */
export interface TestContext {
  /** This test's own traced client. */
  http: HttpClient;
  trace: Trace;
  inputs: CheckInputs;
  /** The shared discovery of the FHIR base (its exchanges belong to the discovery tests). */
  discovery?: DiscoveryResult | undefined;
  /** Why the shared discovery stopped, when it did (a source it names could not be read). */
  discoveryError?: { code: string; message: string; hint?: string | undefined } | undefined;
  /** The exchanges of the shared discovery, for the discovery tests' evidence. */
  discoveryExchanges: readonly HttpExchange[];
  now(): Date;
  /** Set when a --login script (or, on a terminal, a person) can complete login pages. */
  login?: LoginRunner | undefined;
  /** A person is not asked to sign in for requests the server should refuse. */
  loginByPerson?: boolean | undefined;
}

export interface CheckTest {
  /** Stable kebab-case id, starting with its group. Never rename one. */
  id: string;
  group: CheckGroup;
  title: string;
  spec: SpecKey;
  needs: readonly Need[];
  run(ctx: TestContext): Promise<Verdict>;
}

/** One test's result as reports carry it. */
export interface TestResult {
  id: string;
  group: CheckGroup;
  title: string;
  result: Outcome;
  reason?: string | undefined;
  spec: string;
  durationMs: number;
  findings: Finding[];
  /** Ids of the exchanges (in `exchanges`) that prove the result. */
  evidence: number[];
  exchanges: HttpExchange[];
}

export interface CheckSummary {
  passed: number;
  failed: number;
  warned: number;
  skipped: number;
}
