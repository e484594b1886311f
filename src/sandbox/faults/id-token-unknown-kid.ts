// The id_token is signed with a key the JWKS does not publish.
import type { FaultHooksEntry } from './fault.js';

export const idTokenUnknownKid: FaultHooksEntry = {
  name: 'id-token-unknown-kid',
  idTokenSignedWithUnpublishedKey: true,
};
