// Builds what the package runs: CommonJS bundles in dist/bundle/, each compiled by
// src/cli/bundle-loader.ts as a vm.Script with V8's code cache (see there why):
//
//   load.cjs               the loader itself (bin/smartctl.js requires it)
//   smartctl.cjs           src/cli/main.ts: the CLI, commander, the renderers
//   commands/<name>.cjs    one per command program.ts imports (explain, launch ...)
//   parts/<name>.cjs       the embedded sandbox (launch, check and sandbox start it), the
//                          diagnosis rules, the
//                          HAR and Markdown writers (--har, --report), shell completion
//   vendor/<name>.cjs      the large libraries: jose, undici, @inquirer/prompts, open
//   build-id               a hash of the bundles: the code cache's folder is named after it
//
// A bundle that imports another bundle's entry (program.ts importing
// ../commands/explain.js, a flow importing jose) gets, in its place, a module whose
// exports are that bundle's, loaded on first use through the `__smartctl_load` the loader
// passes in. So a process reads and compiles only what its command uses, and the code
// cache is kept per bundle. Our own small modules are copied into each bundle that
// imports them: errors.ts recognises its errors by a brand, not by class identity, for that.
//
// The metafile of every build (which sources went into which bundle) is written to
// dist/bundle-meta.json, outside the package, for test/bin/startup-imports.test.ts.
//
//   node scripts/bundle.mjs        (npm run build runs it after tsc; npm pack runs the build)
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outdir = path.join(root, 'dist', 'bundle');
rmSync(outdir, { recursive: true, force: true });

const COMMANDS = ['check', 'decode', 'diff-scopes', 'discover', 'explain', 'jwt-assert', 'keygen', 'launch', 'sandbox', 'token'];

/** Bundles whose entry is one of our sources: name -> source. */
const SOURCE_BUNDLES = new Map([
  ['smartctl', 'src/cli/main.ts'],
  ...COMMANDS.map((c) => [`commands/${c}`, `src/commands/${c}.ts`]),
  ['parts/sandbox', 'src/sandbox/index.ts'],
  // The diagnosis rules (explain, launch, token, discover and check run them).
  ['parts/diagnose', 'src/diagnose/index.ts'],
  // What only --har, --report and `completion` need.
  ['parts/har-export', 'src/commands/har-export.ts'],
  ['parts/report-export', 'src/commands/report-export.ts'],
  ['parts/completion', 'src/cli/completion.ts'],
]);

/**
 * Bundles of a library: name -> { specifier our sources import, what the entry contains }.
 * `undici` is scripts/bundle/undici.cjs: its Agent and request only (see that file).
 */
const VENDOR_BUNDLES = new Map([
  ['vendor/jose', { specifier: 'jose', contents: "export * from 'jose';" }],
  ['vendor/undici', { specifier: 'undici', file: 'scripts/bundle/undici.cjs' }],
  ['vendor/inquirer', { specifier: '@inquirer/prompts', contents: "export * from '@inquirer/prompts';" }],
  // open is imported for its default export: the module standing for it is an ES module
  // that re-exports it (a CommonJS stand-in's default would be its whole exports object).
  ['vendor/open', { specifier: 'open', contents: "export { default } from 'open';", exports: ['default'] }],
]);

const bySource = new Map([...SOURCE_BUNDLES].map(([name, file]) => [path.join(root, file), name]));
const bySpecifier = new Map([...VENDOR_BUNDLES].map(([name, v]) => [v.specifier, name]));

/** An import of another bundle's entry becomes that bundle, loaded when first used. */
function otherBundles(self) {
  return {
    name: 'other-bundles',
    setup(b) {
      b.onResolve({ filter: /.*/ }, async (args) => {
        if (args.kind === 'entry-point' || args.pluginData === 'other-bundles') return undefined;
        const vendor = bySpecifier.get(args.path);
        if (vendor !== undefined && vendor !== self) return { path: vendor, namespace: 'bundle-ref' };
        if (!args.path.startsWith('.')) return undefined;
        const resolved = await b.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: 'other-bundles' });
        const name = bySource.get(resolved.path);
        return name !== undefined && name !== self ? { path: name, namespace: 'bundle-ref' } : undefined;
      });
      b.onLoad({ filter: /.*/, namespace: 'bundle-ref' }, (args) => {
        const load = `__smartctl_load(${JSON.stringify(args.path)})`;
        const names = VENDOR_BUNDLES.get(args.path)?.exports;
        if (names === undefined) return { contents: `module.exports = ${load};`, loader: 'js' };
        return { contents: `const bundle = ${load};\n${names.map((n) => (n === 'default' ? 'export default bundle.default;' : `export const ${n} = bundle.${n};`)).join('\n')}`, loader: 'js' };
      });
    },
  };
}

/** commander's `node:child_process` -> scripts/bundle/lazy-child-process.cjs (loaded on first use). */
const lazyChildProcess = {
  name: 'lazy-child-process',
  setup(b) {
    b.onResolve({ filter: /^node:child_process$/ }, (args) => (/[/\\]node_modules[/\\]commander[/\\]/.test(args.importer) ? { path: path.join(root, 'scripts', 'bundle', 'lazy-child-process.cjs') } : undefined));
  },
};

const common = {
  absWorkingDir: root,
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20.19',
  // import() of a bundled module becomes require(): a vm.Script has no module loader of its own.
  supported: { 'dynamic-import': false },
  // import.meta.url (src/sandbox/data.ts finds the FHIR fixtures from it) is the bundle's own file.
  define: { 'import.meta.url': '__smartctl_import_meta_url' },
  banner: { js: "var __smartctl_import_meta_url = require('node:url').pathToFileURL(__filename).href;" },
  legalComments: 'linked',
  // Less text to read and parse; identifiers stay readable for --debug stacks.
  minifyWhitespace: true,
  minifySyntax: true,
  metafile: true,
  // check --login drives Chromium through playwright-core, an optional dependency loaded only there.
  external: ['playwright-core'],
  logLevel: 'warning',
};

const builds = [
  ...[...SOURCE_BUNDLES].map(([name, file]) => ({ name, entryPoints: [file] })),
  ...[...VENDOR_BUNDLES].map(([name, v]) => (v.file !== undefined ? { name, entryPoints: [v.file] } : { name, stdin: { contents: v.contents, resolveDir: root, sourcefile: `${name}.js`, loader: 'js' } })),
];

const results = await Promise.all(
  builds.map(({ name, ...entry }) => build({ ...common, ...entry, outfile: path.join(outdir, `${name}.cjs`), plugins: [otherBundles(name), lazyChildProcess] })),
);

// The loader is not loaded through itself: a plain CommonJS file bin/smartctl.js requires.
await build({ ...common, metafile: false, banner: undefined, define: undefined, entryPoints: ['src/cli/bundle-loader.ts'], outfile: path.join(outdir, 'load.cjs') });

const meta = { inputs: {}, outputs: {} };
for (const r of results) {
  Object.assign(meta.inputs, r.metafile.inputs);
  Object.assign(meta.outputs, r.metafile.outputs);
}
writeFileSync(path.join(root, 'dist', 'bundle-meta.json'), JSON.stringify(meta));

const hash = createHash('sha256');
const files = (dir) => readdirSync(dir).flatMap((f) => (statSync(path.join(dir, f)).isDirectory() ? files(path.join(dir, f)) : [path.join(dir, f)]));
for (const file of files(outdir).sort()) hash.update(path.relative(outdir, file)).update('\0').update(readFileSync(file)).update('\0');
writeFileSync(path.join(outdir, 'build-id'), `${hash.digest('hex').slice(0, 16)}\n`);
