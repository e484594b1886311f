// smartctl discover <fhir-base-url>: fetch and check every discovery source.
import { HttpClient } from '../http/client.js';
import { discover } from '../flows/discovery.js';
import { CAPABILITY_EXPLANATIONS } from '../protocol/discovery/capabilities.js';
import { appExpectations } from '../protocol/discovery/expectations.js';
import { makeReport, type Report, type ReportSection } from '../report/report.js';
import { Trace } from '../report/trace.js';
import { diagnose, evidenceFromTrace } from '../diagnose/index.js';
import type { CommandContext } from './context.js';
import { usageError } from '../errors.js';
import { applyProfile, type ProfiledOptions } from './profile-options.js';

export async function discoverCommand(ctx: CommandContext, fhirBaseArg: string | undefined, opts: Pick<ProfiledOptions, 'config' | 'profile'> = {}): Promise<Report> {
  const fhirBaseUrl = (await applyProfile(ctx, { ...opts, iss: fhirBaseArg }, ['iss'], '<fhir-base-url>')).iss;
  if (fhirBaseUrl === undefined) throw usageError('option-missing', 'missing <fhir-base-url> (or SMARTCTL_ISS, or a profile with fhirBase)', 'Example: smartctl discover https://fhir.example.org/r4');
  const trace = new Trace();
  ctx.traceStarted?.(trace);
  const client = new HttpClient({ trace, timeoutMs: ctx.globals.timeoutMs, insecure: ctx.globals.insecure });
  ctx.narrate.step(`discovering ${fhirBaseUrl}`);
  try {
    const result = await discover(client, fhirBaseUrl, { now: ctx.now() });
    const { findings, ...rest } = result;
    const expectations = appExpectations(rest);
    const endpointRows = Object.entries(result.endpoints)
      .filter((entry): entry is [string, string] => entry[1] !== undefined)
      .map(([name, url]): [string, string] => [name, url]);
    const sections: ReportSection[] = [
      { title: `Endpoints of ${result.fhirBaseUrl}`, rows: endpointRows.length > 0 ? endpointRows : undefined, lines: endpointRows.length > 0 ? undefined : ['none found'] },
      {
        title: 'Capabilities',
        rows: result.capabilities.map((cap): [string, string] => [cap, CAPABILITY_EXPLANATIONS[cap] ?? 'not defined by SMART App Launch 2.x']),
        lines: result.capabilities.length === 0 ? ['none advertised'] : undefined,
      },
      { title: 'What an app can expect', rows: expectations.map((e): [string, string] => [e.topic, `${e.answer} (${e.note})`]) },
    ];
    return makeReport({
      command: 'discover',
      // The discovery checks and the diagnosis rules over the same trace (a HAR of it explains the same way).
      findings: diagnose(evidenceFromTrace(trace.entries), { now: ctx.now() }, findings),
      data: {
        fhirBaseUrl: result.fhirBaseUrl,
        endpoints: result.endpoints,
        capabilities: result.capabilities.map((name) => ({ name, known: Object.hasOwn(CAPABILITY_EXPLANATIONS, name), explanation: CAPABILITY_EXPLANATIONS[name] ?? null })),
        codeChallengeMethods: result.codeChallengeMethods,
        tokenEndpointAuthMethods: result.tokenEndpointAuthMethods,
        signingAlgs: result.signingAlgs,
        scopesSupported: result.scopesSupported,
        supportsPermissionV2: result.supportsPermissionV2,
        supportsAuthorizePost: result.supportsAuthorizePost,
        expectations,
        smartConfiguration: result.smartConfiguration ?? null,
        capabilityStatement: result.capabilityStatement ?? null,
        openidConfiguration: result.openidConfiguration ?? null,
        jwks: result.jwks ?? null,
      },
      sections,
      summary: `discovered ${result.fhirBaseUrl}: ${endpointRows.length} endpoint(s), ${result.capabilities.length} capabilit${result.capabilities.length === 1 ? 'y' : 'ies'}`,
      trace: trace.entries,
    });
  } finally {
    await client.close();
  }
}
