// The sandbox's FHIR R4 API: /metadata, read and simple search over the synthetic
// dataset, enforcing the bearer token, its expiry and its scopes (v1 and v2; patient/
// scopes bounded by the patient in context: see fhir/access-decision.ts for the rules).
// Order of checks: method, /metadata (open), path, bearer token (401/400), expiry,
// type, id (404), search parameters (400), scopes (403).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseScopes } from '../../protocol/scopes/parse.js';
import type { FhirApiOptions, FhirHandler } from '../types.js';
import { decideRead, decideSearch, inCompartment } from '../fhir/access-decision.js';
import { bearerOf } from '../fhir/bearer.js';
import { capabilityStatement } from '../fhir/capability-statement.js';
import { operationOutcome, sendBadRequest, sendForbidden, sendResource, sendUnauthorized } from '../fhir/outcome.js';
import { invalidValues, matches, SEARCH_PARAMS, unsupportedParams } from '../fhir/search.js';

type Resource = Record<string, unknown>;

function searchBundle(base: string, type: string, found: Resource[], query: URLSearchParams): Record<string, unknown> {
  const page = found.slice(0, Number(query.get('_count') ?? '50'));
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    total: found.length,
    link: [{ relation: 'self', url: `${base}/${type}${query.size > 0 ? `?${query.toString()}` : ''}` }],
    entry: page.map((resource) => ({ fullUrl: `${base}/${type}/${String(resource['id'])}`, resource, search: { mode: 'match' } })),
  };
}

export function createFhirApi(options: FhirApiOptions): FhirHandler {
  const base = options.fhirBaseUrl.href.replace(/\/+$/, '');
  const metadata = capabilityStatement(options.fhirBaseUrl, options.oauthUris);
  return (req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams): void => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendResource(res, 405, operationOutcome('not-supported', `${req.method ?? ''} is not supported: the sandbox FHIR API is read-only (read and search).`), { allow: 'GET, HEAD' });
      return;
    }
    if (path === '/metadata' || path === '/metadata/') {
      sendResource(res, 200, metadata);
      return;
    }
    const m = /^\/([A-Z][A-Za-z]+)(?:\/([A-Za-z0-9\-.]{1,64}))?\/?$/.exec(path);
    const type = m?.[1];
    if (m === null || type === undefined) {
      sendResource(res, 404, operationOutcome('not-found', `No FHIR endpoint at ${path}`));
      return;
    }
    const credential = bearerOf(req, query);
    if (credential.kind === 'none') {
      sendUnauthorized(res);
      return;
    }
    if (credential.kind === 'malformed') {
      sendBadRequest(res, credential.reason);
      return;
    }
    const grant = options.lookupToken(credential.token);
    if (grant === undefined) {
      sendUnauthorized(res, 'The access token is unknown or was revoked.');
      return;
    }
    const now = options.nowSeconds();
    if (grant.exp <= now) {
      sendUnauthorized(res, `The access token expired ${now - grant.exp} s ago.`);
      return;
    }
    const byId = options.data.resources.get(type);
    if (SEARCH_PARAMS[type] === undefined || byId === undefined) {
      sendResource(res, 404, operationOutcome('not-supported', `Resource type ${type} is not served by the sandbox (served: ${Object.keys(SEARCH_PARAMS).join(', ')}).`));
      return;
    }
    const scopes = parseScopes(grant.scope);
    const id = m[2];
    if (id !== undefined) {
      const resource = byId.get(id);
      if (resource === undefined) {
        sendResource(res, 404, operationOutcome('not-found', `${type}/${id} does not exist.`));
        return;
      }
      const decision = decideRead(grant, scopes, type, resource);
      if (!decision.allowed) sendForbidden(res, `Reading ${type}/${id} is not allowed: ${decision.reason}; it needs scope "${decision.needed}".`, decision.needed);
      else sendResource(res, 200, resource);
      return;
    }
    const unsupported = unsupportedParams(type, query);
    if (unsupported.length > 0) {
      sendResource(res, 400, operationOutcome('not-supported', `Unsupported search parameter(s) for ${type}: ${unsupported.join(', ')} (supported: ${Object.keys(SEARCH_PARAMS[type] ?? {}).join(', ')}).`));
      return;
    }
    const invalid = invalidValues(type, query);
    if (invalid.length > 0) {
      sendResource(res, 400, operationOutcome('invalid', `Invalid search value(s) for ${type}: ${invalid.join('; ')}.`));
      return;
    }
    const decision = decideSearch(grant, scopes, type, query);
    if (!decision.allowed) {
      sendForbidden(res, `Searching ${type} is not allowed: ${decision.reason}; it needs scope "${decision.needed}".`, decision.needed);
      return;
    }
    // patient/ scopes only: the search sees just the context patient's compartment.
    const found = [...byId.values()].filter((r) => matches(type, r, query) && (!decision.compartmentOnly || inCompartment(grant, type, r)));
    sendResource(res, 200, searchBundle(base, type, found, query));
  };
}
