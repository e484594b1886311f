// Oracle Health / Cerner: access_denied at authorize whose error_uri names grant:missing-patient:
// patient/ scopes without a patient context (no launch, no launch/patient, aud != iss).
import { makeFinding, type Finding } from '../../../report/finding.js';
import { parseVendorErrorUri } from '../../../protocol/oauth-error.js';
import type { OAuthError } from '../../../protocol/oauth-error.js';
import type { Evidence } from '../../evidence.js';
import type { DiagnosisRule } from '../../rule.js';

export function authorizeErrorOf(e: Evidence): OAuthError | undefined {
  return e.callbackError ?? e.responses.find((r) => (r.endpoint === 'authorize' || r.endpoint === 'callback') && r.oauthError !== undefined)?.oauthError;
}

export function isMissingPatient(err: OAuthError | undefined): boolean {
  return /:grant:missing-patient$/i.test(parseVendorErrorUri(err?.error_uri)?.urn ?? '');
}

export const cernerMissingPatientContext: DiagnosisRule = {
  id: 'cerner-missing-patient-context',
  phase: 'authorize',
  catalog: ['cerner-missing-patient-context'],
  diagnose(e: Evidence): Finding[] {
    const err = authorizeErrorOf(e);
    if (err === undefined || !isMissingPatient(err)) return [];
    const params = e.authorizeUrl !== undefined && URL.canParse(e.authorizeUrl) ? new URL(e.authorizeUrl).searchParams : undefined;
    const lines = [`authorize error ${err.error}, error_uri names grant:missing-patient`];
    if (params !== undefined) lines.push(`the authorize request: launch ${params.has('launch') ? 'present' : 'absent'}, scope "${params.get('scope') ?? ''}", aud ${JSON.stringify(params.get('aud'))}`);
    return [
      makeFinding({
        id: 'cerner-missing-patient-context',
        severity: 'error',
        role: 'root-cause',
        basis: 'server-words',
        title: 'patient/ scopes were requested without a patient context (grant:missing-patient)',
        detail: lines.join('\n'),
        causes: [
          'An EHR launch that did not echo the launch value it received, or sent an aud other than the iss.',
          'A standalone launch that asks for patient/ scopes without launch/patient, so no patient picker runs.',
        ],
        fix: 'EHR launch: send launch=<the value received> and aud=<iss>. Standalone: add launch/patient to the scope so the user picks a patient.',
        spec: 'smart-launch-context',
      }),
    ];
  },
};
