// The version commander prints (`smartctl --version` with other options). A bare
// `--version` is answered by bin/smartctl.js from package.json before anything loads;
// test/cli/version.test.ts keeps the two equal. The constant lives in src/version.ts,
// where the pure report layer can read it too.
export { VERSION } from '../version.js';
