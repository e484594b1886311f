// Oracle Health / Cerner: invalid_client whose error_uri names invalid-client-credentials
// (usually with client=unknown): the secret or the client's registration is wrong. The
// causes follow the client authentication that was used.
import { makeFinding, type Finding } from '../../../report/finding.js';
import { headerValue } from '../../../report/trace.js';
import { parseVendorErrorUri } from '../../../protocol/oauth-error.js';
import type { Evidence, ResponseEvidence } from '../../evidence.js';
import { describeError, exchangeIdOf, orderCauses, responsesAt, type DiagnosisRule } from '../../rule.js';
import { authMethodOf } from './client-auth-method.js';

const URN = /:oauth2:token:invalid-client-credentials$/i;

export function namesInvalidClientCredentials(r: ResponseEvidence): boolean {
  return URN.test(parseVendorErrorUri(r.oauthError?.error_uri)?.urn ?? '');
}

export const cernerInvalidClientCredentials: DiagnosisRule = {
  id: 'cerner-invalid-client-credentials',
  phase: 'token',
  catalog: ['cerner-invalid-client-credentials'],
  diagnose(e: Evidence): Finding[] {
    const r = responsesAt(e, 'token').find((x) => x.status >= 400 && x.oauthError?.error === 'invalid_client' && namesInvalidClientCredentials(x));
    if (r === undefined) return [];
    const v = parseVendorErrorUri(r.oauthError?.error_uri);
    const auth = headerValue(r.requestHeaders, 'authorization');
    const method = authMethodOf(e, r);
    const lines = [describeError(r), `error_uri names ${v?.urn ?? ''}${v?.client !== undefined ? `, client=${v.client}` : ''}${v?.tenant !== undefined ? `, tenant=${v.tenant}` : ''}${v?.instance !== undefined ? ` (instance ${v.instance})` : ''}`];
    if (v?.client === 'unknown') lines.push('client=unknown: the server could not match the credentials to any client');
    // Only a scheme name is quoted: a header without one may be the credential itself.
    const scheme = /^(basic|bearer|token|digest|dpop)\b/i.exec(auth ?? '')?.[1];
    if (auth !== undefined) lines.push(scheme !== undefined ? `the request used "Authorization: ${scheme} ..."` : 'the request sent an Authorization header without a scheme');
    if (method !== undefined) lines.push(`client authentication used: ${method}`);
    const words = `${method ?? ''} ${v?.client === 'unknown' ? 'client=unknown' : ''}`;
    return [
      makeFinding({
        id: 'cerner-invalid-client-credentials',
        severity: 'error',
        role: 'root-cause',
        basis: 'server-words',
        title: 'the server did not recognise the client credentials (invalid-client-credentials)',
        detail: lines.join('\n'),
        causes: orderCauses(
          [
            { text: 'The client secret is wrong or was regenerated, or belongs to the other environment (sandbox vs production).', when: /client_secret/ },
            { text: 'The app is registered as public (no secret) or is not provisioned for this flow (e.g. a provider-SSO app without a secret), so there is no confidential client to match.', when: /client=unknown|\bnone\b/ },
            { text: 'The Basic header was built without form-encoding the id and secret first (RFC 6749 §2.3.1), or with a stray newline from base64.', when: /client_secret_basic/ },
            { text: 'A public app sent a secret or an Authorization header: public apps send client_id in the body and nothing else.' },
          ],
          words,
        ),
        fix: 'Check that the app is registered as confidential in this environment and the secret is current; send "Authorization: Basic base64(urlencode(client_id):urlencode(client_secret))". Public apps send client_id in the body and no Authorization header. Quote the instance id when asking the vendor.',
        spec: 'rfc6749-client-auth',
        exchanges: exchangeIdOf(r),
      }),
    ];
  },
};
