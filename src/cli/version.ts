// The version commander prints (`smartctl --version` with other options). A bare
// `--version` is answered by bin/smartctl.js from package.json before anything loads;
// test/cli/version.test.ts keeps the two equal.
export const VERSION = '0.1.0';
