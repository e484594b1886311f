// --config / --profile for launch, token, discover and jwt-assert: each value from its
// flag, else its SMARTCTL_* variable (SMARTCTL_ISS, SMARTCTL_CLIENT_ID), else the profile
// (src/config/profiles.ts). A profile's secret is only a reference, resolved here when no
// flag, file or SMARTCTL_CLIENT_SECRET gave one. --verbose says where each value came from.
import type { CommandContext } from './context.js';

/** The options a profile can fill, under the commands' own option names. */
export interface ProfiledOptions {
  config?: string;
  profile?: string;
  iss?: string;
  clientId?: string;
  authMethod?: string;
  clientSecret?: string;
  clientSecretFile?: string;
  key?: string;
  kid?: string;
  scope?: string;
  redirectUri?: string;
}

type Fillable = 'iss' | 'clientId' | 'authMethod' | 'key' | 'kid' | 'scope' | 'redirectUri' | 'clientSecret';

/** option -> [flag, profile field, environment variable]. */
const SOURCES: Record<Fillable, [string, string, string | undefined]> = {
  iss: ['--iss', 'fhirBase', 'SMARTCTL_ISS'],
  clientId: ['--client-id', 'clientId', 'SMARTCTL_CLIENT_ID'],
  authMethod: ['--auth-method', 'authMethod', undefined],
  key: ['--key', 'key', undefined],
  kid: ['--kid', 'kid', undefined],
  scope: ['--scope', 'scope', undefined],
  redirectUri: ['--redirect-uri', 'redirectUri', undefined],
  clientSecret: ['--client-secret', 'clientSecret', undefined],
};

/**
 * The options in effect. `fields` lists what this command takes from the environment and
 * the profile (a field it left out, or one a conflicting flag rules out, stays as given).
 */
export async function applyProfile<T extends ProfiledOptions>(ctx: CommandContext, o: T, fields: readonly Fillable[], issFlag = '--iss'): Promise<T> {
  const { loadConfig, pickProfile, resolveSecret, firstOf } = await import('../config/profiles.js');
  const config = await loadConfig({ configFile: o.config, cwd: ctx.cwd, env: ctx.env });
  const picked = pickProfile(config, o.profile, ctx.env);
  const p = picked?.profile ?? {};
  const from = picked === undefined ? 'profile' : `profile "${picked.name}" (${config?.file ?? ''})`;
  const env = (name: string | undefined): string | undefined => (name === undefined || ctx.env[name] === '' ? undefined : ctx.env[name]);
  const out: T = { ...o };
  const sources: Array<[string, string]> = [];
  for (const field of fields) {
    const [flag, profileField, variable] = SOURCES[field];
    const shown = field === 'iss' ? issFlag : flag;
    if (field === 'clientSecret') {
      const ref = p.clientSecret;
      if (o.clientSecret !== undefined) sources.push(['client secret', '--client-secret']);
      else if (o.clientSecretFile !== undefined) sources.push(['client secret', `--client-secret-file ${o.clientSecretFile}`]);
      else if (env('SMARTCTL_CLIENT_SECRET') !== undefined) sources.push(['client secret', 'SMARTCTL_CLIENT_SECRET']);
      else if (ref !== undefined && typeof ref === 'object' && !Array.isArray(ref)) {
        out.clientSecret = await resolveSecret(ref, `${from}: clientSecret`, ctx.env);
        sources.push(['client secret', `${from}, ${'env' in ref ? `$${ref.env}` : ref.file}`]);
      }
      continue;
    }
    const fromProfile = p[profileField as keyof typeof p];
    const r = firstOf<string>([o[field], shown], [env(variable), variable ?? ''], [typeof fromProfile === 'string' ? fromProfile : undefined, from]);
    if (r.value === undefined) continue;
    (out as ProfiledOptions)[field] = r.value;
    sources.push([shown, r.source ?? '?']);
  }
  if (ctx.globals.verbose) for (const [what, source] of sources) ctx.narrate.info(`${what}: from ${source}`);
  return out;
}
