// Builds what the package runs: one ESM entry (src/cli/main.ts) bundled with its
// dependencies by esbuild, split so each command's code and dependencies sit in chunks
// that load only when that command runs. Output: dist/bundle/ (bin/smartctl.js imports
// dist/bundle/smartctl.js). The metafile (which source went into which chunk) is
// written to dist/bundle-meta.json, outside the package, for
// test/bin/startup-imports.test.ts.
//
//   node scripts/bundle.mjs        (npm run build runs it after tsc; npm pack runs the build)
import { build } from 'esbuild';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outdir = path.join(root, 'dist', 'bundle');
rmSync(outdir, { recursive: true, force: true });

/** `undici` (src/http/client.ts) -> scripts/bundle/undici.cjs: its Agent and request only. */
const leanUndici = {
  name: 'lean-undici',
  setup(b) {
    b.onResolve({ filter: /^undici$/ }, () => ({ path: path.join(root, 'scripts', 'bundle', 'undici.cjs') }));
  },
};

/** commander's `node:child_process` -> scripts/bundle/lazy-child-process.cjs (loaded on first use). */
const lazyChildProcess = {
  name: 'lazy-child-process',
  setup(b) {
    b.onResolve({ filter: /^node:child_process$/ }, (args) => (/[/\\]node_modules[/\\]commander[/\\]/.test(args.importer) ? { path: path.join(root, 'scripts', 'bundle', 'lazy-child-process.cjs') } : undefined));
  },
};

/**
 * `import process from 'node:process'` (chalk's supports-color, loaded for every
 * human-readable report) makes Node build an ES module facade of the built-in, which
 * reads every export: for node:process that includes the process.stdin getter, so stdin
 * is opened (for a pipe, a socket: 2 to 7 ms) by commands that never read it. The
 * built-ins chalk imports are served from require() instead (the banner defines it): no
 * facade, and nothing is read before it is used.
 */
const CHALK_BUILTINS = new Set(['node:process', 'node:os', 'node:tty']);
const builtinsByRequire = {
  name: 'builtins-by-require',
  setup(b) {
    b.onResolve({ filter: /^node:(process|os|tty)$/ }, (args) =>
      args.kind === 'import-statement' && CHALK_BUILTINS.has(args.path) && /[/\\]node_modules[/\\]chalk[/\\]/.test(args.importer) ? { path: args.path, namespace: 'builtin-by-require' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'builtin-by-require' }, (args) => ({
      contents: args.path === 'node:process' ? 'module.exports = process;' : `module.exports = require(${JSON.stringify(args.path)});`,
      loader: 'js',
    }));
  },
};

