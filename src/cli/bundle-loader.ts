// How the package runs its built code: dist/bundle/ holds CommonJS bundles (scripts/bundle.mjs):
// smartctl.cjs (the CLI and commander), one per command (commands/explain.cjs ...) and one
// per large library (vendor/jose.cjs ...). bin/smartctl.js loads smartctl.cjs through this
// loader, and a bundle loads another with the `load` function it is given.
//
// Each bundle is compiled as a vm.Script with V8's code cache: after a run, the compiled
// code (the functions that run used) is written to the user's cache folder and handed
// back to V8 the next time, which then neither parses nor compiles it again. Node 22 does
// the same for every module (module.enableCompileCache); Node 20 only for vm.Script.
// - One cache file per bundle and per command that ran (an `explain` run and a `--help` run
//   compile different parts of smartctl.cjs), under a folder named after the build id
//   (dist/bundle/build-id, a hash of the bundles) and the Node version: V8 checks a cache
//   against its own version and flags, but only against the length of the source, so
//   another build must never find this one's cache.
// - Folders 0700, files 0600, written to a temporary name and renamed; a cache is read only
//   from a file and folder this user owns that nobody else can write. A cache V8 rejects
//   is rewritten; a cache folder that cannot be made or written is not an error: the run
//   compiles as it would without one. SMARTCTL_CODE_CACHE=0 turns it off.
// - Written after the command finished (save()), and only for the bundles whose cache was
//   missing or rejected.
import { closeSync, existsSync, fstatSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync, type Stats } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Script } from 'node:vm';
import { userCacheDir } from './cache-dir.js';

/** Loads dist/bundle/<name>.cjs (name: "smartctl", "commands/explain", "vendor/jose") once and returns its exports. */
export type LoadBundle = (name: string) => unknown;

export interface BundleLoader {
  load: LoadBundle;
  /** Writes the code caches this run made (missing or rejected before); never throws. */
  save(): void;
  /** Where the caches are read and written, or undefined when there is no cache. */
  readonly cacheDir: string | undefined;
  /** The bundles loaded so far, in order, and what became of their cache. */
  loaded(): ReadonlyArray<{ name: string; cache: CacheUse }>;
}

/** hit: V8 took the cache; miss: there was none; rejected: V8 refused it (another V8 or flags); off: no cache folder. */
export type CacheUse = 'hit' | 'miss' | 'rejected' | 'off';

export interface LoaderOptions {
  /** dist/bundle */
  bundleDir: string;
  env: Readonly<Record<string, string | undefined>>;
  home: string;
  platform: string;
  nodeVersion: string;
  arch: string;
  /** The command being run (argv[0] when it names one), to keep one cache per command. */
  variant: string;
}

const WRAPPER_HEAD = '(function (exports, require, module, __filename, __dirname, __smartctl_load) {';
const WRAPPER_TAIL = '\n})';

function readBuildId(bundleDir: string): string | undefined {
  try {
    const id = readFileSync(path.join(bundleDir, 'build-id'), 'utf8').trim();
    return /^[0-9a-f]{8,64}$/.test(id) ? id : undefined;
  } catch {
    return undefined;
  }
}

/** The folder for this build's caches, or undefined when caching is off or impossible. */
export function codeCacheDir(o: Omit<LoaderOptions, 'variant'>): string | undefined {
  const setting = o.env['SMARTCTL_CODE_CACHE'];
  if (setting === '0' || setting === 'off' || setting === 'false') return undefined;
  const id = readBuildId(o.bundleDir);
  if (id === undefined || o.home === '') return undefined;
  const safe = (s: string): string => s.replace(/[^A-Za-z0-9._-]/g, '_');
  return path.join(userCacheDir(o.env, o.home, o.platform), 'code', `${id}-node${safe(o.nodeVersion)}-${safe(o.arch)}`);
}

/**
 * Which cache a run of `smartctl <argv0> …` keeps: the command's name when it has a bundle
 * (commands/<name>.cjs) or is `completion`, else "other" (--help, a typo): a bounded set of files.
 */
