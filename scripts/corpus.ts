// npm run corpus: runs the diagnosis corpus through explain and prints top-1 accuracy, the
// abstentions and every error-severity wrong top finding (the answers that cost a user a day).
// The real-world folder (failures people posted, held out from the rules' authors) is
// reported apart, so its figure is never blended into the written-from-the-catalog one.
import { isRealWorld, loadCorpus, runCase, summarise, type CaseResult } from '../test/helpers/corpus.js';

const pct = (a: number, b: number): string => (b === 0 ? 'n/a' : `${((100 * a) / b).toFixed(1)} %`);

function report(label: string, results: readonly CaseResult[]): { lines: string[]; failed: boolean } {
  const s = summarise(results);
  const missesKnown = s.failures.filter((r) => r.case.knownMiss !== undefined);
  const failing = s.failures.filter((r) => r.case.knownMiss === undefined);
  const wrong = s.wrongErrors.filter((r) => r.case.knownMiss === undefined);
  const lines = [
    `${label}: ${s.cases} cases${label === 'corpus' ? ` over ${s.catalogIds.filter((id) => id !== 'controls').length} catalog entries` : ''}`,
    `  top-1: ${s.topCorrect}/${s.withTop} (${pct(s.topCorrect, s.withTop)}) cases name the expected finding first`,
    `  abstain cases: ${s.abstainCorrect}/${s.abstainCases} abstain as they must`,
    `  abstentions overall: ${s.abstentions} (top finding unknown-failure or no error-severity root cause)`,
    `  error-severity wrong top findings: ${s.wrongErrors.length}`,
    ...s.wrongErrors.map((r) => `    WRONG ${r.case.file}: ${r.case.name} -> ${r.top?.id ?? ''} (expected ${r.case.expect.top ?? 'to abstain'})`),
    `  failing cases: ${failing.length}`,
    ...failing.map((r) => `    FAIL ${r.case.file}: ${r.case.name}: ${r.why}`),
    ...(missesKnown.length > 0 ? [`  known misses: ${missesKnown.length}`, ...missesKnown.map((r) => `    MISS ${r.case.file}: ${r.case.name}: ${r.why} (${r.case.knownMiss ?? ''})`)] : []),
  ];
  return { lines, failed: failing.length > 0 || wrong.length > 0 };
}

const results = await Promise.all(loadCorpus().map(runCase));
const main = report('corpus', results.filter((r) => !isRealWorld(r.case)));
const real = report('real-world', results.filter((r) => isRealWorld(r.case)));
process.stdout.write(`${[...main.lines, ...real.lines].join('\n')}\n`);
process.exitCode = main.failed || real.failed ? 1 : 0;
