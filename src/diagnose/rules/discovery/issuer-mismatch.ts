// issuer-mismatch: issuers are compared as exact strings (OIDC Discovery §4.3, Core §3.1.3.7):
// the issuer an openid-configuration was fetched for, the issuer it names, the SMART
// issuer, and the id_token iss must be identical. Seen in a client library's words
// (openid-client "unexpected iss value, expected X, got: X/", go-oidc "issuer did not match")
// or by comparing the documents in the evidence.
import { makeFinding, type Finding } from '../../../report/finding.js';
import type { Evidence } from '../../evidence.js';
import { exchangeIdOf, messageSays, saidLine, type DiagnosisRule } from '../../rule.js';
import { discoveryDocuments } from './discovery-document.js';

function pairLine(what: string, expected: string, got: string): string {
  const slash = expected.replace(/\/+$/, '') === got.replace(/\/+$/, '');
  return `${what}: expected "${expected}", got "${got}"${slash ? ' (they differ only by a trailing slash, which counts)' : ''}`;
}

/** "expected X, got: Y" / expected "X" got "Y" in a library's message. */
function quotedPair(message: string): [string, string] | undefined {
  const m = /expected:?\s*"?([^\s",]+)"?,?\s*got:?\s*"?([^\s",]+)"?/i.exec(message);
  return m === null ? undefined : [m[1] ?? '', m[2] ?? ''];
}

export const issuerMismatch: DiagnosisRule = {
  id: 'issuer-mismatch',
  phase: 'discovery',
  catalog: ['issuer-string-mismatch'],
  diagnose(e: Evidence): Finding[] {
    const lines: string[] = [];
    const said = messageSays(e, 'issuer-mismatch');
    if (said !== undefined) {
      lines.push(`the app reported ${JSON.stringify(said.message)}`, saidLine(said.phrase));
      const pair = quotedPair(said.message);
      if (pair !== undefined) lines.push(pairLine('issuer', pair[0], pair[1]));
    }
    const docs = discoveryDocuments(e);
    let exchanges: number[] | undefined;
    for (const d of docs.filter((x) => x.kind === 'openid-configuration')) {
      const issuer = typeof d.doc['issuer'] === 'string' ? d.doc['issuer'] : undefined;
      const fetchedFor = d.url?.replace(/\/\.well-known\/openid-configuration.*$/, '');
      if (issuer !== undefined && fetchedFor !== undefined && issuer !== fetchedFor) {
        lines.push(pairLine(`the openid-configuration fetched from ${d.url ?? ''} names issuer`, fetchedFor, issuer));
        exchanges = exchangeIdOf(d.response);
      }
      const smartIssuer = docs.find((x) => x.kind === 'smart-configuration')?.doc['issuer'];
      // The SMART issuer is usually the URL the openid-configuration was fetched for: say it once.
      if (issuer !== undefined && typeof smartIssuer === 'string' && smartIssuer !== issuer && smartIssuer !== fetchedFor) lines.push(pairLine('issuer (smart-configuration vs openid-configuration)', smartIssuer, issuer));
    }
    if (lines.length === 0) return [];
    return [
      makeFinding({
        id: 'issuer-mismatch',
        severity: 'error',
        role: said !== undefined ? 'root-cause' : 'also-noticed',
        basis: said !== undefined ? 'server-words' : 'request-shape',
        title: 'the issuer strings do not match exactly',
        detail: lines.join('\n'),
        causes: [
          'A trailing slash: one side publishes "https://host/" and the other "https://host" (the app or a library normalised it).',
          'A multi-tenant issuer template (Microsoft {tenantid}) or a provider whose discovery issuer differs from the URL it is served at.',
          'Sandbox and production issuers mixed up (a sandbox iss with production metadata).',
        ],
        fix: 'Use the issuer exactly as published, without normalising it; if the provider is non-conformant, configure the expected issuer explicitly in the client library.',
        spec: 'oidc-discovery-issuer',
        exchanges,
      }),
    ];
  },
};
