// callback-without-code: the redirect back to the app carried neither code nor error
// (prompt=none with no session, a server that redirects silently on failure, or a
// redirect_uri with its own query string where code/state were not appended).
import { makeFinding, type Finding } from '../../../report/finding.js';
import type { Evidence } from '../../evidence.js';
import { orderCauses, type DiagnosisRule } from '../../rule.js';
import { authorizeParams } from './authorize-exchange.js';

export const callbackWithoutCode: DiagnosisRule = {
  id: 'callback-without-code',
  phase: 'authorize',
  catalog: ['callback-without-code'],
  diagnose(e: Evidence): Finding[] {
    const cb = e.callback;
    if (cb === undefined || cb.params['code'] !== undefined || cb.params['error'] !== undefined) return [];
    const p = authorizeParams(e);
    const prompt = p?.get('prompt') ?? undefined;
    const redirect = p?.get('redirect_uri') ?? undefined;
    const redirectHasQuery = redirect !== undefined && URL.canParse(redirect) && new URL(redirect).search !== '';
    const keys = Object.keys(cb.params);
    const facts = `${prompt === 'none' ? 'prompt-none' : ''} ${redirectHasQuery ? 'redirect-query' : ''}`;
    return [
      makeFinding({
        id: 'callback-without-code',
        severity: 'error',
        role: 'root-cause',
        basis: 'request-shape',
        title: 'the redirect back to the app carried neither a code nor an error',
        detail: [`callback: ${cb.url ?? '(URL not recorded)'}`, `parameters: ${keys.length === 0 ? 'none' : keys.map((k) => `"${k}"`).join(', ')}; expected "code" (and "state"), or "error"`, ...(prompt !== undefined ? [`the authorize request had prompt=${prompt}`] : []), ...(redirectHasQuery ? [`the redirect_uri has its own query string: "${redirect}"`] : [])].join('\n'),
        causes: orderCauses(
          [
            { text: 'prompt=none with no existing session: the server cannot show a login page and came back empty-handed.', when: /prompt-none/ },
            { text: 'The redirect_uri has its own query string and the server replaced it instead of appending code and state (smart-launcher#81).', when: /redirect-query/ },
            { text: 'The server redirects back without an error on some failures; its logs or a HAR of the authorize step show which.' },
          ],
          facts,
        ),
        fix: 'Drop prompt=none for a first sign-in, avoid query strings in the redirect_uri, and record the raw callback URL (smartctl launch does) to show the server owner.',
        spec: 'smart-authorize-response',
        exchanges: cb.exchangeId !== undefined ? [cb.exchangeId] : undefined,
      }),
    ];
  },
};
