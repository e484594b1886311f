// Endpoint URL rules: absolute https, except on loopback where plain http is how
// local test servers run (SMART App Launch conformance: endpoints are https).
import { makeFinding, type Finding } from '../../report/finding.js';

export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

export type EndpointProblem = 'not-absolute' | 'not-https';

/** Why a URL is unfit as an endpoint, or undefined when it is fine. */
export function endpointProblem(value: string): EndpointProblem | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'not-absolute';
  }
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) return undefined;
  return url.protocol === 'http:' ? 'not-https' : 'not-absolute';
}

/** One finding per endpoint that is not an absolute https URL (http allowed on loopback). */
export function lintEndpointUrls(source: string, entries: ReadonlyArray<readonly [string, string | undefined]>): Finding[] {
  const out: Finding[] = [];
  for (const [field, value] of entries) {
    if (value === undefined) continue;
    const problem = endpointProblem(value);
    if (problem === undefined) continue;
    out.push(
      makeFinding({
        id: problem === 'not-https' ? 'endpoint-not-https' : 'endpoint-not-absolute',
        severity: 'error',
        title: `${source} ${field} is not an absolute https URL`,
        detail: `${field}: expected an absolute https URL (http only on loopback), got "${value}"`,
        fix: `Publish ${field} in ${source} as an absolute https URL (SMART requires TLS for every exchange).`,
        spec: 'smart-config-metadata',
      }),
    );
  }
  return out;
}
