// smartctl.config.json: named profiles for check, launch, token, discover and jwt-assert (FHIR base or issuer, clients, keys,
// scopes, redirect URI, login script), secrets only by reference ({"env": NAME} or
// {"file": path}). Found at --config, else ./smartctl.config.json, else
// $XDG_CONFIG_HOME/smartctl/config.json. Precedence: flag > environment > profile.
// A malformed file is an input error (exit 2) naming the file, the line or field, and why.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { inputError, usageError } from '../errors.js';

export type SecretRef = { env: string } | { file: string };

/** Profile fields: name -> kind. Paths are relative to the config file. */
const FIELDS = {
  fhirBase: 'url',
  clientId: 'string',
  authMethod: 'string',
  clientSecret: 'secret',
  key: 'path',
  kid: 'string',
  scope: 'string',
  redirectUri: 'url',
  backendClientId: 'string',
  backendKey: 'path',
  backendKid: 'string',
  backendScope: 'string',
  ehrLaunchUrl: 'url',
  otherPatient: 'string',
  login: 'path',
  oidc: 'url',
  oidcClientId: 'string',
  oidcClientSecret: 'secret',
  oidcClaims: 'string-list',
} as const;

export type ProfileField = keyof typeof FIELDS;
export type Profile = Partial<Record<ProfileField, string | string[] | SecretRef>>;

export interface LoadedConfig {
  file: string;
  profiles: Record<string, Profile>;
  defaultProfile?: string | undefined;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** "line 3, column 14" for a JSON.parse error, when its message gives a position. */
function positionOf(text: string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const m = /position (\d+)/.exec(message) ?? /at (\d+)/.exec(message);
  const lineCol = /line (\d+) column (\d+)/.exec(message);
  if (lineCol !== null) return `line ${lineCol[1] ?? '?'}, column ${lineCol[2] ?? '?'}`;
  if (m === null) return message;
  const offset = Number(m[1]);
  const before = text.slice(0, offset).split('\n');
  return `line ${before.length}, column ${(before.at(-1)?.length ?? 0) + 1}`;
}

function bad(file: string, where: string, why: string, hint = 'See the README section "Profiles and config" for the file format.'): never {
  throw inputError('config-invalid', `${file}: ${where}: ${why}`, hint);
}

function readSecretRef(file: string, where: string, value: unknown, dir: string): SecretRef {
  if (typeof value === 'string') {
    bad(file, where, 'a literal secret is not allowed in a config file (it ends up in version control and CI logs)', 'Refer to it instead: {"env": "MY_CLIENT_SECRET"} or {"file": "secrets/client-secret.txt"}.');
  }
  if (isRecord(value)) {
    const keys = Object.keys(value);
    if (keys.length === 1 && typeof value['env'] === 'string' && value['env'] !== '') return { env: value['env'] };
    if (keys.length === 1 && typeof value['file'] === 'string' && value['file'] !== '') return { file: path.resolve(dir, value['file']) };
  }
  bad(file, where, `expected {"env": "<VARIABLE>"} or {"file": "<path>"}, got ${JSON.stringify(value)}`);
}

function readProfile(file: string, name: string, value: unknown): Profile {
  if (!isRecord(value)) bad(file, `profiles.${name}`, 'must be an object');
  const out: Profile = {};
  const dir = path.dirname(file);
  for (const [key, v] of Object.entries(value)) {
    const where = `profiles.${name}.${key}`;
    if (!Object.hasOwn(FIELDS, key)) bad(file, where, `unknown field (known: ${Object.keys(FIELDS).join(', ')})`);
    const kind = FIELDS[key as ProfileField];
    if (kind === 'secret') out[key as ProfileField] = readSecretRef(file, where, v, dir);
    else if (kind === 'string-list') {
      if (!Array.isArray(v) || !v.every((x): x is string => typeof x === 'string')) bad(file, where, 'must be an array of strings');
      out[key as ProfileField] = v;
    } else {
      if (typeof v !== 'string' || v === '') bad(file, where, `must be a non-empty string, got ${JSON.stringify(v)}`);
      if (kind === 'url' && !URL.canParse(v)) bad(file, where, `"${v}" is not an absolute URL`);
      if (/secret|password/i.test(key)) bad(file, where, 'secrets go by reference');
      out[key as ProfileField] = kind === 'path' ? path.resolve(dir, v) : v;
    }
  }
  return out;
}

export function parseConfig(text: string, file: string): LoadedConfig {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw inputError('config-invalid', `${file}: not JSON (${positionOf(text, error)})`, 'Fix the JSON syntax at that position.');
  }
  if (!isRecord(json)) bad(file, 'top level', 'must be an object with "profiles"');
  for (const key of Object.keys(json)) if (key !== 'profiles' && key !== 'defaultProfile' && key !== '$schema') bad(file, key, 'unknown field (known: profiles, defaultProfile)');
  const profiles = json['profiles'];
  if (!isRecord(profiles)) bad(file, 'profiles', 'must be an object of named profiles');
  const out: Record<string, Profile> = {};
  for (const [name, value] of Object.entries(profiles)) out[name] = readProfile(file, name, value);
  const def = json['defaultProfile'];
  if (def !== undefined && (typeof def !== 'string' || !Object.hasOwn(out, def))) bad(file, 'defaultProfile', `must name one of the profiles (${Object.keys(out).join(', ') || 'none'})`);
  return { file, profiles: out, defaultProfile: typeof def === 'string' ? def : undefined };
}

