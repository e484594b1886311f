// Runs one smartctl command line once per output mode (--json, the human view, --verbose),
// each run also writing every file output (--har ...), with its own servers wiretapped,
// and hands back each run's texts and secrets; leaksOf() says which secrets (by length and
// slice offset, never the value) are in which output. A new output is one more producer in
// OUTPUT_PRODUCERS: a mode if it changes what stdout/stderr hold, a file if it is written
// beside them (the HAR, the Markdown report).
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { HttpExchange } from '../../src/report/trace.js';
import { runCli, type CliResult } from './run-cli.js';
import { basicPasswordsOf, leakedSlices, secretsOf } from './secrets.js';
import { readWiretapFile, wiretapEnv, type Wiretap } from './wiretap.js';

export interface OutputText {
  /** "json stdout", "har file" ... */
  where: string;
  text: string;
}

export interface OutputProducer {
  name: string;
  /** mode: decides what stdout and stderr hold (one per run); file: written by every run. */
  kind: 'mode' | 'file';
  /** The flags that ask for it; files go in the run's own folder. */
  args(dir: string): string[];
  /** The texts to search. */
  texts(result: CliResult, dir: string): OutputText[];
}

function streams(name: string): OutputProducer['texts'] {
  return (r) => [
    { where: `${name} stdout`, text: r.stdout },
    { where: `${name} stderr`, text: r.stderr },
  ];
}

/** A file output's text; a run that was asked for it and did not write it fails the test. */
export function fileText(name: string, file: string): OutputText {
  return { where: `${name} file`, text: readFileSync(file, 'utf8') };
}

export const OUTPUT_PRODUCERS: OutputProducer[] = [
  { name: 'json', kind: 'mode', args: () => ['--json'], texts: streams('json') },
  { name: 'human', kind: 'mode', args: () => [], texts: streams('human') },
  { name: 'verbose', kind: 'mode', args: () => ['--verbose'], texts: streams('verbose') },
  { name: 'har', kind: 'file', args: (dir) => ['--har', path.join(dir, 'run.har')], texts: (_r, dir) => [fileText('har', path.join(dir, 'run.har'))] },
  { name: 'markdown', kind: 'file', args: (dir) => ['--report', path.join(dir, 'run.md')], texts: (_r, dir) => [fileText('markdown', path.join(dir, 'run.md'))] },
];

export interface TappedRun {
  mode: string;
  dir: string;
  result: CliResult;
  texts: OutputText[];
  /** What went over the wire to and from the run's servers. */
  wire: HttpExchange[];
  secrets: Set<string>;
}

export interface EveryOutputOptions {
  showSecrets?: boolean | undefined;
  /** A tap on servers of the test process the command talks to (a sandbox the test started). */
  serverTap?: Wiretap | undefined;
  /** Secrets the wire does not show (a private key file's contents). */
  extraSecrets?: readonly string[] | undefined;
  producers?: readonly OutputProducer[] | undefined;
  timeoutMs?: number | undefined;
}

/** One run per mode producer, in parallel, each with every file producer; `args` may differ per mode (a single-use refresh token each). */
export async function runEveryOutput(args: readonly string[] | ((mode: string) => Promise<readonly string[]>), o: EveryOutputOptions = {}): Promise<TappedRun[]> {
  const producers = o.producers ?? OUTPUT_PRODUCERS;
  const files = producers.filter((p) => p.kind === 'file');
  return Promise.all(
    producers
      .filter((p) => p.kind === 'mode')
      .map(async (mode) => {
        const dir = mkdtempSync(path.join(os.tmpdir(), `smartctl-leak-${mode.name}-`));
        const tapFile = path.join(dir, 'wire.json');
        const argv = [...(typeof args === 'function' ? await args(mode.name) : args), ...mode.args(dir), ...files.flatMap((f) => f.args(dir)), ...(o.showSecrets === true ? ['--show-secrets'] : [])];
        const result = await runCli(argv, { env: wiretapEnv(tapFile), timeoutMs: o.timeoutMs });
        const wire = [...readWiretapFile(tapFile), ...(o.serverTap?.exchanges() ?? [])];
        const texts = [mode, ...files].flatMap((p) => p.texts(result, dir));
        return { mode: mode.name, dir, result, texts, wire, secrets: new Set([...secretsOf(wire), ...basicPasswordsOf(wire), ...(o.extraSecrets ?? [])]) };
      }),
  );
}

/** "<where>: <n>-char secret, slice at <i>" for every secret found in an output of the run. */
export function leaksOf(run: TappedRun): string[] {
  return run.texts.flatMap((t) => leakedSlices(t.text, run.secrets).map((leak) => `${t.where}: ${leak}`));
}

/** How many of the run's secrets each output shows (for the --show-secrets runs). */
export function shownBy(run: TappedRun): Record<string, number> {
  const out: Record<string, number> = {};
  for (const t of run.texts) out[t.where] = leakedSlices(t.text, run.secrets).length;
  return out;
}
