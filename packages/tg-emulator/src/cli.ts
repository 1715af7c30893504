import { parseCliArgs } from './cli-args';
import { startEmulator } from './emulator';
import type { EmulatorLogger } from './options';

/** Logs one line per event to stderr, keeping stdout for the "listening" line. */
function stderrLogger(): EmulatorLogger {
  const write =
    (level: string) =>
    (...args: unknown[]) => {
      const [first, second] = args;
      const message = typeof first === 'string' ? first : typeof second === 'string' ? second : '';
      const details = typeof first === 'object' && first !== null ? ` ${JSON.stringify(first)}` : '';
      process.stderr.write(`[tg-emulator] ${level} ${message}${details}\n`);
    };
  return { info: () => {}, warn: write('warn'), error: write('error') };
}

async function main(): Promise<void> {
  const parsed = parseCliArgs(process.argv.slice(2), process.env);
  if (parsed.kind === 'help') {
    process.stdout.write(`${parsed.text}\n`);
    return;
  }
  if (parsed.kind === 'error') {
    process.stderr.write(`tg-emulator: ${parsed.message}\n`);
    process.exitCode = 2;
    return;
  }
  const { config } = parsed;
  const emulator = await startEmulator({
    port: config.port,
    host: config.host,
    tokens: config.tokens,
    ...(config.webhookRetryDelayMs !== undefined ? { webhookRetryDelayMs: config.webhookRetryDelayMs } : {}),
    ...(config.webhookTimeoutMs !== undefined ? { webhookTimeoutMs: config.webhookTimeoutMs } : {}),
    ...(config.quiet ? {} : { logger: stderrLogger() }),
    ...(config.floodLimits ? { floodLimits: true } : {}),
  });
  process.stdout.write(`tg-emulator listening on ${emulator.url} (chat page: ${emulator.url}/)\n`);

  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    emulator.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`tg-emulator: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
