// Endpoint URL rules: absolute https, except on loopback where plain http is how
// local test servers run (SMART App Launch conformance: endpoints are https).

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
