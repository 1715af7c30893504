import { parseArgs } from 'node:util';
import { listDeadLetters, replayDeadLetters } from './commands/dead-letters';
import { listFailedJobs, retryFailedJobs } from './commands/failed-jobs';
import { showQueues } from './commands/queues';
import type { OpsContext } from './ops-context';

export const USAGE = `usage: parley-ops <command> [options]

commands:
  queues                              queue depth by state, oldest waiting age, dead letters
  dead-letters list [--limit N]       updates that could not be handled
  dead-letters replay (--id ID ... | --all)
                                      put them back into their chat's inbox
  failed-jobs list [--limit N]        jobs in BullMQ's failed set
  failed-jobs retry (--id ID ... | --all)

options:
  --json        machine-readable output
environment:
  REDIS_URL (default redis://127.0.0.1:6379), REDIS_KEY_PREFIX (default parley)`;

export class UsageError extends Error {}

/** Runs one command; returns the process exit code. */
export async function runOps(
  argv: string[],
  connect: (json: boolean) => Promise<OpsContext>,
): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      json: { type: 'boolean', default: false },
      limit: { type: 'string', default: '100' },
      id: { type: 'string', multiple: true },
      all: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [command, sub] = positionals;
  if (values.help || !command) throw new UsageError(USAGE);
  const limit = Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1) throw new UsageError('--limit must be a positive integer');
  const targets = (): string[] | 'all' => {
    if (values.all) return 'all';
    if (values.id?.length) return values.id;
    throw new UsageError('say which: --id ID (repeatable) or --all');
  };

  const key = sub ? `${command} ${sub}` : command;
  const known = [
    'queues',
    'dead-letters list',
    'dead-letters replay',
    'failed-jobs list',
    'failed-jobs retry',
  ];
  if (!known.includes(key)) throw new UsageError(`unknown command "${key}"\n\n${USAGE}`);
  const ctx = await connect(values.json);
  switch (key) {
    case 'queues':
      return showQueues(ctx);
    case 'dead-letters list':
      return listDeadLetters(ctx, limit);
    case 'dead-letters replay':
      return replayDeadLetters(ctx, targets());
    case 'failed-jobs list':
      return listFailedJobs(ctx, limit);
    default:
      return retryFailedJobs(ctx, targets());
  }
}
