// smartctl's version, stamped on every --json document (report/report.ts) and printed by
// commander's --version (cli/version.ts). test/cli/version.test.ts keeps it equal to package.json.
export const VERSION = '0.1.0';