export function cacheVariant(bundleDir: string, argv0: string | undefined): string {
  if (argv0 === undefined || !/^[a-z][a-z-]{0,30}$/.test(argv0)) return 'other';
  return argv0 === 'completion' || existsSync(path.join(bundleDir, 'commands', `${argv0}.cjs`)) ? argv0 : 'other';
}

function cacheFileName(name: string, variant: string): string {
  return `${name.replace(/[^A-Za-z0-9-]/g, '_')}.${variant.replace(/[^A-Za-z0-9-]/g, '_')}.v8cache`;
}

/**
 * A code cache is code: V8 runs what it holds. Only a file and folder this user owns and
 * nobody else can write are read (an XDG_CACHE_HOME on a shared folder must not let another
 * user put code into smartctl). Where there are no owners to compare (Windows), the folder's
 * place under the user's own cache folder is what protects it.
 */
function trusted(stats: Stats): boolean {
  const uid = process.getuid?.();
  return (uid === undefined || stats.uid === uid) && (stats.mode & 0o022) === 0;
}

function readCache(file: string | undefined): Buffer | undefined {
  if (file === undefined) return undefined;
  let fd: number | undefined;
  try {
    const dir = lstatSync(path.dirname(file));
    if (!dir.isDirectory() || !trusted(dir)) return undefined;
    fd = openSync(file, 'r');
    const stats = fstatSync(fd);
    return stats.isFile() && trusted(stats) ? readFileSync(fd) : undefined;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Other builds' cache folders go when this one's is made: one build's caches at a time. */
function makeCacheDir(dir: string): void {
  const parent = path.dirname(dir);
  mkdirSync(parent, { recursive: true, mode: 0o700 });
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    // A folder someone else can write is neither read (readCache) nor written to.
    const stats = lstatSync(dir);
    if (!stats.isDirectory() || !trusted(stats)) throw new Error(`${dir} is not a private folder`);
    return;
  }
  for (const entry of readdirSync(parent)) {
    if (entry !== path.basename(dir)) rmSync(path.join(parent, entry), { recursive: true, force: true });
  }
}

export function createBundleLoader(o: LoaderOptions): BundleLoader {
  const cacheDir = codeCacheDir(o);
  const modules = new Map<string, { exports: unknown }>();
  const pending: Array<{ script: Script; file: string }> = [];
  const uses: Array<{ name: string; cache: CacheUse }> = [];

  const load: LoadBundle = (name) => {
    const seen = modules.get(name);
    if (seen !== undefined) return seen.exports;
    const file = path.join(o.bundleDir, `${name}.cjs`);
    const source = readFileSync(file, 'utf8');
    const cacheFile = cacheDir === undefined ? undefined : path.join(cacheDir, cacheFileName(name, o.variant));
    const cachedData = readCache(cacheFile);
    const script = new Script(WRAPPER_HEAD + source + WRAPPER_TAIL, { filename: file, ...(cachedData !== undefined ? { cachedData } : {}) });
    const cache: CacheUse = cacheFile === undefined ? 'off' : cachedData === undefined ? 'miss' : script.cachedDataRejected === true ? 'rejected' : 'hit';
    uses.push({ name, cache });
    if (cacheFile !== undefined && cache !== 'hit') pending.push({ script, file: cacheFile });
    const module = { exports: {} as unknown };
    modules.set(name, module);
    const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
    wrapper.call(module.exports, module.exports, createRequire(file), module, file, path.dirname(file), load);
    return module.exports;
  };

  const save = (): void => {
    if (cacheDir === undefined || pending.length === 0) return;
    try {
      makeCacheDir(cacheDir);
      for (const { script, file } of pending.splice(0)) {
        const temp = `${file}.${process.pid}.tmp`;
        writeFileSync(temp, script.createCachedData(), { mode: 0o600 });
        renameSync(temp, file);
      }
    } catch {
      // A cache is only ever a speed-up: a read-only or full disk leaves the next run to compile again.
    }
  };

  return { load, save, cacheDir, loaded: () => uses.map((u) => ({ ...u })) };
}
