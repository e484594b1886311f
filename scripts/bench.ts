// npm run bench: builds, then times whole processes of the built CLI against
// `node -e 0` on the same machine in the same run, and prints medians and ratios.
// A script, never a test: tests do not assert on time.
//
//   node dist/scripts/bench.js [--runs <n>] [--warmup <n>] [--suite <name>]... [--case <text>]... [--json]
//   (npm run bench -- --suite cli-startup --runs 20)
//   (npm run bench -- --suite cli-startup --case decode --case diff-scopes: only cases whose label contains one)
//
// How a suite is shaped: a file scripts/bench/<name>.ts that exports
//
//   import type { BenchSuite } from './harness.js';
//   export const suite: BenchSuite = {
//     name: 'sandbox',                       // kebab-case, selects it with --suite
//     description: 'one line shown above the rows',
//     async run(ctx) {
//       // A whole process, interleaved with `node -e 0`: median, ratio, target, peak RSS.
//       await ctx.measureProcess({ label: 'smartctl --help', args: ctx.smartctl('--help'), target: 1.5 });
//       // Something in-process (a server the suite started itself): median of `runs` calls.
//       await ctx.measureAsync('token request', () => fetchToken(), { runs: 50 });
//       ctx.row({ label: 'requests/s', note: '1234' });   // any other figure
//       ctx.note('a line of explanation');
//     },
//   };
//
// ctx also gives bin (bin/smartctl.js), tmpDir and scratch(name, content) for input
// files, exec(args) to run node once and read its output (a child that times itself),
// and runs (the --runs value). Then import it below and add it to SUITES:
// one import line and one array entry. Suites run in SUITES order; each cleans up
// what it starts (servers, child processes) before returning.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpus } from 'node:os';
import { Harness, type BenchRow, type BenchSuite } from './bench/harness.js';
import { suite as cliStartup } from './bench/cli-startup.js';
import { suite as sandbox } from './bench/sandbox.js';
import { suite as launch } from './bench/launch-flow.js';
import { suite as explainHar } from './bench/explain-har.js';
import { suite as check } from './bench/check-suite.js';

export const SUITES: BenchSuite[] = [
  cliStartup,
  sandbox,
  launch,
  explainHar,
  check,
];

interface Args {
  runs: number;
  warmup: number;
  suites: string[];
  cases: string[];
  json: boolean;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { runs: 15, warmup: 2, suites: [], cases: [], json: false };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    const count = (): number => {
      const n = Number(value);
      if (value === undefined || !Number.isInteger(n) || n < 1 || n > 1000) throw new Error(`${flag} needs a whole number from 1 to 1000, got "${value ?? ''}"`);
      i++;
      return n;
    };
    if (flag === '--runs') args.runs = count();
    else if (flag === '--warmup') args.warmup = count();
    else if (flag === '--suite') {
      if (value === undefined) throw new Error('--suite needs a suite name');
      args.suites.push(value);
      i++;
    } else if (flag === '--case') {
      if (value === undefined) throw new Error('--case needs some text of a case label');
      args.cases.push(value);
      i++;
    } else if (flag === '--json') args.json = true;
    else throw new Error(`unknown argument "${flag ?? ''}" (use --runs <n>, --warmup <n>, --suite <name>, --case <text>, --json)`);
  }
  const unknown = args.suites.filter((s) => !SUITES.some((suite) => suite.name === s));
  if (unknown.length > 0) throw new Error(`no suite named ${unknown.join(', ')}; suites: ${SUITES.map((s) => s.name).join(', ')}`);
  return args;
}

async function main(): Promise<number> {
  let args: Args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`bench: ${(error as Error).message}\n`);
    return 2;
  }
  const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
  const rows: Array<BenchRow & { suite: string }> = [];
  const print = (line: string): void => {
    if (!args.json) process.stdout.write(`${line}\n`);
  };
  const harness = new Harness({ repoRoot, runs: args.runs, warmup: args.warmup, cases: args.cases, rows, print });
  const cpu = cpus();
  print(`smartctl bench: node ${process.version}, ${process.platform} ${process.arch}, ${cpu.length} CPU${cpu.length === 1 ? '' : 's'} (${cpu[0]?.model.trim() ?? 'unknown'})`);
  print(`${args.runs} paired runs per case after ${args.warmup} warm-up: each run of a case follows a run of node -e 0, ratio = case / that node -e 0 run;`);
  print('median wall times, median ratio with the min-max of the per-pair ratios, peak RSS from one extra run');
  if (args.runs < 15) print(`(only ${args.runs} runs: the targets are judged on at least 15)`);
  try {
    for (const suite of SUITES) {
      if (args.suites.length > 0 && !args.suites.includes(suite.name)) continue;
      print('');
      print(`${suite.name}: ${suite.description}`);
      harness.header();
      await suite.run(harness.context(suite));
    }
  } finally {
    harness.close();
  }
  if (args.json) process.stdout.write(`${JSON.stringify({ node: process.version, runs: args.runs, rows }, null, 2)}\n`);
  return 0;
}

process.exitCode = await main();
