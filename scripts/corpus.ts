// npm run corpus: runs the diagnosis corpus through explain and prints top-1 accuracy, the
// abstentions and every error-severity wrong top finding (the answers that cost a user a day).
import { loadCorpus, runCase, summarise } from '../test/helpers/corpus.js';

const pct = (a: number, b: number): string => (b === 0 ? 'n/a' : `${((100 * a) / b).toFixed(1)} %`);

const results = await Promise.all(loadCorpus().map(runCase));
const s = summarise(results);
const lines = [
  `corpus: ${s.cases} cases over ${s.catalogIds.filter((id) => id !== 'controls').length} catalog entries`,
  `top-1: ${s.topCorrect}/${s.withTop} (${pct(s.topCorrect, s.withTop)}) cases name the expected finding first`,
  `abstain controls: ${s.abstainCorrect}/${s.abstainCases} abstain as they must`,
  `abstentions overall: ${s.abstentions} (top finding unknown-failure or no error-severity root cause)`,
  `error-severity wrong top findings: ${s.wrongErrors.length}`,
  ...s.wrongErrors.map((r) => `  WRONG ${r.case.file}: ${r.case.name} -> ${r.top?.id ?? ''} (expected ${r.case.expect.top ?? 'to abstain'})`),
  `failing cases: ${s.failures.length}`,
  ...s.failures.map((r) => `  FAIL ${r.case.file}: ${r.case.name}: ${r.why}`),
];
process.stdout.write(`${lines.join('\n')}\n`);
process.exitCode = s.failures.length === 0 && s.wrongErrors.length === 0 ? 0 : 1;
