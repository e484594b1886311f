// state-missing-or-mismatch: the callback's state is absent or is not the one this client
// sent (RFC 6749 §10.12). Seen in the app's own library words (client-js "No 'state' parameter
// found", client-py "invalid state", openid-client "state mismatch", AppAuth) or by comparing
// the state sent with the callback. A callback that lacks state but carries an error is the
// server's omission (smart-launcher's bad_audience): noticed, the error is what to fix.
import { makeFinding, type Finding } from '../../../report/finding.js';
import type { Evidence } from '../../evidence.js';
import { messageSays, orderCauses, saidLine, type DiagnosisRule } from '../../rule.js';
import { launchWithoutIss } from '../discovery/launch-without-iss.js';

export const stateMissingOrMismatch: DiagnosisRule = {
  id: 'state-missing-or-mismatch',
  phase: 'authorize',
  catalog: ['state-missing-or-mismatch'],
  diagnose(e: Evidence): Finding[] {
    const said = messageSays(e, 'state-missing-or-mismatch');
    const cb = e.callback;
    const got = cb?.params['state'];
    const sent = e.sentState;
    const mismatch = cb !== undefined && sent !== undefined && got !== undefined && got !== sent;
    const missing = cb !== undefined && got === undefined && (sent !== undefined || cb.params['code'] !== undefined || cb.params['error'] !== undefined);
    if (said === undefined && !mismatch && !missing) return [];
    const serverOmission = missing && cb?.params['error'] !== undefined;
    const lines: string[] = [];
    if (said !== undefined) lines.push(`the app reported ${JSON.stringify(said.message)}`, saidLine(said.phrase));
    if (mismatch) lines.push(`state: expected "${sent}", got "${got}"`);
    if (missing) lines.push(`state: expected ${sent !== undefined ? `"${sent}"` : 'the value sent'}, got none on the callback${cb?.url !== undefined ? ` ${cb.url.length > 160 ? `${cb.url.slice(0, 160)}…` : cb.url}` : ''}`);
    if (serverOmission) lines.push(`the callback carries error=${cb?.params['error'] ?? ''} but no state: the server dropped state on its error answer (RFC 6749 §4.1.2.1 requires it)`);
    const words = `${said?.message ?? ''} ${mismatch ? 'mismatch' : ''} ${missing ? 'no state' : ''}`;
    const launchFirst = launchWithoutIss(e) !== undefined;
    return [
      makeFinding({
        id: 'state-missing-or-mismatch',
        severity: serverOmission ? 'warning' : 'error',
        role: serverOmission || launchFirst ? 'contributing' : 'root-cause',
        basis: said !== undefined ? 'server-words' : 'request-shape',
        title: serverOmission ? 'the server sent its error back without the state' : 'the callback state is missing or is not the one this client sent',
        detail: lines.join('\n'),
        causes: orderCauses(
          [
            { text: 'The callback (redirect) page was opened without a preceding authorize request: reloaded, bookmarked, or the app opened directly instead of from the EHR.', when: /No 'state' parameter found|no state/i },
            { text: 'The stored state was lost between the authorize request and the callback: another browser profile or tab, an expired session (smart-launcher sessions last about an hour), or an EHR iframe whose third-party cookies are blocked.', when: /mismatch|does not match|invalid state/i },
            { text: 'The server dropped state on an error answer (smart-launcher bad_audience does), so the real failure is that error.', when: /error=/ },
          ],
          `${words} ${serverOmission ? 'error=' : ''}`,
        ),
        fix: 'Re-launch the app from the start (the EHR or the launcher); keep the state where it survives the round trip (smartctl\'s loopback listener holds it in memory), with at least 122 bits of entropy.',
        spec: 'rfc6749-state',
        exchanges: cb?.exchangeId !== undefined ? [cb.exchangeId] : undefined,
      }),
    ];
  },
};
