#!/usr/bin/env node
import { resolve } from 'node:path';
import { CliError, parseArgs, USAGE } from './cli-args';
import { killAllNow, missingScripts } from './processes';
import { writeReport } from './report/json';
import { renderTable, summaryTable } from './report/markdown';
import { runBenchmarks } from './run';

/** `parley-bench [--quick] [--out DIR] [--only ...]`: the only place that reads process.argv. */

async function main(): Promise<number> {
  let options: ReturnType<typeof parseArgs>;
  try {
    // pnpm runs scripts in the package directory; INIT_CWD is where the user typed the command.
    options = parseArgs(
      process.argv.slice(2),
      process.env.INIT_CWD ?? process.cwd(),
      resolve(__dirname, '..', 'results'),
    );
  } catch (err) {
    if (err instanceof CliError) {
      console.error(`${err.message}\n\n${USAGE}`);
      return 2;
    }
    throw err;
  }
  if (options.help) {
    console.log(USAGE);
    return 0;
  }
  const missing = missingScripts();
  if (missing.length > 0) {
    console.error(
      `built files are missing; run \`pnpm build\` at the repository root first:\n  ${missing.join('\n  ')}`,
    );
    return 1;
  }
  const abort = new AbortController();
  process.once('SIGINT', () => {
    console.error('\ninterrupted: finishing the current step and cleaning up (Ctrl+C again to kill)');
    abort.abort();
    process.once('SIGINT', () => {
      killAllNow();
      process.exit(130);
    });
  });
  process.once('exit', killAllNow);

  const { report } = await runBenchmarks(options, abort.signal);
  const written = writeReport(report, options.outDir);
  console.log(renderTable(summaryTable(report.results)));
  const missed = report.results.filter((r) => r.comparison && !r.comparison.met).map((r) => r.id);
  const failedRuns = report.results.filter((r) => r.status === 'failed').map((r) => r.id);
  if (missed.length > 0) console.log(`\ntargets missed: ${missed.join(', ')}`);
  if (failedRuns.length > 0) console.log(`benchmarks that failed to run: ${failedRuns.join(', ')}`);
  console.log(`\nreport: ${written.markdown}\n        ${written.json}`);
  return failedRuns.length > 0 ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
    killAllNow();
    process.exitCode = 1;
  },
);
