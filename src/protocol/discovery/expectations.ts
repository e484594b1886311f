// What an app can expect of this server, in plain words, from the merged documents.
import type { DiscoveryResult } from './types.js';

export interface Expectation {
  topic: string;
  answer: 'yes' | 'no' | 'unknown';
  note: string;
}

export function appExpectations(r: Omit<DiscoveryResult, 'findings'>): Expectation[] {
  const caps = new Set(r.capabilities);
  // Without smart-configuration (metadata only) nothing says what is supported: "unknown", not "no".
  const advertised = r.smartConfiguration !== undefined || r.openidConfiguration !== undefined;
  const yesNo = (v: boolean): Expectation['answer'] => (v ? 'yes' : advertised ? 'no' : 'unknown');
  const asym = r.tokenEndpointAuthMethods.includes('private_key_jwt') || caps.has('client-confidential-asymmetric');
  const asymAlgs = r.signingAlgs.filter((a) => a === 'RS384' || a === 'ES384');
  return [
    { topic: 'PKCE (S256)', answer: yesNo(r.codeChallengeMethods.includes('S256')), note: r.codeChallengeMethods.length > 0 ? `methods: ${r.codeChallengeMethods.join(', ')}` : 'no code_challenge_methods_supported' },
    { topic: 'EHR launch', answer: yesNo(caps.has('launch-ehr')), note: 'launch-ehr' },
    { topic: 'standalone launch', answer: yesNo(caps.has('launch-standalone')), note: 'launch-standalone' },
    { topic: 'OpenID Connect (id_token)', answer: yesNo(caps.has('sso-openid-connect')), note: r.endpoints.issuer !== undefined ? `issuer ${r.endpoints.issuer}` : 'no issuer' },
    {
      topic: 'asymmetric client auth',
      answer: yesNo(asym),
      note: `private_key_jwt; ${asymAlgs.length > 0 ? `algs: ${asymAlgs.join(', ')}` : r.signingAlgs.length > 0 ? `algs: ${r.signingAlgs.join(', ')} (no RS384/ES384)` : 'no signing algs listed'}`,
    },
    { topic: 'client secret auth', answer: yesNo(caps.has('client-confidential-symmetric')), note: r.tokenEndpointAuthMethods.filter((m) => m.startsWith('client_secret')).join(', ') || 'not listed' },
    {
      topic: 'refresh tokens',
      answer: yesNo(caps.has('permission-offline') || caps.has('permission-online')),
      note: [caps.has('permission-offline') ? 'offline_access' : '', caps.has('permission-online') ? 'online_access' : ''].filter(Boolean).join(', ') || 'neither offline nor online access advertised',
    },
    {
      topic: 'scope syntax',
      answer: caps.has('permission-v1') || caps.has('permission-v2') ? 'yes' : 'unknown',
      note: [caps.has('permission-v1') ? 'v1' : '', caps.has('permission-v2') ? 'v2' : ''].filter(Boolean).join(' and ') || 'not advertised (assume v1)',
    },
    { topic: 'authorize by POST', answer: yesNo(r.supportsAuthorizePost), note: 'authorize-post' },
  ];
}
