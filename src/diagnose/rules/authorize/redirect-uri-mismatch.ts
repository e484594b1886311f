// redirect_uri refused: at authorize (often an HTML page, RFC 6749 §4.1.2.1) or at the token endpoint.
import { makeFinding, type Finding } from '../../../report/finding.js';
import type { Evidence, ResponseEvidence } from '../../evidence.js';
import { describeError, mentionsInError, exchangeIdOf, type DiagnosisRule } from '../../rule.js';

export const redirectUriMismatch: DiagnosisRule = {
  id: 'redirect-uri-mismatch',
  phase: 'authorize',
  catalog: ['redirect-uri-mismatch'],
  diagnose(e: Evidence): Finding[] {
    // Authorize errors that cannot be redirected come as an HTML page (RFC 6749 §4.1.2.1): read its text too.
    const pageMentions = (r: ResponseEvidence): boolean => r.endpoint === 'authorize' && /redirect[_ ]uri/i.test((r.responseBody ?? '').replace(/<[^>]+>/g, ' '));
    const all = [...e.responses.filter((r) => r.status >= 400 && (mentionsInError(r, /redirect[_ ]uri/i) || pageMentions(r))), ...(e.callbackError !== undefined && /redirect[_ ]uri/i.test(e.callbackError.error_description ?? '') ? [undefined] : [])];
    const [r] = all;
    if (all.length === 0) return [];
    return [
      makeFinding({
        id: 'redirect-uri-mismatch',
        severity: 'error',
        role: 'root-cause',
        basis: 'server-words',
        title: 'the redirect_uri does not match the registration',
        detail: r === undefined ? `callback error: "${e.callbackError?.error_description ?? ''}"` : describeError(r),
        causes: ['The redirect URI differs from the registered one by scheme, host (127.0.0.1 vs localhost), port, path or a trailing slash.', 'The token request sent a different redirect_uri than the authorize request.'],
        fix: 'Register the exact redirect URI the app sends (for native apps, loopback http://127.0.0.1/<path>; RFC 8252 lets the port vary), and send the same value to authorize and token.',
        spec: 'rfc8252-loopback',
        exchanges: r === undefined ? undefined : exchangeIdOf(r),
      }),
    ];
  },
};
