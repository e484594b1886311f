// --output <field> (launch, token, keygen): one value printed alone on stdout by the CLI
// (src/cli/output.ts). Here only the checks every command shares.
import { usageError } from '../errors.js';
import type { ReportOutput } from '../report/report.js';
import type { CommandContext } from './context.js';

/** --output prints one value alone; --json prints the whole report: one stdout cannot carry both. */
export function checkOutputOptions(ctx: CommandContext, output: string | undefined): ReportOutput | undefined {
  if (output === undefined) return undefined;
  if (ctx.globals.json) {
    throw usageError('options-conflict', `--output ${output} prints one value on stdout and --json prints the whole report there: give one of them`, 'Drop --json to print the value alone, or drop --output and read the value from the --json document.');
  }
  return { field: output };
}
