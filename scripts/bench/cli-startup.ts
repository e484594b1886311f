// Start-up of the built CLI, as a user meets it: `--version`, `--help`, `decode <jwt>`
// (no --verify: must not load jose or undici), `explain --status --body`, and
// `diff-scopes` on 1 000 to 40 000 scopes a side (must stay linear). Targets (issue 10)
// are ratios to `node -e 0` in the same run.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BenchSuite, CaseResult } from './harness.js';

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** An unsigned-looking but well-formed id_token (the signature is random bytes: decode does not verify). */
export function benchJwt(nowSeconds: number): string {
  const header = { alg: 'RS256', typ: 'JWT', kid: 'bench-key-1' };
  const claims = {
    iss: 'https://ehr.example.org/oauth2',
    sub: 'practitioner-123',
    aud: 'bench-client',
    iat: nowSeconds,
    exp: nowSeconds + 3600,
    nonce: 'n-0S6_WzA2Mj',
    fhirUser: 'https://ehr.example.org/fhir/Practitioner/123',
  };
  const signature = Buffer.alloc(256, 7).toString('base64url');
  return `${base64url(header)}.${base64url(claims)}.${signature}`;
}

/**
 * n requested scopes and a grant that answers them in every way diff-scopes knows:
 * 60 % as asked, 20 % in the other syntax, 10 % narrowed, 10 % dropped (and as many added).
 */
export function benchScopes(n: number): { requested: string; granted: string } {
  const requested = ['launch', 'openid', 'fhirUser', 'offline_access'];
  const granted = ['launch', 'openid', 'fhirUser', 'offline_access'];
  for (let i = 0; requested.length < n; i++) {
    const compartment = i % 3 === 0 ? 'user' : 'patient';
    const v1 = i % 2 === 0 ? 'read' : 'write';
    const v2 = v1 === 'read' ? 'rs' : 'cud';
    const restricted = i % 7 === 0;
    const scope = restricted ? `${compartment}/Type${i}.${v2}?category=c${i % 13}` : `${compartment}/Type${i}.${v1}`;
    requested.push(scope);
    switch (i % 10) {
      case 6:
      case 7:
        granted.push(restricted ? `${compartment}/Type${i}.${v2}?category=c${i % 13}` : `${compartment}/Type${i}.${v2}`);
        break;
      case 8:
        granted.push(`${compartment}/Type${i}.${v2.slice(0, 1)}${restricted ? `?category=c${i % 13}` : ''}`);
        break;
      case 9:
        granted.push(`patient/Extra${i}.rs`);
        break;
      default:
        granted.push(scope);
    }
  }
  return { requested: requested.join('\n'), granted: granted.join('\n') };
}

