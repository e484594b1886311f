// SMART App Launch 2.x capabilities (conformance.html#capabilities), each explained in one line.

export const CAPABILITY_EXPLANATIONS: Readonly<Record<string, string>> = {
  'launch-ehr': 'apps can be launched from inside the EHR (EHR launch with iss and launch)',
  'launch-standalone': 'apps can launch on their own (standalone launch)',
  'authorize-post': 'the authorize endpoint accepts POST as well as GET',
  'client-public': 'public clients (no secret, PKCE only) are supported',
  'client-confidential-symmetric': 'confidential clients can authenticate with a client secret',
  'client-confidential-asymmetric': 'confidential clients can authenticate with a signed JWT (private_key_jwt, RS384/ES384)',
  'sso-openid-connect': 'OpenID Connect sign-in: an id_token comes back when openid is granted',
  'context-banner': 'the server can tell the app whether to show a patient banner (need_patient_banner)',
  'context-style': 'the server can give the app a style sheet (smart_style_url)',
  'context-passthrough-banner': 'need_patient_banner is passed through to the app',
  'context-passthrough-style': 'smart_style_url is passed through to the app',
  'context-ehr-patient': 'an EHR launch can carry the current patient',
  'context-ehr-encounter': 'an EHR launch can carry the current encounter',
  'context-standalone-patient': 'a standalone launch can ask the user to pick a patient (launch/patient)',
  'context-standalone-encounter': 'a standalone launch can ask the user to pick an encounter (launch/encounter)',
  'permission-offline': 'offline_access: refresh tokens that outlive the user session',
  'permission-online': 'online_access: refresh tokens while the user is signed in',
  'permission-patient': 'patient/ scopes are supported',
  'permission-user': 'user/ scopes are supported',
  'permission-v1': 'SMART v1 scope syntax (patient/Observation.read)',
  'permission-v2': 'SMART v2 scope syntax (patient/Observation.rs)',
  'smart-app-state': 'the app-state endpoint stores app data on the server',
};

export function isKnownCapability(name: string): boolean {
  return Object.hasOwn(CAPABILITY_EXPLANATIONS, name);
}
