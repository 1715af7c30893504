import { ConfigError } from '@parley/config';
import { type StackOutput, say } from './output';
import { type RunningStack, runStack } from './run-stack';
import { loadStackConfig } from './stack-config';
import { StackError } from './stack-error';

/**
 * `pnpm stack`: the whole system on one machine. The only place that reads the environment,
 * handles signals and decides the exit code; everything else is in runStack.
 */
async function main(): Promise<number> {
  const out: StackOutput = {
    write: (line) => process.stdout.write(`${line}\n`),
    color: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR,
  };

  let config: ReturnType<typeof loadStackConfig>;
  try {
    config = loadStackConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      return 1;
    }
    throw err;
  }

  const interrupted = new AbortController();
  let stack: RunningStack | undefined;
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals += 1;
    if (signals > 1) {
      // A second Ctrl+C means "now": nothing waits for draining any more.
      say(out, `${signal} again: killing everything`);
      stack?.killNow();
      process.exit(1);
    }
    say(out, `${signal}: stopping (Ctrl+C again to kill at once)`);
    if (stack) void stack.stop();
    else interrupted.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // Should this process die of an unexpected error, it must not leave gateway and workers behind.
  process.on('exit', () => stack?.killNow());

  try {
    stack = await runStack(config, out, { signal: interrupted.signal });
  } catch (err) {
    if (interrupted.signal.aborted) return 0;
    if (err instanceof ConfigError || err instanceof StackError) {
      console.error(err.message);
      return 1;
    }
    throw err;
  }
  return stack.finished;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