// decode (no --verify), explain and diff-scopes are start-up targets: every chunk they
// load is one more module for Node's ESM loader to resolve, read (four round trips to the
// thread pool), compile and link, about a millisecond each for a small one. The modules
// below are pure and stateless (no module-level state a second copy could disagree
// about, no class matched with instanceof), and other commands share them in other
// combinations, so splitting gives each its own small chunk. Imported from the command
// (and from each other there), they get a copy inside the command's chunk, in a namespace
// named after it (the metafile lists them as "<namespace>:<absolute path>"); every other
// importer keeps the shared one. errors.ts stays shared (its error class is matched with
// instanceof); the report modules below are pure functions and data (a report is a plain
// object, so the renderers take one made by any copy).
const rel = (file) => path.relative(root, file).split(path.sep).join('/');
const REPORT_CORE = ['src/report/report.ts', 'src/report/finding.ts', 'src/report/spec-links.ts', 'src/report/trace.ts', 'src/report/view-limits.ts', 'src/version.ts'];
const INLINE = [
  {
    // What every command loads with commander: the version, the fault names for sandbox
    // --help, the terminal-text escaping of error lines (errors.ts stays shared).
    namespace: 'main-inline',
    command: ['src/cli/main.ts', 'src/cli/program.ts', 'src/cli/version.ts', 'src/cli/output.ts', 'src/cli/progress.ts'],
    inline: (file) => ['src/version.ts', 'src/report/render/terminal-text.ts', 'src/sandbox/faults/index.ts'].includes(file),
  },
  {
    namespace: 'decode-inline',
    command: 'src/commands/decode.ts',
    inline: (file) =>
      [
        'src/protocol/jwt/access-token.ts',
        'src/protocol/jwt/client-assertion.ts',
        'src/protocol/jwt/claims.ts',
        'src/protocol/jwt/decode.ts',
        'src/protocol/jwt/id-token.ts',
        'src/protocol/jwt/profile.ts',
        'src/protocol/jwt/time-claims.ts',
        'src/protocol/json-depth.ts',
        'src/commands/input.ts',
        'src/flows/local-file.ts',
        ...REPORT_CORE,
      ].includes(file),
  },
  {
    // The redactor and the renderer every report goes through, as program.ts loads them (a
    // dynamic import, so entry: true): one chunk each instead of a re-export facade and the
    // trace and terminal-text chunks.
    namespace: 'render-inline',
    command: ['src/cli/program.ts', 'src/cli/main.ts'],
    entry: (file) => ['src/report/redact.ts', 'src/report/render/human.ts', 'src/report/render/json.ts'].includes(file),
    inline: (file) => ['src/report/render/terminal-text.ts', ...REPORT_CORE].includes(file),
  },
  {
    // The diagnosis rules and what they read (about ten chunks shared with launch, check and token).
    namespace: 'explain-inline',
    command: 'src/commands/explain.ts',
    inline: (file) => /^src\/(diagnose|protocol)\//.test(file) || ['src/commands/input.ts', 'src/flows/local-file.ts', 'src/report/correlation.ts', 'src/report/json-object.ts', ...REPORT_CORE].includes(file),
  },
  {
    namespace: 'diff-scopes-inline',
    command: 'src/commands/diff-scopes.ts',
    inline: (file) => /^src\/protocol\/scopes\//.test(file) || REPORT_CORE.includes(file),
  },
];
const commandInline = {
  name: 'command-inline',
  setup(b) {
    const byImporter = new Map();
    for (const c of INLINE) for (const file of [c.command].flat()) byImporter.set(path.join(root, file), [...(byImporter.get(path.join(root, file)) ?? []), c]);
    const byNamespace = new Map(INLINE.map((c) => [c.namespace, c]));
    b.onResolve({ filter: /^\.\.?\// }, async (args) => {
      if (args.pluginData === 'command-inline' || (args.kind !== 'import-statement' && args.kind !== 'dynamic-import')) return undefined;
      const inside = byNamespace.get(args.namespace);
      const owners = inside !== undefined ? [inside] : (byImporter.get(args.importer) ?? []);
      if (owners.length === 0) return undefined;
      const resolved = await b.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: 'command-inline' });
      if (resolved.errors.length > 0) return undefined;
      const file = rel(resolved.path);
      // Static imports of an owner (or of a copy) are copied when listed; dynamic imports only where entry lists them.
      const owner = owners.find((c) => (args.kind === 'dynamic-import' ? inside === undefined && c.entry?.(file) === true : c.inline(file)));
      return owner !== undefined ? { path: resolved.path, namespace: owner.namespace } : { path: resolved.path };
    });
    for (const { namespace } of INLINE) {
      b.onLoad({ filter: /.*/, namespace }, (args) => ({ contents: readFileSync(args.path, 'utf8'), loader: 'ts', resolveDir: path.dirname(args.path) }));
    }
  },
};

const result = await build({
  absWorkingDir: root,
  entryPoints: { smartctl: 'src/cli/main.ts' },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.19',
  chunkNames: 'chunks/[name]-[hash]',
  // CommonJS dependencies (commander, undici) call require() for Node built-ins.
  banner: { js: "import { createRequire as __smartctlCreateRequire } from 'node:module'; const require = __smartctlCreateRequire(import.meta.url);" },
  legalComments: 'linked',
  // Less text to read and parse at every start; identifiers stay readable for --debug stacks.
  minifyWhitespace: true,
  minifySyntax: true,
  metafile: true,
  plugins: [leanUndici, lazyChildProcess, builtinsByRequire, commandInline],
  // check --login drives Chromium through playwright-core, an optional dependency loaded only there.
  external: ['playwright-core'],
  logLevel: 'warning',
});
writeFileSync(path.join(root, 'dist', 'bundle-meta.json'), JSON.stringify(result.metafile));
