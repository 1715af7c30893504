import { relative, resolve } from 'node:path';
import { parseSimArgs, UsageError } from './cli-args';
import { runSimulation } from './run-sim';

/** The repository root: this file is apps/hpa-sim/src/main.ts, or apps/hpa-sim/dist/main.js once built. */
const REPO_ROOT = resolve(__dirname, '..', '..', '..');

function main(): void {
  try {
    const args = parseSimArgs(process.argv.slice(2));
    const benchReport = resolve(args['bench-report'] ?? resolve(REPO_ROOT, 'bench/results/latest.json'));
    const out = runSimulation(args, {
      benchReport,
      benchReportLabel: relative(REPO_ROOT, benchReport),
      outDir: resolve(args.out ?? resolve(REPO_ROOT, 'apps/hpa-sim/results')),
    });
    for (const line of out.lines) console.log(line);
    // No setting meeting the SLO is a finding, not a failure: the report says so.
    process.exit(0);
  } catch (err) {
    console.error(err instanceof UsageError ? err.message : `hpa-sim: ${(err as Error).message}`);
    process.exit(err instanceof UsageError ? 2 : 1);
  }
}

main();
