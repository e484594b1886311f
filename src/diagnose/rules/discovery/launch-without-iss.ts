// launch-without-iss: the app's launch URL was opened without the iss (and launch) an EHR
// passes, so the app has no FHIR server to discover: opened directly in a browser instead
// of from the EHR or a launcher. Seen in the launch URL itself, or in the app library's
// words (fhir-client.js "Failed to discover authorization URL given").
import { makeFinding, type Finding } from '../../../report/finding.js';
import type { Evidence } from '../../evidence.js';
import { messageSays, saidLine, type DiagnosisRule } from '../../rule.js';
import { ehrLaunch } from '../authorize/authorize-exchange.js';

export interface LaunchWithoutIss {
  launchUrl?: string | undefined;
  hasLaunch: boolean;
  message?: ReturnType<typeof messageSays>;
}

export function launchWithoutIss(e: Evidence): LaunchWithoutIss | undefined {
  const message = messageSays(e, 'launch-without-iss');
  const launch = ehrLaunch(e);
  if (launch !== undefined && e.launchUrl !== undefined) {
    if (launch.iss === undefined && !new URL(e.launchUrl).searchParams.has('fhirServiceUrl')) return { launchUrl: e.launchUrl, hasLaunch: launch.launch !== undefined, message };
    return undefined;
  }
  return message !== undefined ? { hasLaunch: false, message } : undefined;
}

export const launchWithoutIssRule: DiagnosisRule = {
  id: 'launch-without-iss',
  phase: 'discovery',
  catalog: ['launch-without-iss'],
  diagnose(e: Evidence): Finding[] {
    const w = launchWithoutIss(e);
    if (w === undefined) return [];
    const lines: string[] = [];
    if (w.launchUrl !== undefined) lines.push(`the launch URL ${w.launchUrl.length > 160 ? `${w.launchUrl.slice(0, 160)}…` : w.launchUrl}: expected iss${w.hasLaunch ? '' : ' and launch'}, got ${w.hasLaunch ? 'launch without iss' : 'neither'}`);
    if (w.message !== undefined) lines.push(`the app reported ${JSON.stringify(w.message.message)}`, saidLine(w.message.phrase));
    return [
      makeFinding({
        id: 'launch-without-iss',
        severity: 'error',
        role: 'root-cause',
        basis: w.message !== undefined ? 'server-words' : 'request-shape',
        title: 'the app was launched without an iss, so it has no FHIR server to discover',
        detail: lines.join('\n'),
        causes: [
          w.hasLaunch ? 'The launcher passed launch but not iss (a misconfigured launch URL in the EHR or launcher).' : 'The launch URL was opened directly in a browser instead of being launched by an EHR, so neither iss nor launch came.',
          'A standalone app was started through its EHR-launch entry point.',
        ],
        fix: 'Launch from the EHR or a launcher (launch.smarthealthit.org, Oracle Health Code Console, Epic Launchpad), which adds iss and launch; or start a standalone launch with an explicit FHIR base URL (smartctl launch --iss <fhir-base>).',
        spec: 'smart-ehr-launch',
      }),
    ];
  },
};
