// .well-known/smart-configuration is missing; only the CapabilityStatement names the endpoints.
import type { FaultHooksEntry } from './fault.js';
import { sendJson } from '../http-io.js';

export const noSmartConfiguration: FaultHooksEntry = {
  name: 'no-smart-configuration',
  intercept: (route, _req, res) => {
    if (route !== 'smart-configuration') return false;
    sendJson(res, 404, {
      resourceType: 'OperationOutcome',
      issue: [{ severity: 'error', code: 'not-found', diagnostics: 'Unknown resource type ".well-known"' }],
    }, { 'content-type': 'application/fhir+json; charset=utf-8' });
    return true;
  },
};
