// The version, in a module of its own so `smartctl --version` answers without loading
// commander or anything else. test/cli/version.test.ts keeps it equal to package.json.
export const VERSION = '0.1.0';
