// Standalone launch: the flow `launch` runs, as tests. Each test runs its own launch
// (authorize headless, exchange the code) and checks one thing about the result.
import { authorizeForCode, launch, pass, type Launch } from '../session.js';
import type { CheckTest, TestContext, Verdict } from '../types.js';
import { fhirRead, grantedWithinRequested, idToken, launchContext, noStore, tokenResponseShape } from './launch-checks.js';

/** A test that starts from a finished launch. */
export function afterLaunch(check: (ctx: TestContext, launch: Launch) => Verdict | Promise<Verdict>, start: (ctx: TestContext) => Promise<Awaited<ReturnType<typeof launch>>> = (ctx) => launch(ctx)): (ctx: TestContext) => Promise<Verdict> {
  return async (ctx) => {
    const launched = await start(ctx);
    if (launched.kind === 'stopped') return launched.verdict;
    return check(ctx, launched);
  };
}

export const STANDALONE_LAUNCH_TESTS: readonly CheckTest[] = [
  {
    id: 'standalone-launch-authorize',
    group: 'standalone-launch',
    title: 'authorize redirects back with a code and the state that was sent',
    spec: 'smart-authorize-response',
    needs: ['client'],
    run: async (ctx) => {
      const a = await authorizeForCode(ctx);
      return a.kind === 'stopped' ? a.verdict : pass(undefined, a.context.callback?.exchangeId === undefined ? undefined : [a.context.callback.exchangeId]);
    },
  },
  { id: 'standalone-launch-token-response', group: 'standalone-launch', title: 'the code exchange answers access_token, token_type Bearer, expires_in and scope', spec: 'smart-token-response', needs: ['client'], run: afterLaunch(tokenResponseShape) },
  { id: 'standalone-launch-no-store', group: 'standalone-launch', title: 'the token response carries Cache-Control: no-store and Pragma: no-cache', spec: 'smart-token-response', needs: ['client'], run: afterLaunch((_ctx, l) => noStore(l)) },
  { id: 'standalone-launch-scopes', group: 'standalone-launch', title: 'the granted scopes are within the requested ones, in the syntax requested', spec: 'smart-scopes', needs: ['client'], run: afterLaunch(grantedWithinRequested) },
  { id: 'standalone-launch-context', group: 'standalone-launch', title: 'patient/encounter come with their granted launch scopes; fhirContext is well formed', spec: 'smart-launch-context', needs: ['client'], run: afterLaunch(launchContext) },
  { id: 'standalone-launch-id-token', group: 'standalone-launch', title: 'the id_token verifies (signature, iss, aud, exp, nonce, sub) and fhirUser resolves', spec: 'oidc-id-token-validation', needs: ['client'], run: afterLaunch(idToken) },
  { id: 'standalone-launch-fhir-read', group: 'standalone-launch', title: 'the access token reads the launch patient', spec: 'fhir-http-read', needs: ['client'], run: afterLaunch(fhirRead) },
];
