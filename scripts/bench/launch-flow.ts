// The whole launch flow as a user runs it in CI: `smartctl launch --sandbox --headless
// --json` (sandbox start, discovery, authorize, code exchange, id_token validation,
// FHIR probe), a whole process against `node -e 0`. Targets: median <= 6x, peak RSS
// <= 120 MB.
import type { BenchSuite } from './harness.js';

export const suite: BenchSuite = {
  name: 'launch',
  description: 'smartctl launch --sandbox --headless --json, whole process (targets: <= 6x node -e 0, peak RSS <= 120 MB)',
  async run(ctx) {
    const result = await ctx.measureProcess({ label: 'launch --sandbox --headless --json', args: ctx.smartctl('launch', '--sandbox', '--headless', '--json'), target: 6, env: { CI: '1' } });
    const rss = result.peakRssMb;
    if (rss !== undefined) ctx.note(`peak RSS ${rss.toFixed(1)} MB (target <= 120 MB: ${rss <= 120 ? 'met' : 'MISSED'})`);
  },
};
