// launch/patient was granted but the token response carries no patient.
import type { FaultHooksEntry } from './fault.js';

export const missingPatientContext: FaultHooksEntry = {
  name: 'missing-patient-context',
  tokenResponse: (body) => {
    const { patient: _p, encounter: _e, ...rest } = body;
    return rest;
  },
};
