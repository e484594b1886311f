// The SMART authorize request (app-launch.html "Obtain authorization code").
export interface AuthorizeParams {
  authorizationEndpoint: string;
  clientId: string;
  redirectUri: string;
  scope: string;
  state: string;
  /** The FHIR base URL (SMART requires aud). */
  aud: string;
  codeChallenge?: string | undefined;
  nonce?: string | undefined;
  launch?: string | undefined;
  prompt?: string | undefined;
  /** The vendor re-authentication parameter forceAuthn=true (non-standard). */
  forceAuthn?: boolean | undefined;
}

export function authorizeParameters(p: AuthorizeParams): URLSearchParams {
  const q = new URLSearchParams({ response_type: 'code', client_id: p.clientId, redirect_uri: p.redirectUri, scope: p.scope, state: p.state, aud: p.aud });
  if (p.codeChallenge !== undefined) {
    q.set('code_challenge', p.codeChallenge);
    q.set('code_challenge_method', 'S256');
  }
  if (p.nonce !== undefined) q.set('nonce', p.nonce);
  if (p.launch !== undefined) q.set('launch', p.launch);
  if (p.prompt !== undefined) q.set('prompt', p.prompt);
  if (p.forceAuthn === true) q.set('forceAuthn', 'true');
  return q;
}

export function buildAuthorizeUrl(p: AuthorizeParams): string {
  const url = new URL(p.authorizationEndpoint);
  for (const [k, v] of authorizeParameters(p)) url.searchParams.set(k, v);
  return url.href;
}

/** The authorize request as URL and as parameters (the launch flow may POST the parameters when the server advertises authorize-post). */
export function buildAuthorizeRequest(p: AuthorizeParams): { url: string; params: URLSearchParams } {
  return { url: buildAuthorizeUrl(p), params: authorizeParameters(p) };
}
