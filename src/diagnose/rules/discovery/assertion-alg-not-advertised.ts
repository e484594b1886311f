// assertion-alg-not-advertised: asymmetric client authentication (private_key_jwt) that the
// server's discovery does not offer: private_key_jwt missing from
// token_endpoint_auth_methods_supported, or no RS384/ES384 (which SMART servers must accept)
// in token_endpoint_auth_signing_alg_values_supported, or an assertion signed with an alg the
// server does not list. Root cause of an invalid_client to such an assertion; noticed otherwise.
import { makeFinding, type Finding } from '../../../report/finding.js';
import type { Evidence } from '../../evidence.js';
import { type DiagnosisRule } from '../../rule.js';
import { discoveryDocuments, stringList } from './discovery-document.js';

function assertionAlg(jwt: string | undefined): string | undefined {
  const head = jwt?.split('.')[0];
  if (head === undefined || head === '') return undefined;
  try {
    const h: unknown = JSON.parse(Buffer.from(head, 'base64url').toString('utf8'));
    return h !== null && typeof h === 'object' && typeof (h as Record<string, unknown>)['alg'] === 'string' ? ((h as Record<string, unknown>)['alg'] as string) : undefined;
  } catch {
    return undefined;
  }
}

export const assertionAlgNotAdvertised: DiagnosisRule = {
  id: 'assertion-alg-not-advertised',
  phase: 'discovery',
  catalog: ['asymmetric-alg-not-advertised'],
  diagnose(e: Evidence): Finding[] {
    const lines: string[] = [];
    const alg = assertionAlg(e.sentClientAssertion);
    const usesAssertion = e.sentClientAssertion !== undefined || e.authMethod === 'private_key_jwt';
    for (const d of discoveryDocuments(e)) {
      const methods = stringList(d.doc['token_endpoint_auth_methods_supported']);
      const algs = stringList(d.doc['token_endpoint_auth_signing_alg_values_supported']);
      const caps = stringList(d.doc['capabilities']) ?? [];
      const offersAsymmetric = caps.includes('client-confidential-asymmetric') || methods?.includes('private_key_jwt') === true;
      if (methods !== undefined && !methods.includes('private_key_jwt') && (usesAssertion || caps.includes('client-confidential-asymmetric'))) {
        lines.push(`${d.kind} token_endpoint_auth_methods_supported: expected to include "private_key_jwt"${caps.includes('client-confidential-asymmetric') ? ' (capabilities lists client-confidential-asymmetric)' : ''}, got ${JSON.stringify(methods)}`);
      }
      if (algs !== undefined && alg !== undefined && !algs.includes(alg)) lines.push(`the client assertion is signed with ${alg}; ${d.kind} token_endpoint_auth_signing_alg_values_supported lists ${JSON.stringify(algs)}`);
      else if (algs !== undefined && offersAsymmetric && !algs.includes('RS384') && !algs.includes('ES384')) lines.push(`${d.kind} token_endpoint_auth_signing_alg_values_supported: expected RS384 or ES384 (SMART servers must accept at least one), got ${JSON.stringify(algs)}`);
    }
    if (lines.length === 0) return [];
    const rejected = usesAssertion && e.failures.some((f) => f.kind === 'error-response' && f.endpoint === 'token' && f.error === 'invalid_client');
    return [
      makeFinding({
        id: 'assertion-alg-not-advertised',
        severity: rejected ? 'error' : 'warning',
        role: rejected ? 'root-cause' : 'also-noticed',
        basis: 'request-shape',
        title: 'the server does not advertise the asymmetric client authentication used or needed',
        detail: lines.join('\n'),
        causes: [
          'The server does not support private_key_jwt (asymmetric client authentication), or not for this client type.',
          'The server supports only other signing algorithms than the key uses (SMART requires RS384 or ES384 to be accepted).',
        ],
        fix: `Sign the assertion with an advertised algorithm (smartctl keygen --alg ES384 or RS384)${alg !== undefined ? `, not ${alg}` : ''}, or register for symmetric authentication (client_secret) if that is all the server offers.`,
        spec: 'smart-client-asymmetric',
      }),
    ];
  },
};
