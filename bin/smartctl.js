#!/usr/bin/env node
// Process glue only: everything else lives in src/cli, bundled into dist/bundle by
// `npm run build` (which `npm pack` runs) and loaded through dist/bundle/load.cjs, which
// keeps V8's compiled code between runs (src/cli/bundle-loader.ts). This file is
// CommonJS (bin/package.json), so a bare `--version` is answered without loading
// commander; test/cli/version.test.ts keeps package.json and src/cli/version.ts equal.
'use strict';

const argv = process.argv.slice(2);

// A closed pipe (`smartctl ... | head`) is not an error worth a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
  process.stdout.write(`${require('../package.json').version}\n`);
} else {
  let loader;
  try {
    loader = require('../dist/bundle/load.cjs');
  } catch (error) {
    if (error?.code !== 'MODULE_NOT_FOUND' || !String(error.message).includes('load.cjs')) throw error;
    process.stderr.write('smartctl: this copy is not built (dist/bundle/load.cjs is missing)\n  hint: run `npm run build` in the smartctl folder.\n');
    process.exitCode = 70;
  }
  if (loader !== undefined) run(loader);
}

async function run({ createBundleLoader, cacheVariant }) {
  const bundleDir = require('node:path').join(__dirname, '..', 'dist', 'bundle');
  const { load, save } = createBundleLoader({
    bundleDir,
    env: process.env,
    home: require('node:os').homedir(),
    platform: process.platform,
    nodeVersion: process.version,
    arch: process.arch,
    variant: cacheVariant(bundleDir, argv[0]),
  });
  const io = {
    env: process.env,
    // process.stdin is made on first use (about 4 ms): only commands that read stdin touch it.
    get stdin() {
      return process.stdin;
    },
    stdinIsTTY: require('node:tty').isatty(0),
    stdout: process.stdout,
    stderr: process.stderr,
  };
  let cli;
  try {
    cli = load('smartctl');
  } catch (error) {
    if (error?.code !== 'ENOENT') throw error;
    process.stderr.write('smartctl: this copy is not built completely (dist/bundle/smartctl.cjs is missing)\n  hint: run `npm run build` in the smartctl folder.\n');
    process.exitCode = 70;
    return;
  }
  process.exitCode = await cli.main(argv, io);
  // The compiled code of this run, for the next one (only what was not cached yet).
  save();
}
