// Every check test, in the order groups run and are shown. The runner, the renderers,
// --only and --skip, and the README's table all read this one list.
import { BACKEND_SERVICES_TESTS } from './groups/backend-services.js';
import { DISCOVERY_TESTS } from './groups/discovery.js';
import { EHR_LAUNCH_TESTS } from './groups/ehr-launch.js';
import { HARDENING_TESTS } from './groups/hardening.js';
import { INTROSPECTION_TESTS } from './groups/introspection.js';
import { OIDC_TESTS } from './groups/oidc.js';
import { REFRESH_TESTS } from './groups/refresh.js';
import { STANDALONE_LAUNCH_TESTS } from './groups/standalone-launch.js';
import type { CheckTest } from './types.js';

export const SMART_TESTS: readonly CheckTest[] = [...DISCOVERY_TESTS, ...STANDALONE_LAUNCH_TESTS, ...EHR_LAUNCH_TESTS, ...REFRESH_TESTS, ...BACKEND_SERVICES_TESTS, ...INTROSPECTION_TESTS, ...HARDENING_TESTS, ...OIDC_TESTS];
