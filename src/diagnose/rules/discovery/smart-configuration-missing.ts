// smart-configuration-missing: GET <fhir-base>/.well-known/smart-configuration answered 404
// (or an error, or an HTML page instead of JSON). Causes ordered by the answer: a web page or
// a base URL without a FHIR path points at the base URL; 401/403 at an endpoint served only
// with auth enabled (Pathling); 404 at a server that does not publish it.
import { makeFinding, type Finding } from '../../../report/finding.js';
import { headerValue } from '../../../report/trace.js';
import { parseObject, type Evidence, type ResponseEvidence } from '../../evidence.js';
import { exchangeIdOf, messageSays, orderCauses, saidLine, type DiagnosisRule } from '../../rule.js';

function isSmartConfigUrl(url: string | undefined): boolean {
  return url !== undefined && /\/\.well-known\/smart-configuration\/?(\?|$)/.test(url);
}

function looksHtml(r: ResponseEvidence): boolean {
  const type = headerValue(r.responseHeaders, 'content-type') ?? '';
  return /html/i.test(type) || /^\s*<(!doctype|html)/i.test(r.responseBody ?? '');
}

/** The metadata fallback in the same evidence, when it names the OAuth endpoints. */
function metadataFallback(e: Evidence): boolean {
  return e.responses.some((r) => r.endpoint === 'discovery' && /\/metadata\/?(\?|$)/.test(r.url ?? '') && r.status === 200 && /oauth-uris/.test(r.responseBody ?? ''));
}

export const smartConfigurationMissing: DiagnosisRule = {
  id: 'smart-configuration-missing',
  phase: 'discovery',
  catalog: ['smart-configuration-404'],
  diagnose(e: Evidence): Finding[] {
    // Not there (404, 410), not for this caller (401, 403), or a web page instead of JSON; a 5xx is the server failing, not the endpoint missing.
    const r = e.responses.find((x) => isSmartConfigUrl(x.url) && ([401, 403, 404, 410].includes(x.status) || (x.status === 200 && parseObject(x.responseBody) === undefined && looksHtml(x))));
    const said = messageSays(e, 'smart-configuration-missing');
    if (r === undefined && said === undefined) return [];
    const base = r?.url !== undefined ? r.url.replace(/\/\.well-known\/smart-configuration.*$/, '') : undefined;
    const basePath = base !== undefined && URL.canParse(base) ? new URL(base).pathname : undefined;
    const facts = [
      r !== undefined && r.status === 200 ? 'html' : '',
      r !== undefined && (r.status === 401 || r.status === 403) ? 'auth-only' : '',
      basePath !== undefined && (basePath === '' || basePath === '/' || !/fhir|r4|r5|stu3|dstu2|api|baseR4/i.test(basePath)) ? 'no-fhir-path' : '',
    ].join(' ');
    const fallback = metadataFallback(e);
    const lines: string[] = [];
    if (r !== undefined) lines.push(`GET ${r.url ?? ''} answered HTTP ${r.status}${r.status === 200 ? ' with an HTML page, not JSON' : ''}: expected the SMART configuration JSON`);
    if (said !== undefined) lines.push(`the app reported ${JSON.stringify(said.message)}`, saidLine(said.phrase));
    if (fallback) lines.push('<fhir-base>/metadata names the OAuth endpoints (oauth-uris), so discovery can fall back to the CapabilityStatement');
    return [
      makeFinding({
        id: 'smart-configuration-missing',
        severity: fallback ? 'warning' : 'error',
        role: 'root-cause',
        basis: said !== undefined ? 'server-words' : 'request-shape',
        title: '.well-known/smart-configuration could not be read',
        detail: lines.join('\n'),
        causes: orderCauses(
          [
            { text: 'The server does not implement .well-known/smart-configuration (older servers, Azure FHIR before it was added); the CapabilityStatement may still name the endpoints.' },
            { text: 'The endpoint is only served when the server runs with authorization enabled (Pathling).', when: /auth-only/ },
            { text: 'The iss / FHIR base URL is wrong: a missing /fhir, /r4/<tenant> or version segment, so the well-known path lands on a web page or nothing.', when: /html|no-fhir-path/ },
          ],
          facts,
        ),
        fix: 'Check the FHIR base URL (tenant and version path included): <base>/metadata must answer a CapabilityStatement. Fall back to its oauth-uris extension, and ask the server owner to publish <base>/.well-known/smart-configuration (fetched with Accept: application/json).',
        spec: 'smart-config-metadata',
        exchanges: r !== undefined ? exchangeIdOf(r) : undefined,
      }),
    ];
  },
};
