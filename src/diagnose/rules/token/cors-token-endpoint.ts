// A browser app cannot redeem its code: the token endpoint does not allow the app's origin
// (the browser blocks the answer), or the server refuses cross-origin redemption for the
// app's client type (Entra AADSTS9002326: only "Single-Page Application" clients). SMART 2.2
// requires CORS on the token endpoint for registered origins.
import { makeFinding, type Finding } from '../../../report/finding.js';
import { headerValue } from '../../../report/trace.js';
import type { Evidence } from '../../evidence.js';
import { describeError, exchangeIdOf, messageSays, orderCauses, responsesAt, saidLine, vendorSays, type DiagnosisRule } from '../../rule.js';

const TOKEN_URL = /\/token\b|oauth2?\/token|\/connect\/token/i;

export const corsTokenEndpoint: DiagnosisRule = {
  id: 'cors-token-endpoint',
  phase: 'token',
  catalog: ['cors-token-endpoint'],
  diagnose(e: Evidence): Finding[] {
    const r = responsesAt(e, 'token').find((x) => x.status >= 400 && vendorSays(x, 'cors-token-endpoint') !== undefined);
    const said = r === undefined ? undefined : vendorSays(r, 'cors-token-endpoint');
    // The browser's own words, about the token URL (a CORS block on a FHIR call is another problem).
    const message = r === undefined ? messageSays(e, 'cors-token-endpoint') : undefined;
    const aboutToken = message !== undefined && (TOKEN_URL.test(message.message) || (e.tokenEndpoint !== undefined && message.message.includes(e.tokenEndpoint)));
    if (said === undefined && !aboutToken) return [];
    const origin = r === undefined ? undefined : headerValue(r.requestHeaders, 'origin');
    const lines = r !== undefined ? [describeError(r)] : [`the app reported: "${message?.message ?? ''}"`];
    if (said !== undefined) lines.push(saidLine(said));
    else if (message !== undefined) lines.push(saidLine(message.phrase));
    if (origin !== undefined) lines.push(`the token request carried "Origin: ${origin}"`);
    const words = `${r?.oauthError?.error_description ?? ''} ${message?.message ?? ''}`;
    return [
      makeFinding({
        id: 'cors-token-endpoint',
        severity: 'error',
        role: 'root-cause',
        basis: 'server-words',
        title: said !== undefined ? 'the server refuses cross-origin code redemption for this client type' : 'the browser blocked the token request (CORS)',
        detail: lines.join('\n'),
        causes: orderCauses(
          [
            { text: 'The app redeems the code from a browser, but its registration is not a single-page application (Entra: platform "Web" instead of "SPA"); or a server-side client sends an Origin header (a proxy adds it).', when: /single-page|AADSTS9002326|client-type/i },
            { text: 'The token endpoint does not list the app\'s origin in Access-Control-Allow-Origin (SMART 2.2 requires CORS for registered origins).', when: /Access-Control-Allow-Origin|blocked by CORS/i },
            { text: 'The request is sent with credentials (cookies) and the server answers Access-Control-Allow-Origin "*", which browsers refuse with credentials.', when: /wildcard|credentials mode/i },
          ],
          words,
        ),
        fix: 'Register the app\'s origin (or register it as a single-page application), or redeem the code server-side without an Origin header; send token requests without credentials (cookies).',
        spec: 'smart-token-request',
        exchanges: r === undefined ? undefined : exchangeIdOf(r),
      }),
    ];
  },
};
