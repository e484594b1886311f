// invalid_client at the token endpoint (RFC 6749 §5.2) when no more precise rule applies:
// the causes depend on how the client authenticated; a sent assertion is checked.
import { makeFinding, type Finding } from '../../../report/finding.js';
import { headerValue } from '../../../report/trace.js';
import { assertionChecks, OTHER_INVALID_CLIENT_CAUSES } from '../client-assertion/client-assertion-in-authorization-header.js';
import { namesInvalidClientCredentials } from './cerner-invalid-client-credentials.js';
import type { Evidence } from '../../evidence.js';
import { describeError, tokenErrorResponses, exchangeIdOf, safeDecode, type DiagnosisRule, type RuleOptions } from '../../rule.js';

export const invalidClient: DiagnosisRule = {
  id: 'token-invalid-client',
  phase: 'token',
  catalog: [],
  diagnose(e: Evidence, o: RuleOptions): Finding[] {
    // The vendor-specific invalid_client answers have their own, more precise rules.
    const r = tokenErrorResponses(e, 'invalid_client').find((x) => !namesInvalidClientCredentials(x) && !/invalid[-_ ]authorization[-_ ]header/i.test(safeDecode(x.oauthError?.error_uri ?? '')) && !/^Bearer\s+eyJ/i.test(headerValue(x.requestHeaders, 'authorization') ?? ''));
    if (r === undefined) return [];
    const body = new URLSearchParams(r.requestBody ?? '');
    const usesAssertion = e.authMethod === 'private_key_jwt' || body.has('client_assertion') || e.sentClientAssertion !== undefined;
    const usesBasic = e.authMethod === 'client_secret_basic' || /^Basic\s/i.test(headerValue(r.requestHeaders, 'authorization') ?? '');
    const checks = usesAssertion ? assertionChecks(body.get('client_assertion') ?? e.sentClientAssertion, e, o.now) : [];
    const causes = usesAssertion
      ? OTHER_INVALID_CLIENT_CAUSES.map((c) => `${c}.`)
      : usesBasic || body.has('client_secret')
        ? ['The client secret is wrong, or belongs to another environment (sandbox vs production).', 'client_secret_basic needs the id and secret form-encoded before base64 (RFC 6749 §2.3.1); secrets with special characters break naive encoders.', 'The client is registered as public (no secret) or for another auth method.']
        : ['No client authentication was sent, but the client is registered as confidential.', 'The client id is unknown in this environment.'];
    return [
      makeFinding({
        id: 'token-invalid-client',
        severity: 'error',
        role: 'root-cause',
        // A failed check of what was sent points harder than the bare invalid_client.
        basis: checks.length > 0 ? 'request-shape' : 'circumstance',
        title: 'the token endpoint did not accept the client authentication (invalid_client)',
        detail: [describeError(r), ...(checks.length > 0 ? [`checks of the assertion sent:\n  - ${checks.join('\n  - ')}`] : [])].join('\n'),
        causes,
        fix: usesAssertion ? 'Fix what the checks name, then compare kid and alg with the JWKS registered for the client: smartctl jwt-assert --check <assertion> --jwks <registered jwks>.' : 'Check the client id, secret and the registered authentication method for this environment.',
        spec: 'rfc6749-token-error',
        exchanges: exchangeIdOf(r),
      }),
    ];
  },
};
