// FHIR responses: resources, OperationOutcomes, and the Bearer challenges of RFC 6750 §3.
import type { ServerResponse } from 'node:http';

export const FHIR_JSON = 'application/fhir+json; charset=utf-8';
export const REALM = 'smartctl-sandbox';

export function sendResource(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body, null, 2);
  res.writeHead(status, { 'content-type': FHIR_JSON, 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store', ...headers });
  res.end(text);
}

export function operationOutcome(code: string, diagnostics: string, severity: 'error' | 'fatal' = 'error'): Record<string, unknown> {
  return { resourceType: 'OperationOutcome', issue: [{ severity, code, diagnostics }] };
}

function quote(value: string): string {
  return `"${value.replace(/["\\]/g, '\\$&')}"`;
}

/** 401: no token at all gets a bare challenge; a bad one says invalid_token and why. */
export function sendUnauthorized(res: ServerResponse, description?: string): void {
  const challenge = description === undefined ? `Bearer realm=${quote(REALM)}` : `Bearer realm=${quote(REALM)}, error="invalid_token", error_description=${quote(description)}`;
  sendResource(res, 401, operationOutcome('login', description ?? 'This FHIR server needs an access token: send Authorization: Bearer <token>.'), { 'www-authenticate': challenge });
}

export function sendForbidden(res: ServerResponse, diagnostics: string, neededScope: string): void {
  sendResource(res, 403, operationOutcome('forbidden', diagnostics), {
    'www-authenticate': `Bearer realm=${quote(REALM)}, error="insufficient_scope", error_description=${quote(diagnostics)}, scope=${quote(neededScope)}`,
  });
}

/** 400: a credential was sent but cannot be used as one (RFC 6750 §3.1 invalid_request). */
export function sendBadRequest(res: ServerResponse, description: string): void {
  sendResource(res, 400, operationOutcome('invalid', description), {
    'www-authenticate': `Bearer realm=${quote(REALM)}, error="invalid_request", error_description=${quote(description)}`,
  });
}
