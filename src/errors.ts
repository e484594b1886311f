// Typed errors. Everything smartctl throws on purpose is a SmartctlError with a
// kind (which decides the exit code in cli/exit-codes.ts), a stable kebab-case
// code (tests and JSON users match on it), a one-line message and a hint.

export type ErrorKind = 'usage' | 'input' | 'network' | 'internal';

export interface SmartctlErrorOptions {
  hint?: string | undefined;
  cause?: unknown;
}

/**
 * Marks a SmartctlError. Each bundle of the package (scripts/bundle.mjs) carries its own copy
 * of this module, so an error thrown by a command's bundle is another class than the CLI's:
 * the brand, shared through the global symbol registry, is what every copy recognises.
 */
const BRAND = Symbol.for('smartctl.error');

export class SmartctlError extends Error {
  readonly [BRAND] = true;
  readonly kind: ErrorKind;
  readonly code: string;
  readonly hint: string | undefined;

  constructor(kind: ErrorKind, code: string, message: string, options: SmartctlErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SmartctlError';
    this.kind = kind;
    this.code = code;
    this.hint = options.hint;
  }
}

/** Bad flags or a flag combination that cannot work. Exit 2. */
export function usageError(code: string, message: string, hint?: string): SmartctlError {
  return new SmartctlError('usage', code, message, { hint });
}

/** The user's input (a token, a key, a file, a URL) cannot be read. Exit 2. */
export function inputError(code: string, message: string, hint?: string, cause?: unknown): SmartctlError {
  return new SmartctlError('input', code, message, { hint, cause });
}

/** A server cannot be reached or its answer cannot be read. Exit 3. */
export function networkError(code: string, message: string, hint?: string, cause?: unknown): SmartctlError {
  return new SmartctlError('network', code, message, { hint, cause });
}

export function isSmartctlError(value: unknown): value is SmartctlError {
  return value instanceof SmartctlError || (value instanceof Error && (value as Partial<Record<typeof BRAND, unknown>>)[BRAND] === true);
}
