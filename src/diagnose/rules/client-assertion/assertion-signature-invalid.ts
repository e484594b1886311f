// The server says the client assertion signature does not verify with the registered key
// (Cerner's jwt-bearer:invalid-signature URN, Okta, Entra AADSTS700027). Only the server
// can tell: the check needs its copy of the key.
import { assertionRule } from './assertion-rule.js';

export const assertionSignatureInvalid = assertionRule({
  id: 'assertion-signature-invalid',
  catalog: ['assertion-signature-invalid'],
  title: 'the client assertion signature does not verify with the key the server holds',
  causes: [
    { text: 'The assertion was signed with a different private key than the public key registered for the client (another key pair, or the key of the other environment or account).', when: /registered|certificate|key/i },
    { text: 'The public key was converted wrongly when registering (PEM to JWK, modulus or curve mixed up).', when: /jwk|convert/i },
    { text: 'The JWS was built by hand with a signing or encoding bug (signature over the wrong bytes, DER instead of raw ECDSA r||s).', when: /encod|format/i },
  ],
  fix: 'Verify the assertion against your own public JWKS (smartctl jwt-assert --check <assertion> --jwks <file or URL>); if that passes, the server holds another key: compare RFC 7638 thumbprints and re-register the public key that matches the private key in use.',
  spec: 'rfc7638-thumbprint',
});
