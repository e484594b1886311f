// A --login script: a short JSON list of steps a headless browser runs on a login page
// that needs a person, so vendor sandboxes with published test users can be checked in
// CI. {"fill": "<selector>", "with": "$ENV_VAR" | "text"}, {"click": "<selector>"},
// {"waitFor": "<url prefix>"}. Values starting with $ come from the environment.
import { inputError, usageError } from '../errors.js';
import type { LoginStep } from './types.js';

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function parseLoginScript(text: string, file: string): LoginStep[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw inputError('login-script-invalid', `${file}: not JSON (${error instanceof Error ? error.message : String(error)})`, 'A login script is a JSON array of steps: [{"fill": "#user", "with": "$USER"}, {"click": "button[type=submit]"}].');
  }
  if (!Array.isArray(json) || json.length === 0) throw inputError('login-script-invalid', `${file}: expected a non-empty JSON array of steps`, 'Steps: {"fill": selector, "with": value}, {"click": selector}, {"waitFor": url prefix}.');
  return json.map((step, i): LoginStep => {
    const where = `${file}: step ${i + 1}`;
    if (!isRecord(step)) throw inputError('login-script-invalid', `${where}: must be an object`, 'Steps: {"fill": selector, "with": value}, {"click": selector}, {"waitFor": url prefix}.');
    const keys = Object.keys(step).sort().join(',');
    const str = (k: string): string => {
      const v = step[k];
      if (typeof v !== 'string' || v === '') throw inputError('login-script-invalid', `${where}: "${k}" must be a non-empty string`, 'Selectors are CSS or Playwright selectors; values are text or $ENV_VAR.');
      return v;
    };
    if (keys === 'fill,with') return { fill: str('fill'), with: str('with') };
    if (keys === 'click') return { click: str('click') };
    if (keys === 'waitFor') return { waitFor: str('waitFor') };
    throw inputError('login-script-invalid', `${where}: unknown step with keys ${keys || '(none)'}`, 'Steps: {"fill": selector, "with": value}, {"click": selector}, {"waitFor": url prefix}.');
  });
}

/** The text a fill step types: $NAME from the environment (required), anything else as written. */
export function fillValue(value: string, env: Readonly<Record<string, string | undefined>>): string {
  if (!value.startsWith('$')) return value;
  const name = value.slice(1);
  const v = env[name];
  if (v === undefined) throw usageError('login-script-env-missing', `the login script needs the environment variable ${name}`, `Set ${name} (in CI: from the secret store).`);
  return v;
}
