#!/usr/bin/env node
// Process glue only: everything else lives in src/cli (bundled into dist/bundle by
// `npm run build`, which `npm pack` runs).
let run;
try {
  ({ run } = await import('../dist/bundle/smartctl.js'));
} catch (error) {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !String(error.message).includes('dist/bundle/smartctl.js')) throw error;
  process.stderr.write('smartctl: this copy is not built (dist/bundle/smartctl.js is missing)\n  hint: run `npm run build` in the smartctl folder.\n');
  process.exit(70);
}

// A closed pipe (`smartctl ... | head`) is not an error worth a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

process.exitCode = await run(process.argv.slice(2), {
  env: process.env,
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
});
