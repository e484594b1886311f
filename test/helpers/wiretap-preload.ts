// Loaded with `node --import` into a smartctl subprocess (see wiretapEnv in ./wiretap.ts):
// taps the process's own HTTP servers and writes what they handled, as JSON, to the file
// named by SMARTCTL_TEST_WIRETAP_FILE when the process exits. Inert without that variable
// (the test runner also loads every file under dist/test).
import { writeFileSync } from 'node:fs';
import { tapHttpServers, WIRETAP_FILE_VARIABLE } from './wiretap.js';

const file = process.env[WIRETAP_FILE_VARIABLE];
if (file !== undefined && file !== '') {
  const tap = tapHttpServers();
  process.once('exit', () => writeFileSync(file, JSON.stringify(tap.exchanges()), { mode: 0o600 }));
}
