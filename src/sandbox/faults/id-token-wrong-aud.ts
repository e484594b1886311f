// The id_token's aud names something other than the client.
import type { FaultHooksEntry } from './fault.js';

export const idTokenWrongAud: FaultHooksEntry = {
  name: 'id-token-wrong-aud',
  idTokenClaims: (claims, context) => ({ ...claims, aud: context.fhirBaseUrl }),
};
