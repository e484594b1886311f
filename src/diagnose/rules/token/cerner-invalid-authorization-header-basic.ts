// invalid_client because the Basic Authorization header could not be read as this client's
// credentials (Cerner: URN ...oauth2:token:invalid-authorization-header, client=unknown).
// The header that was sent is decoded and checked: scheme, base64, "id:secret", stray
// newlines, the id against the body's client_id. Without the URN, a header that fails those
// checks next to an invalid_client is client-secret-basic-malformed (request-shape).
import { makeFinding, type Finding } from '../../../report/finding.js';
import { headerValue } from '../../../report/trace.js';
import { parseVendorErrorUri } from '../../../protocol/oauth-error.js';
import type { Evidence, ResponseEvidence } from '../../evidence.js';
import { describeError, exchangeIdOf, orderCauses, responsesAt, saidLine, vendorSays, type DiagnosisRule } from '../../rule.js';

const URN = /:oauth2:token:invalid-authorization-header$/i;

export function namesInvalidAuthorizationHeader(r: ResponseEvidence): boolean {
  return URN.test(parseVendorErrorUri(r.oauthError?.error_uri)?.urn ?? '');
}

export interface BasicProblem {
  /** What is wrong, "expected X, got Y". */
  text: string;
}

/** What is wrong with an Authorization header meant as client_secret_basic (RFC 6749 §2.3.1, RFC 7617); [] when it reads as id:secret. */
export function basicHeaderProblems(value: string, clientId: string | undefined): string[] {
  const m = /^(\S+)(?:\s+([\s\S]*))?$/.exec(value.trim());
  const scheme = m?.[1] ?? '';
  const rest = m?.[2] ?? '';
  // A known scheme name is quoted; anything else may be the credential itself, so it is not.
  if (!/^basic$/i.test(scheme)) return [/^(bearer|token|digest|negotiate|hoba|mutual|dpop)$/i.test(scheme) ? `scheme: expected "Basic", got "${scheme}"${/^bearer$/i.test(scheme) ? ' (and the value is not a client assertion JWT)' : ''}` : 'scheme: expected "Basic", got a value without it'];
  const out: string[] = [];
  if (/[\r\n]/.test(rest)) out.push('the base64 value contains a line break (base64 wraps at 76 characters; use base64 -w0)');
  const compact = rest.replace(/\s+/g, '');
  if (compact === '') return ['the Basic value is empty'];
  if (/[-_]/.test(compact) && !/[+/]/.test(compact)) out.push('the value uses the base64url alphabet (- and _), not base64');
  // Never quote the value: it is the credential.
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(compact)) return [...out, 'the value is not base64 (characters outside A-Z a-z 0-9 + / =)'];
  if (compact.replace(/=+$/, '').length % 4 === 1) out.push(`the base64 value has an impossible length (${compact.length} characters): it is truncated`);
  const decoded = Buffer.from(compact.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return [...out, 'decodes to text without ":" (expected "client_id:client_secret"; was only the secret or only the id encoded?)'];
  const id = decoded.slice(0, colon);
  const secret = decoded.slice(colon + 1);
  if (id === '') out.push('decodes to ":secret": the client id part is empty');
  if (secret === '') out.push('decodes to "id:": the secret part is empty');
  if (/[\r\n]/.test(secret) || /[\r\n]/.test(id)) out.push('the decoded credentials end in a newline ("echo" without -n before base64): the secret the server sees has an extra "\\n"');
  else if (/\s$/.test(secret) || /^\s/.test(id)) out.push('the decoded credentials have leading or trailing spaces');
  const idDecoded = (() => {
    try {
      return decodeURIComponent(id.replace(/\+/g, ' '));
    } catch {
      return id;
    }
  })();
  // The id part is not quoted: with id and secret swapped, it is the secret.
  if (clientId !== undefined && id !== '' && idDecoded.trim() !== clientId) out.push(`client id in the header: expected "${clientId}" (the client_id of the request), got another value`);
  return out;
}

export const cernerInvalidAuthorizationHeaderBasic: DiagnosisRule = {
  id: 'cerner-invalid-authorization-header-basic',
  phase: 'token',
  catalog: ['cerner-invalid-authorization-header-basic'],
  siblings: ['client-secret-basic-malformed'],
  diagnose(e: Evidence): Finding[] {
    for (const r of responsesAt(e, 'token')) {
      // invalid_client, or a server's own words for an unreadable client header (athenahealth answers in plain text).
      const said = vendorSays(r, 'client-secret-basic-malformed');
      if (r.status < 400 || r.status >= 500 || (r.oauthError?.error !== 'invalid_client' && said === undefined)) continue;
      const header = headerValue(r.requestHeaders, 'authorization');
      // A client assertion as Bearer is client-assertion-in-authorization-header.
      if ((header === undefined && said === undefined) || (header !== undefined && /^Bearer\s+eyJ[\w-]+\.[\w-]+\.[\w-]*\s*$/i.test(header))) continue;
      const urn = namesInvalidAuthorizationHeader(r);
      const problems = header === undefined ? ['no Authorization header was sent (expected "Basic base64(client_id:client_secret)")'] : basicHeaderProblems(header, e.clientId);
      if (!urn && problems.length === 0) continue;
      const v = parseVendorErrorUri(r.oauthError?.error_uri);
      const lines = [describeError(r)];
      if (said !== undefined) lines.push(saidLine(said));
      if (urn) lines.push(`error_uri names ${v?.urn ?? ''}${v?.client !== undefined ? `, client=${v.client}` : ''}${v?.tenant !== undefined ? `, tenant=${v.tenant}` : ''}${v?.instance !== undefined ? ` (instance ${v.instance})` : ''}`);
      lines.push(problems.length > 0 ? `the Authorization header sent: ${problems.join('; ')}` : 'the Authorization header sent reads as "Basic base64(id:secret)" with the body\'s client id');
      const words = `${problems.join(' ')} ${v?.client === 'unknown' ? 'client=unknown' : ''}`;
      return [
        makeFinding({
          id: urn ? 'cerner-invalid-authorization-header-basic' : 'client-secret-basic-malformed',
          severity: 'error',
          role: 'root-cause',
          basis: urn || said !== undefined ? 'server-words' : 'request-shape',
          title: urn ? 'the server could not read the Basic Authorization header as this client\'s credentials (invalid-authorization-header)' : 'the Basic Authorization header is malformed',
          detail: lines.join('\n'),
          causes: orderCauses(
            [
              { text: 'The header value is not exactly "Basic " + base64(client_id ":" client_secret): a line break or newline inside, base64url, only the secret encoded, or truncated.', when: /line break|newline|base64|":"|truncated|empty|scheme/i },
              { text: 'The id in the header is not this client\'s id (a copy of another app\'s credentials, or the id and secret swapped).', when: /client id in the header/i },
              { text: 'The credentials are for an account the tenant does not recognise (a system account of another tenant or environment; client=unknown).', when: /client=unknown/i },
              { text: 'The app is registered for private_key_jwt: send the assertion as form parameters and no Authorization header.' },
            ],
            words,
          ),
          fix: 'Build the header as "Authorization: Basic " + base64(urlencode(client_id) + ":" + urlencode(client_secret)) on one line (printf \'%s:%s\' "$ID" "$SECRET" | base64 -w0; not echo, which adds a newline), or switch to the form-parameter client assertion.',
          spec: urn ? 'rfc6749-client-auth' : 'rfc7617-basic',
          exchanges: exchangeIdOf(r),
        }),
      ];
    }
    return [];
  },
};
