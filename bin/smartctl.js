#!/usr/bin/env node
// Process glue only: everything else lives in src/cli, bundled into dist/bundle by
// `npm run build` (which `npm pack` runs). This file is CommonJS (bin/package.json), so
// a bare `--version` is answered without starting the ES module loader or loading
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
  import('../dist/bundle/smartctl.js').then(
    async ({ main }) => {
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
      process.exitCode = await main(argv, io);
    },
    (error) => {
      if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !/bundle\/smartctl\.js' imported from/.test(String(error.message))) throw error;
      process.stderr.write('smartctl: this copy is not built (dist/bundle/smartctl.js is missing)\n  hint: run `npm run build` in the smartctl folder.\n');
      process.exitCode = 70;
    },
  );
}
