// The hooks through which the sandbox's endpoints let a fault misbehave. What each
// fault is (effect, the real failure it mirrors, its finding id) is in index.ts.
import type { IncomingMessage, ServerResponse } from 'node:http';

/** The endpoints a fault can take over or slow down. */
export type SandboxRoute = 'smart-configuration' | 'openid-configuration' | 'jwks' | 'authorize' | 'token' | 'introspect' | 'revoke';

export interface AuthorizeFaultInput {
  params: URLSearchParams;
  /** Whether the request carried the sandbox's login session cookie. */
  hasSessionCookie: boolean;
}

/** An answer that replaces the authorize endpoint's: an HTML page with this status. */
export interface AuthorizeFaultAnswer {
  status: number;
  title: string;
  message: string;
}

export interface FaultHooks {
  /** Answers the request instead of the endpoint; true when it did. */
  intercept?(route: SandboxRoute, req: IncomingMessage, res: ServerResponse): boolean;
  /** Milliseconds to wait before the endpoint answers. */
  delayMs?(route: SandboxRoute): number;
  smartConfiguration?(doc: Record<string, unknown>): Record<string, unknown>;
  openidConfiguration?(doc: Record<string, unknown>): Record<string, unknown>;
  authorize?(input: AuthorizeFaultInput): AuthorizeFaultAnswer | undefined;
  /** Replaces the redirect_uri comparison for non-loopback URIs (true = match). */
  redirectUriMatches?(registered: string, given: string): boolean;
  /** When set, any Authorization header on a token request the client's method does not call for is refused. */
  strictAuthorizationHeader?: boolean;
  /** Rewrites the scopes about to be granted (the list the token response's `scope` will show). */
  grantScopes?(scopes: string[]): string[];
  /** Rewrites id_token claims before signing. */
  idTokenClaims?(claims: Record<string, unknown>, context: { fhirBaseUrl: string }): Record<string, unknown>;
  /** Signs the id_token with a key the JWKS does not publish. */
  idTokenSignedWithUnpublishedKey?: boolean;
  /** Rewrites a successful token response body. */
  tokenResponse?(body: Record<string, unknown>): Record<string, unknown>;
}

/** A fault file's export: the fault's name and its hooks. */
export interface FaultHooksEntry extends FaultHooks {
  name: string;
}
