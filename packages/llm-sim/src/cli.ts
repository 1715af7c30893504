import { CliUsageError, parseCliArgs, USAGE } from './cli-args';
import { startLlmSim } from './server';

/** `llm-sim` entry point: the only module that reads process arguments and environment. */
async function main(): Promise<void> {
  let parsed: ReturnType<typeof parseCliArgs>;
  try {
    parsed = parseCliArgs(process.argv.slice(2), process.env);
  } catch (err) {
    if (!(err instanceof CliUsageError)) throw err;
    console.error(`llm-sim: ${err.message} (see --help)`);
    process.exit(2);
  }
  if (parsed.help) {
    process.stdout.write(USAGE);
    return;
  }
  let sim: Awaited<ReturnType<typeof startLlmSim>>;
  try {
    sim = await startLlmSim({ ...parsed.options, logger: console });
  } catch (err) {
    // Invalid option combinations surface as RangeError; a taken port as EADDRINUSE.
    console.error(`llm-sim: ${(err as Error).message}`);
    process.exit(err instanceof RangeError ? 2 : 1);
  }
  const stop = () => {
    sim.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

void main();
