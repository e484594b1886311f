// discovery-missing-pkce-methods: the smart-configuration omits code_challenge_methods_supported
// (REQUIRED, with S256), so libraries that decide PKCE from discovery (client-js) send none.
// Sibling ids for the same field: pkce-s256-not-advertised (listed without S256) and
// pkce-plain-advertised (lists plain, which the IG forbids).
import { makeFinding, type Finding } from '../../../report/finding.js';
import type { Evidence } from '../../evidence.js';
import { exchangeIdOf, type DiagnosisRule } from '../../rule.js';
import { authorizeAnswer, authorizeParams } from '../authorize/authorize-exchange.js';
import { discoveryDocuments, stringList } from './discovery-document.js';

export const discoveryMissingPkceMethods: DiagnosisRule = {
  id: 'discovery-missing-pkce-methods',
  phase: 'discovery',
  catalog: ['discovery-missing-pkce-methods'],
  siblings: ['pkce-s256-not-advertised', 'pkce-plain-advertised'],
  // discover's metadata lint names the same missing field generically.
  replaces: (lint) => lint.id === 'smart-configuration-field-missing' && lint.title.includes('"code_challenge_methods_supported"'),
  diagnose(e: Evidence): Finding[] {
    const smart = discoveryDocuments(e).find((d) => d.kind === 'smart-configuration');
    if (smart === undefined) return [];
    const methods = stringList(smart.doc['code_challenge_methods_supported']);
    const codeFlow = smart.doc['authorization_endpoint'] !== undefined || (stringList(smart.doc['grant_types_supported']) ?? []).includes('authorization_code');
    // It contributes to an authorize failure of a request that indeed carried no PKCE.
    const params = authorizeParams(e);
    const role = authorizeAnswer(e) !== undefined && params !== undefined && !params.has('code_challenge') ? 'contributing' : 'also-noticed';
    const exchanges = exchangeIdOf(smart.response);
    if (methods === undefined) {
      return [
        makeFinding({
          id: 'discovery-missing-pkce-methods',
          severity: codeFlow ? 'error' : 'warning',
          role,
          basis: 'request-shape',
          title: 'the smart-configuration does not list code_challenge_methods_supported',
          detail: `${smart.url ?? 'smart-configuration'}: code_challenge_methods_supported: expected ["S256"], got none${codeFlow ? '; the server offers the authorization code flow, so apps need PKCE' : ''}`,
          causes: ['The discovery document is incomplete (SMART App Launch 2 makes the field REQUIRED).', 'client-js decides whether to send PKCE from this field, so apps built on it send no code_challenge although the server may require one.'],
          fix: 'Send S256 PKCE anyway (client-js: pkceMode "always", or "unsafeV1" on older versions), and ask the server owner to publish code_challenge_methods_supported: ["S256"].',
          spec: 'smart-pkce',
          exchanges,
        }),
      ];
    }
    const out: Finding[] = [];
    if (!methods.includes('S256')) {
      out.push(makeFinding({ id: 'pkce-s256-not-advertised', severity: 'error', role, basis: 'request-shape', title: 'code_challenge_methods_supported does not list S256', detail: `code_challenge_methods_supported: expected to include "S256", got ${JSON.stringify(methods)}`, fix: 'Send S256 PKCE anyway, and ask the server owner to support S256 and list it.', spec: 'smart-pkce', exchanges }));
    }
    if (methods.includes('plain')) {
      out.push(makeFinding({ id: 'pkce-plain-advertised', severity: 'warning', role: 'also-noticed', basis: 'request-shape', title: 'code_challenge_methods_supported lists "plain"', detail: `SMART servers must not support the plain PKCE method; got ${JSON.stringify(methods)}`, fix: 'Use S256 regardless; the server owner should remove "plain".', spec: 'smart-pkce', exchanges }));
    }
    return out;
  },
};