async function readIfExists(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') return undefined;
    throw inputError('config-unreadable', `cannot read the config file "${file}" (${(error as { code?: string }).code ?? 'error'})`, 'Check the path and its permissions.');
  }
}

/** The config in effect: --config, else ./smartctl.config.json, else $XDG_CONFIG_HOME/smartctl/config.json. */
export async function loadConfig(o: { configFile?: string | undefined; cwd: string; env: Readonly<Record<string, string | undefined>> }): Promise<LoadedConfig | undefined> {
  if (o.configFile !== undefined) {
    const file = path.resolve(o.cwd, o.configFile);
    const text = await readIfExists(file);
    if (text === undefined) throw inputError('config-unreadable', `the config file "${file}" does not exist`, 'Check the --config path.');
    return parseConfig(text, file);
  }
  const home = o.env['HOME'];
  const xdg = o.env['XDG_CONFIG_HOME'] ?? (home !== undefined ? path.join(home, '.config') : undefined);
  for (const file of [path.join(o.cwd, 'smartctl.config.json'), ...(xdg !== undefined ? [path.join(xdg, 'smartctl', 'config.json')] : [])]) {
    const text = await readIfExists(file);
    if (text !== undefined) return parseConfig(text, file);
  }
  return undefined;
}

/** The profile to use: --profile, else SMARTCTL_PROFILE, else the file's defaultProfile. */
export function pickProfile(config: LoadedConfig | undefined, flag: string | undefined, env: Readonly<Record<string, string | undefined>>): { name: string; profile: Profile; source: string } | undefined {
  const fromEnv = env['SMARTCTL_PROFILE'] !== undefined && env['SMARTCTL_PROFILE'] !== '' ? env['SMARTCTL_PROFILE'] : undefined;
  const name = flag ?? fromEnv ?? config?.defaultProfile;
  if (name === undefined) return undefined;
  const source = flag !== undefined ? '--profile' : fromEnv !== undefined ? 'SMARTCTL_PROFILE' : 'defaultProfile';
  if (config === undefined) throw usageError('config-missing', `profile "${name}" (from ${source}) was asked for, but no config file was found`, 'Create smartctl.config.json in this directory, or pass --config <file>.');
  const profile = config.profiles[name];
  if (profile === undefined) throw usageError('profile-unknown', `${config.file}: no profile "${name}" (from ${source}); profiles: ${Object.keys(config.profiles).join(', ') || 'none'}`, 'Pick one of the listed profiles.');
  return { name, profile, source };
}

/** A secret reference resolved: the variable's value or the file's first line. */
export async function resolveSecret(ref: SecretRef, where: string, env: Readonly<Record<string, string | undefined>>): Promise<string> {
  if ('env' in ref) {
    const v = env[ref.env];
    if (v === undefined || v === '') throw usageError('config-secret-missing', `${where}: the environment variable ${ref.env} is not set`, `Set ${ref.env} (in CI: from the secret store).`);
    return v;
  }
  const text = await readIfExists(ref.file);
  if (text === undefined) throw inputError('config-secret-missing', `${where}: the secret file "${ref.file}" does not exist`, 'Check the path (relative paths are relative to the config file).');
  return text.trim();
}

export interface Resolved<T> {
  value: T | undefined;
  source: string | undefined;
}

/** flag > environment > profile, with where the value came from (for --verbose). */
export function firstOf<T>(...candidates: Array<[T | undefined, string]>): Resolved<T> {
  for (const [value, source] of candidates) if (value !== undefined && value !== '') return { value, source };
  return { value: undefined, source: undefined };
}
