// Cross-checks between the discovery sources: they must name the same endpoints
// (an app that reads /metadata and one that reads smart-configuration must end up at
// the same authorize and token endpoints). Compared as exact strings.
import { makeFinding, type Finding } from '../../report/finding.js';
import type { CapabilityStatementSummary, OpenIdConfiguration, SmartConfiguration } from './types.js';

function disagree(what: string, a: [string, string], b: [string, string]): Finding {
  return makeFinding({
    id: 'endpoints-disagree',
    severity: 'warning',
    title: `${a[0]} and ${b[0]} name different ${what} endpoints`,
    detail: `${a[0]}: "${a[1]}"; ${b[0]}: "${b[1]}"`,
    fix: `Publish one ${what} endpoint everywhere; apps use whichever source they read first.`,
    spec: 'smart-discovery',
  });
}

export function crossCheck(smart: SmartConfiguration | undefined, metadata: CapabilityStatementSummary | undefined, openid: OpenIdConfiguration | undefined): Finding[] {
  const out: Finding[] = [];
  const uris = metadata?.oauthUris;
  if (smart !== undefined && uris !== undefined) {
    if (smart.authorization_endpoint !== undefined && uris.authorize !== undefined && smart.authorization_endpoint !== uris.authorize) {
      out.push(disagree('authorize', ['smart-configuration', smart.authorization_endpoint], ['metadata oauth-uris', uris.authorize]));
    }
    if (smart.token_endpoint !== undefined && uris.token !== undefined && smart.token_endpoint !== uris.token) {
      out.push(disagree('token', ['smart-configuration', smart.token_endpoint], ['metadata oauth-uris', uris.token]));
    }
  }
  if (smart !== undefined && openid !== undefined) {
    if (smart.authorization_endpoint !== undefined && openid.authorization_endpoint !== undefined && smart.authorization_endpoint !== openid.authorization_endpoint) {
      out.push(disagree('authorize', ['smart-configuration', smart.authorization_endpoint], ['openid-configuration', openid.authorization_endpoint]));
    }
    if (smart.token_endpoint !== undefined && openid.token_endpoint !== undefined && smart.token_endpoint !== openid.token_endpoint) {
      out.push(disagree('token', ['smart-configuration', smart.token_endpoint], ['openid-configuration', openid.token_endpoint]));
    }
    if (smart.jwks_uri !== undefined && openid.jwks_uri !== undefined && smart.jwks_uri !== openid.jwks_uri) {
      out.push(disagree('jwks_uri', ['smart-configuration', smart.jwks_uri], ['openid-configuration', openid.jwks_uri]));
    }
  }
  return out;
}
