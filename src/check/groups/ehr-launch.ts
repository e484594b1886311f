// EHR launch: the EHR (the sandbox's simulator, or --ehr-launch-url) opens the app's
// launch URL with iss and launch; the app authorizes with scope launch and the launch
// id, and the token response carries the EHR's context.
import { makeFinding } from '../../report/finding.js';
import { defaultScopes } from '../../protocol/scopes/defaults.js';
import { headerOf, launch, pass, type Launch, type LaunchStopped } from '../session.js';
import type { CheckTest, TestContext, Verdict } from '../types.js';
import { grantedWithinRequested, idToken, launchContext, tokenResponseShape, fhirRead } from './launch-checks.js';
import { afterLaunch } from './standalone-launch.js';

/** Where the app's launch URL would be: never served, the EHR's redirect is read instead. */
const APP_LAUNCH_URL = 'http://127.0.0.1/launch';

type Received = { kind: 'received'; iss: string; launch: string; exchangeId: number } | { kind: 'stopped'; verdict: Verdict };

/** Has the EHR launch the app: GET the launcher with launch_url and read where it sends the browser. */
export async function receiveLaunch(ctx: TestContext): Promise<Received> {
  const launcher = ctx.inputs.ehrLaunchUrl;
  if (launcher === undefined) return { kind: 'stopped', verdict: { outcome: 'skip', reason: 'no EHR launcher' } };
  const url = new URL(launcher);
  url.searchParams.set('launch_url', APP_LAUNCH_URL);
  const r = await ctx.http.request({ step: 'ehr-launch', url: url.href, headers: { accept: 'text/html' } });
  const location = headerOf(r, 'location');
  const failed = (title: string, detail: string): Received => ({ kind: 'stopped', verdict: { outcome: 'fail', findings: [makeFinding({ id: 'ehr-launch-invalid', severity: 'error', title, detail, fix: 'The EHR opens the launch URL with iss (the FHIR base) and launch (an opaque id).', spec: 'smart-ehr-launch', exchanges: [r.exchange.id] })] } });
  if (r.status < 300 || r.status > 399 || location === undefined) return failed(`the EHR launcher did not redirect to the app (HTTP ${r.status})`, `GET ${url.href} → ${r.status}${location === undefined ? ', no Location' : ''}`);
  if (!URL.canParse(location, url.href)) return failed('the EHR launcher redirected to a Location that is not a URL', `Location: ${JSON.stringify(location.slice(0, 200))}`);
  const target = new URL(location, url);
  const iss = target.searchParams.get('iss');
  const id = target.searchParams.get('launch');
  if (!target.href.startsWith(APP_LAUNCH_URL)) return failed('the EHR launcher redirected somewhere else than the launch URL', `Location: "${location}"`);
  if (iss === null || id === null || id === '') return failed('the launch URL lacks iss or launch', `Location: "${location}"`);
  const base = ctx.discovery?.fhirBaseUrl ?? ctx.inputs.fhirBaseUrl ?? '';
  if (iss.replace(/\/+$/, '') !== base.replace(/\/+$/, '')) return failed('the EHR launched with another iss than the FHIR base under test', `iss: expected "${base}", got "${iss}"`);
  return { kind: 'received', iss, launch: id, exchangeId: r.exchange.id };
}

async function ehrLaunch(ctx: TestContext): Promise<Launch | LaunchStopped> {
  const received = await receiveLaunch(ctx);
  if (received.kind === 'stopped') return received;
  const scope = defaultScopes('ehr', ctx.discovery?.supportsPermissionV2 === true ? 'v2' : 'v1');
  return launch(ctx, { launch: received.launch, scope: ctx.inputs.client?.scope?.split(' ').includes('launch') === true ? ctx.inputs.client.scope : scope });
}

export const EHR_LAUNCH_TESTS: readonly CheckTest[] = [
  {
    id: 'ehr-launch-receive',
    group: 'ehr-launch',
    title: 'the EHR opens the launch URL with iss (the FHIR base) and launch',
    spec: 'smart-ehr-launch',
    needs: ['ehr-launcher'],
    run: async (ctx) => {
      const r = await receiveLaunch(ctx);
      return r.kind === 'stopped' ? r.verdict : pass(undefined, [r.exchangeId]);
    },
  },
  { id: 'ehr-launch-token-response', group: 'ehr-launch', title: 'authorize with launch and the code exchange answer a valid token response', spec: 'smart-token-response', needs: ['client', 'ehr-launcher'], run: afterLaunch(tokenResponseShape, ehrLaunch) },
  { id: 'ehr-launch-scopes', group: 'ehr-launch', title: 'the granted scopes are within the requested ones', spec: 'smart-scopes', needs: ['client', 'ehr-launcher'], run: afterLaunch(grantedWithinRequested, ehrLaunch) },
  { id: 'ehr-launch-context', group: 'ehr-launch', title: "the token response carries the EHR's patient (and encounter) context", spec: 'smart-launch-context', needs: ['client', 'ehr-launcher'], run: afterLaunch(launchContext, ehrLaunch) },
  { id: 'ehr-launch-id-token', group: 'ehr-launch', title: 'the id_token of an EHR launch verifies and fhirUser resolves', spec: 'oidc-id-token-validation', needs: ['client', 'ehr-launcher'], run: afterLaunch(idToken, ehrLaunch) },
  { id: 'ehr-launch-fhir-read', group: 'ehr-launch', title: "the access token reads the EHR's patient", spec: 'fhir-http-read', needs: ['client', 'ehr-launcher'], run: afterLaunch(fhirRead, ehrLaunch) },
];
