// The sandbox's FHIR R4 API: /metadata, read and simple search over the synthetic
// dataset, enforcing the bearer token, its expiry and its scopes (v1 and v2; patient/
// scopes bounded by the patient in context).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { grantsAccess } from '../../protocol/scopes/access.js';
import { parseScopes, type Compartment, type Interaction, type Scope } from '../../protocol/scopes/parse.js';
import type { AccessGrant, FhirApiOptions, FhirHandler } from '../types.js';
import { capabilityStatement } from '../fhir/capability-statement.js';
import { operationOutcome, sendForbidden, sendResource, sendUnauthorized } from '../fhir/outcome.js';
import { matches, patientOf, restrictionValues, SEARCH_PARAMS, unsupportedParams } from '../fhir/search.js';

type Resource = Record<string, unknown>;

interface Decision {
  allowed: boolean;
  /** Why not, for the OperationOutcome. */
  reason?: string;
  /** The scope that would have allowed it. */
  needed?: string;
}

function bearer(req: IncomingMessage): string | undefined {
  const header = req.headers['authorization'];
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return m?.[1];
}

/** May this grant perform `interaction` on `resource` (or on the type, for a search)? */
export function decide(grant: AccessGrant, scopes: readonly Scope[], type: string, interaction: Interaction, resource: Resource | undefined, query: URLSearchParams | undefined): Decision {
  const letter = interaction;
  const needed = `user/${type}.${letter === 's' ? 'rs' : letter}`;
  const values = resource === undefined ? query : restrictionValues(resource);
  const allows = (compartment: Compartment): boolean => grantsAccess(scopes, { compartment, resourceType: type, interaction, query: values });
  if (allows('system') || allows('user')) return { allowed: true };
  if (resource !== undefined && grant.fhirUser === `${type}/${String(resource['id'])}` && scopes.some((s) => s.kind === 'fhirUser' || s.kind === 'openid')) return { allowed: true };
  if (allows('patient')) {
    if (grant.patient === undefined) return { allowed: false, reason: `the token has patient/ scopes but no patient in context (request launch/patient or launch in a patient context)`, needed: 'launch/patient' };
    const owner = resource === undefined ? undefined : patientOf(type, resource);
    if (resource !== undefined && owner !== undefined && owner !== grant.patient) {
      return { allowed: false, reason: `${type}/${String(resource['id'])} belongs to Patient/${owner}, outside the patient in context (Patient/${grant.patient})`, needed: `user/${type}.${letter}` };
    }
    return { allowed: true };
  }
  return { allowed: false, reason: `the granted scope "${grant.scope}" does not allow ${interaction === 's' ? 'searching' : 'reading'} ${type}`, needed: `patient/${type}.${letter === 's' ? 's' : 'r'} or ${needed}` };
}

function searchBundle(base: string, type: string, found: Resource[], query: URLSearchParams): Record<string, unknown> {
  const count = Number(query.get('_count') ?? '50');
  const page = found.slice(0, Number.isFinite(count) && count >= 0 ? count : 50);
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
      sendResource(res, 405, operationOutcome('not-supported', `${req.method ?? ''} is not supported: the sandbox FHIR API is read-only (read and search).`), { allow: 'GET' });
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
    const token = bearer(req);
    if (token === undefined) {
      sendUnauthorized(res);
      return;
    }
    const grant = options.lookupToken(token);
    if (grant === undefined) {
      sendUnauthorized(res, 'The access token is unknown or was revoked.');
      return;
    }
    if (grant.exp <= options.nowSeconds()) {
      sendUnauthorized(res, `The access token expired ${options.nowSeconds() - grant.exp} s ago.`);
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
      const decision = decide(grant, scopes, type, 'r', resource, undefined);
      if (!decision.allowed) sendForbidden(res, `Reading ${type}/${id} is not allowed: ${decision.reason ?? ''}`, decision.needed ?? '');
      else sendResource(res, 200, resource);
      return;
    }
    const unsupported = unsupportedParams(type, query);
    if (unsupported.length > 0) {
      sendResource(res, 400, operationOutcome('not-supported', `Unsupported search parameter(s) for ${type}: ${unsupported.join(', ')} (supported: ${Object.keys(SEARCH_PARAMS[type] ?? {}).join(', ')}).`));
      return;
    }
    const decision = decide(grant, scopes, type, 's', undefined, query);
    if (!decision.allowed) {
      sendForbidden(res, `Searching ${type} is not allowed: ${decision.reason ?? ''}`, decision.needed ?? '');
      return;
    }
    // With only patient/ scopes a search sees just the patient in context's compartment;
    // resources matching a v2 restriction are filtered the same way reads are.
    const userWide = grantsAccess(scopes, { compartment: 'user', resourceType: type, interaction: 's', query }) || grantsAccess(scopes, { compartment: 'system', resourceType: type, interaction: 's', query });
    const found = [...byId.values()].filter((r) => {
      if (!matches(type, r, query)) return false;
      if (userWide) return true;
      const owner = patientOf(type, r);
      if (owner !== undefined && owner !== grant.patient) return false;
      return grantsAccess(scopes, { compartment: 'patient', resourceType: type, interaction: 's', query: restrictionValues(r) }) || grantsAccess(scopes, { compartment: 'patient', resourceType: type, interaction: 's', query });
    });
    sendResource(res, 200, searchBundle(base, type, found, query));
  };
}