export const suite: BenchSuite = {
  name: 'cli-startup',
  description: 'whole processes of the built CLI against node -e 0',
  async run(ctx) {
    await ctx.measureProcess({ label: 'node -e 0 (baseline)', args: ['-e', '0'] });
    await ctx.measureProcess({ label: 'smartctl --version', args: ctx.smartctl('--version'), target: 1.15 });
    await ctx.measureProcess({ label: 'smartctl --help', args: ctx.smartctl('--help'), target: 1.4 });
    const jwt = benchJwt(Math.floor(Date.now() / 1000));
    await ctx.measureProcess({ label: 'smartctl decode <jwt>', args: ctx.smartctl('decode', jwt), expectExit: [0, 1], target: 1.5 });
    await ctx.measureProcess({
      label: 'smartctl explain --status --body',
      args: ctx.smartctl('explain', '--status', '401', '--body', '{"error":"invalid_client","error_description":"client authentication failed"}'),
      expectExit: [0, 1],
      target: 1.6,
    });
    // The rows above run with V8's code cache that the warm-up runs wrote (src/cli/bundle-loader.ts),
    // as every run after the first does; these show a first run, or a run with SMARTCTL_CODE_CACHE=0.
    const cold = { SMARTCTL_CODE_CACHE: '0' };
    await ctx.measureProcess({ label: 'smartctl --help, no code cache', args: ctx.smartctl('--help'), env: cold });
    await ctx.measureProcess({ label: 'smartctl decode <jwt>, no code cache', args: ctx.smartctl('decode', jwt), expectExit: [0, 1], env: cold });
    await ctx.measureProcess({
      label: 'smartctl explain, no code cache',
      args: ctx.smartctl('explain', '--status', '401', '--body', '{"error":"invalid_client","error_description":"client authentication failed"}'),
      expectExit: [0, 1],
      env: cold,
    });

    const sizes = [1_000, 5_000, 10_000, 40_000];
    const results: CaseResult[] = [];
    for (const n of sizes) {
      const { requested, granted } = benchScopes(n);
      const req = ctx.scratch(`requested-${n}.txt`, requested);
      const gr = ctx.scratch(`granted-${n}.txt`, granted);
      results.push(
        await ctx.measureProcess({
          label: `smartctl diff-scopes ${n.toLocaleString('en-US')} scopes`,
          args: ctx.smartctl('diff-scopes', `@${req}`, `@${gr}`),
          expectExit: [0, 1],
          target: n === 10_000 ? 2.5 : n === 40_000 ? 4 : undefined,
        }),
      );
    }
    const [k1, k5, k10] = results;
    if (k1 !== undefined && k5 !== undefined && k10 !== undefined && k1.skipped === undefined && k5.skipped === undefined && k10.skipped === undefined) {
      // Time above each case's own interleaved node -e 0 median: steadier than raw medians on a shared machine.
      const above = (r: CaseResult): number => r.medianMs - r.baselineMs;
      const low = (above(k5) - above(k1)) / 4;
      const high = (above(k10) - above(k5)) / 5;
      ctx.note(`diff-scopes time above node -e 0: 1k ${above(k1).toFixed(1)} ms, 5k ${above(k5).toFixed(1)} ms, 10k ${above(k10).toFixed(1)} ms`);
      ctx.note(`linearity: ${low.toFixed(1)} ms per 1 000 scopes from 1k to 5k, ${high.toFixed(1)} ms from 5k to 10k (about equal when linear; quadratic would be about 2.5x larger)`);
    }

    // The same work timed inside fresh processes, without start-up: doubling n should double the time.
    const scopesModule = pathToFileURL(path.join(ctx.repoRoot, 'dist/src/protocol/scopes/compare.js')).href;
    const parseModule = pathToFileURL(path.join(ctx.repoRoot, 'dist/src/protocol/scopes/parse.js')).href;
    const timer = ctx.scratch(
      'time-compare.mjs',
      `import { readFileSync } from 'node:fs';
import { parseScopes } from ${JSON.stringify(parseModule)};
import { compareScopes, scopeFindings } from ${JSON.stringify(scopesModule)};
const requested = readFileSync(process.argv[2], 'utf8');
const granted = readFileSync(process.argv[3], 'utf8');
const started = performance.now();
const req = parseScopes(requested);
scopeFindings(compareScopes(req, parseScopes(granted, req)));
process.stdout.write(String(performance.now() - started));
`,
    );
    const inProcess: number[] = [];
    for (const n of [10_000, 20_000, 40_000]) {
      if (!ctx.wants(`parse+compare+findings ${n.toLocaleString('en-US')}`)) continue;
      const { requested, granted } = benchScopes(n);
      const req = ctx.scratch(`requested-${n}.txt`, requested);
      const gr = ctx.scratch(`granted-${n}.txt`, granted);
      const times: number[] = [];
      for (let i = 0; i < Math.max(5, Math.min(ctx.runs, 9)); i++) {
        const r = await ctx.exec([timer, req, gr]);
        const ms = Number(r.stdout);
        if (r.code === 0 && Number.isFinite(ms)) times.push(ms);
      }
      times.sort((x, y) => x - y);
      const median = times[times.length >> 1];
      if (median === undefined) {
        ctx.row({ label: `parse+compare+findings ${n.toLocaleString('en-US')}`, note: 'not run: the timing child failed' });
        continue;
      }
      inProcess.push(median);
      ctx.row({ label: `parse+compare+findings ${n.toLocaleString('en-US')}`, medianMs: median, note: 'inside the process, start-up excluded' });
    }
    const [a, b, c] = inProcess;
    if (a !== undefined && b !== undefined && c !== undefined) {
      ctx.note(`growth without start-up: 20k/10k ${(b / a).toFixed(2)}x, 40k/20k ${(c / b).toFixed(2)}x (2.00x when linear, 4.00x when quadratic)`);
    }
  },
};
