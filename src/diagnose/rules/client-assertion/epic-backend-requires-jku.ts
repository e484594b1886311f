// Epic backend (client_credentials) apps must host a JWK Set URL since the February 2024 Epic
// version: an uploaded static key is no longer distributed, and the client then gets an
// opaque invalid_client. Advisory: only when every local check of the assertion passes and
// the assertion names no jku, since Epic cannot say more.
import { makeFinding, type Finding } from '../../../report/finding.js';
import { grantTypeOf, statusText, type Evidence } from '../../evidence.js';
import { exchangeIdOf, type DiagnosisRule } from '../../rule.js';
import { epicRefusal } from './epic-invalid-client-opaque.js';

export const epicBackendRequiresJku: DiagnosisRule = {
  id: 'epic-backend-requires-jku',
  phase: 'client-assertion',
  catalog: ['epic-backend-requires-jku'],
  diagnose(e: Evidence): Finding[] {
    const hit = epicRefusal(e);
    if (hit?.p?.token === undefined) return [];
    const { r, p } = hit;
    const backend = grantTypeOf(r) === 'client_credentials' || e.launchType === 'backend';
    if (!backend || p.checks.some((c) => c.status === 'fail') || p.inHeader || p.token?.header['jku'] !== undefined) return [];
    return [
      makeFinding({
        id: 'epic-backend-requires-jku',
        severity: 'warning',
        role: 'root-cause',
        basis: 'circumstance',
        title: 'Epic backend apps need a hosted JWK Set URL; an uploaded public key no longer works',
        detail: `a client_credentials request to Epic was refused (${statusText(r)} invalid_client, no description); every local check of the assertion passes and its header names no jku, so Epic must find the key from the app's registration. Since the February 2024 Epic version, keys uploaded to the developer site are not distributed to customer systems: an app without a JWK Set URL (app-level "Production JWK Set URL" or per license) is refused there`,
        causes: ['The app relies on a public key uploaded to Epic on FHIR / Vendor Services, and has no JWK Set URL registered (app level or per license).', 'The JWK Set URL is registered but not reachable from the customer\'s system (not public, not TLS, needs auth).', 'The key is registered for another environment or the app is not active yet (see epic-invalid-client-opaque).'],
        fix: 'Host the public JWKS over https without auth, register it as the app\'s JWK Set URL (and on each license), and keep the kid of the signing key in it; optionally send its URL as jku in the JWS header.',
        spec: 'epic-jwks',
        exchanges: exchangeIdOf(r),
      }),
    ];
  },
};
