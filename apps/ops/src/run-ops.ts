import { parseArgs } from 'node:util';
import { purgeCache } from './commands/cache';
import { showClusterStatus } from './commands/cluster-status';
import { listDeadLetters, replayDeadLetters } from './commands/dead-letters';
import { listFailedJobs, retryFailedJobs } from './commands/failed-jobs';
import { showQueues } from './commands/queues';
import { forgetUser } from './commands/user-forget';
import { deleteWebhook, setWebhook, webhookInfo } from './commands/webhook';
import type { OpsConnectors } from './ops-context';

export const USAGE = `usage: parley-ops <command> [options]

commands:
  queues                              queue depth by state, oldest waiting age, dead letters
  dead-letters list [--limit N]       updates that could not be handled
  dead-letters replay (--id ID ... | --all)
                                      put them back into their chat's inbox
  failed-jobs list [--limit N]        jobs in BullMQ's failed set
  failed-jobs retry (--id ID ... | --all)
  cluster status [--namespace NS] [--release NAME] [--context CTX] [--selector SEL]
                                      Deployments, HPA / KEDA ScaledObject and pods of the release,
                                      from the current kube context
  webhook info                        what Telegram has registered (URL, pending updates, last error)
  webhook set [--url URL] [--max-connections N] [--drop-pending-updates]
                                      register the gateway with its TELEGRAM_WEBHOOK_SECRET
  webhook delete [--drop-pending-updates]
  cache purge [--bot ID] [--dry-run]  delete the bot's cached answers (exact and semantic)
  user forget <userId> [--bot ID] [--dry-run]
                                      delete the user's conversation and everything kept about it

options:
  --json        machine-readable output
environment:
  REDIS_URL (default redis://127.0.0.1:6379), REDIS_KEY_PREFIX (default parley), BOT_ID (default default)
  UPDATE_QUEUE_SHARDS (default 1), REDIS_CLUSTER_NODES (host:port,… for a Redis Cluster)
  webhook: TELEGRAM_BOT_TOKEN, TELEGRAM_API_ROOT, TELEGRAM_WEBHOOK_SECRET, TELEGRAM_WEBHOOK_URL,
           TELEGRAM_WEBHOOK_PATH
  cluster: KUBECONFIG or ~/.kube/config (or the pod's service account)`;

export class UsageError extends Error {}

const COMMANDS = [
  'queues',
  'dead-letters list',
  'dead-letters replay',
  'failed-jobs list',
  'failed-jobs retry',
  'cluster status',
  'webhook info',
  'webhook set',
  'webhook delete',
  'cache purge',
  'user forget',
] as const;
type Command = (typeof COMMANDS)[number];

/** Runs one command; returns the process exit code. */
export async function runOps(argv: string[], connect: OpsConnectors): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\n\n${USAGE}`);
  }
  const { values, positionals } = parsed;
  const [command, sub, ...rest] = positionals;
  if (values.help || !command) throw new UsageError(USAGE);
  const key = sub ? `${command} ${sub}` : command;
  if (!(COMMANDS as readonly string[]).includes(key))
    throw new UsageError(`unknown command "${key}"\n\n${USAGE}`);
  const limit = positiveInt(values.limit, '--limit');
  const targets = (): string[] | 'all' => {
    if (values.all) return 'all';
    if (values.id?.length) return values.id;
    throw new UsageError('say which: --id ID (repeatable) or --all');
  };
  const json = values.json;

  switch (key as Command) {
    case 'queues':
      return showQueues(await connect.redis(json));
    case 'dead-letters list':
      return listDeadLetters(await connect.redis(json), limit);
    case 'dead-letters replay':
      return replayDeadLetters(await connect.redis(json), targets());
    case 'failed-jobs list':
      return listFailedJobs(await connect.redis(json), limit);
    case 'failed-jobs retry':
      return retryFailedJobs(await connect.redis(json), targets());
    case 'cluster status':
      return showClusterStatus(
        await connect.cluster(json, {
          release: values.release,
          namespace: values.namespace,
          context: values.context,
          selector: values.selector,
        }),
      );
    case 'webhook info':
      return webhookInfo(await connect.telegram(json));
    case 'webhook set': {
      // Flags are checked before connecting, so a typo never reaches Telegram.
      const opts = {
        url: values.url,
        maxConnections:
          values['max-connections'] === undefined
            ? undefined
            : positiveInt(values['max-connections'], '--max-connections', 100),
        dropPendingUpdates: values['drop-pending-updates'],
      };
      return setWebhook(await connect.telegram(json), opts);
    }
    case 'webhook delete':
      return deleteWebhook(await connect.telegram(json), values['drop-pending-updates']);
    case 'cache purge': {
      const bot = botFlag(values.bot);
      const ctx = await connect.redis(json);
      return purgeCache(ctx, { botId: bot ?? ctx.botId, dryRun: values['dry-run'] });
    }
    case 'user forget': {
      const userId = rest[0];
      // Private chats have the user's id; groups (negative ids) are not one user's data.
      if (!userId || !/^[1-9]\d{0,15}$/.test(userId))
        throw new UsageError('say whose: parley-ops user forget <userId> (the numeric Telegram user id)');
      const bot = botFlag(values.bot);
      const ctx = await connect.redis(json);
      return forgetUser(ctx, { botId: bot ?? ctx.botId, userId: Number(userId), dryRun: values['dry-run'] });
    }
  }
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      json: { type: 'boolean', default: false },
      limit: { type: 'string', default: '100' },
      id: { type: 'string', multiple: true },
      all: { type: 'boolean', default: false },
      namespace: { type: 'string', short: 'n' },
      release: { type: 'string', default: 'parley' },
      context: { type: 'string' },
      selector: { type: 'string', short: 'l' },
      url: { type: 'string' },
      'max-connections': { type: 'string' },
      'drop-pending-updates': { type: 'boolean', default: false },
      bot: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
}

function botFlag(value: string | undefined): string | undefined {
  if (value !== undefined && !/^[a-z0-9][a-z0-9_-]{0,31}$/.test(value))
    throw new UsageError('--bot must be a bot id: 1-32 characters of a-z 0-9 _ -');
  return value;
}

function positiveInt(value: string, flag: string, max = Number.MAX_SAFE_INTEGER): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max)
    throw new UsageError(
      `${flag} must be a whole number from 1${max < Number.MAX_SAFE_INTEGER ? ` to ${max}` : ''}`,
    );
  return n;
}
