import { writeFileSync } from 'node:fs';
import { parseCliArgs } from './cli-args';
import { killAllNow } from './processes';
import { formatReport } from './report';
import { runChaos } from './run-chaos';

/** The CLI: reads argv and the environment, handles Ctrl+C, prints the report, sets the exit code. */
async function main(): Promise<number> {
  const parsed = parseCliArgs(process.argv.slice(2));
  if (parsed.kind === 'help') {
    process.stdout.write(`${parsed.text}\n`);
    return 0;
  }
  if (parsed.kind === 'error') {
    process.stderr.write(`chaos: ${parsed.message}\n(see --help)\n`);
    return 2;
  }
  const options = parsed.options;
  const interrupt = new AbortController();
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals++;
    if (signals === 1) {
      process.stderr.write(
        `\nchaos: ${signal}: stopping and cleaning up (again to kill everything at once)\n`,
      );
      interrupt.abort();
      return;
    }
    killAllNow();
    process.exit(130);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // Whatever happens, no child outlives this process.
  process.on('exit', killAllNow);

  const log = (line: string) => process.stdout.write(`[chaos] ${line}\n`);
  log(
    `${options.updates} updates over ${options.chats} chats, ${options.workers} workers, seed ${options.seed}, limit ${options.durationLimitS} s`,
  );
  const result = await runChaos({ ...options, env: process.env, log, signal: interrupt.signal });
  process.stdout.write(`${formatReport(result)}\n`);
  if (options.jsonFile) {
    writeFileSync(options.jsonFile, `${JSON.stringify(result, null, 2)}\n`);
    log(`result written to ${options.jsonFile}`);
  }
  if (interrupt.signal.aborted) return 130;
  return result.passed ? 0 : 1;
}

main().then(
  // Explicit: a client's reconnect timer must not keep a finished run alive.
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`chaos: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
