import type { LlmSim } from '@parley/llm-sim';
import type { Emulator } from '@parley/tg-emulator';
import { type BannerInfo, formatBanner } from './banner';
import { checkChildConfig, gatewayEnv, sharedChildEnv, workerEnv } from './child-env';
import { type ChildSpec, SupervisedChild } from './children';
import { type StackOutput, say } from './output';
import { entryArgs } from './paths';
import { choosePort, urlHost } from './ports';
import { waitUntilReady } from './readiness';
import { provideRedis } from './redis';
import { generateWebhookSecret } from './secrets';
import type { StackConfig } from './stack-config';
import { StackError } from './stack-error';
import { type LlmSide, llmNeedsSimulator, startLlmStandIn, startTelegramStandIn } from './stand-ins';
import {
  botUsername,
  ingestModeFor,
  publicWebhookUrl,
  setEmulatorWebhook,
  setTelegramWebhook,
} from './webhook';

export interface StackUrls {
  /** The gateway's base URL, e.g. http://127.0.0.1:8080. */
  gateway: string;
  /** Where updates are POSTed (by the emulator, or by Telegram through a public URL). */
  webhook: string;
  gatewayMetrics: string;
  gatewayReady: string;
  /** One per worker, in order. */
  workerMetrics: string[];
  workerReady: string[];
  /** The emulator's base URL (its chat page is at `/`), when it runs. */
  emulator?: string;
  /** The OpenAI-compatible base URL the workers use. */
  llm: string;
  redis: string;
}

export interface RunningStack {
  urls: StackUrls;
  /** The secret_token the gateway checks (given or generated). */
  webhookSecret: string;
  /** The bot token the children use (the real one, or the emulated bot's). */
  botToken: string;
  /** The in-process Telegram emulator, when no real bot token was given. */
  emulator?: Emulator;
  /** The in-process LLM simulator, when no LLM was configured. */
  llmSim?: LlmSim;
  /** gateway, worker-1, worker-2, ... */
  children: readonly SupervisedChild[];
  /** Resolves with the process exit code once the stack has stopped: 0 after stop(), 1 when it gave up. */
  finished: Promise<number>;
  /** Stops children (SIGTERM, then SIGKILL), stand-ins and a redis-server the stack started. */
  stop(): Promise<void>;
  /** Last resort for a stack process that is exiting right now: SIGKILL the children. */
  killNow(): void;
}

export interface RunStackOptions {
  /** Aborting it while the stack starts stops whatever was started; runStack then rejects. */
  signal?: AbortSignal;
}

interface Cleanup {
  what: string;
  run(): Promise<void>;
}

/**
 * Starts Redis (when needed), the stand-ins (when needed), the gateway and the workers, waits
 * until all of them are ready, connects Telegram to the gateway and prints the banner.
 * Rejects with StackError or ConfigError (one line each) after undoing what it started.
 */
export async function runStack(
  config: StackConfig,
  out: StackOutput,
  opts: RunStackOptions = {},
): Promise<RunningStack> {
  // Checked first: a missing build should be reported before anything starts.
  const gatewayArgs = entryArgs('gateway', config.fromSource);
  const workerArgs = entryArgs('worker', config.fromSource);

  const cleanups: Cleanup[] = [];
  const children: SupervisedChild[] = [];
  let resolveFinished: (code: number) => void = () => {};
  const finished = new Promise<number>((resolve) => {
    resolveFinished = resolve;
  });
  let stopping: Promise<void> | undefined;
  // Undo in reverse order of starting: children still use the stand-ins and Redis while they drain.
  const shutdown = (code: number): Promise<void> => {
    stopping ??= (async () => {
      for (const cleanup of [...cleanups].reverse()) {
        try {
          await cleanup.run();
        } catch (err) {
          say(out, `could not stop ${cleanup.what}: ${(err as Error).message}`);
        }
      }
      resolveFinished(code);
    })();
    return stopping;
  };

  const startup = new AbortController();
  const abortStartup = () => startup.abort();
  opts.signal?.addEventListener('abort', abortStartup, { once: true });
  const checkInterrupted = () => {
    if (startup.signal.aborted) throw new StackError('interrupted while starting');
  };

  try {
    const redis = await provideRedis(config, out);
    cleanups.push({ what: 'redis-server', run: () => redis.stop() });
    checkInterrupted();

    const taken = new Set<number>();
    const pickPort = async (label: string, wanted: number): Promise<number> => {
      const choice = await choosePort(wanted > 65_535 ? 0 : wanted, config.host, taken);
      if (choice.replaced !== undefined) {
        say(out, `port ${choice.replaced} (${label}) is busy; using ${choice.port} instead`);
      }
      return choice.port;
    };

    const emulatorPort = config.telegram.botToken ? 0 : await pickPort('emulator', config.ports.emulator);
    const telegram = await startTelegramStandIn(config, emulatorPort, out);
    if (telegram.kind === 'emulator') {
      cleanups.push({ what: 'the Telegram emulator', run: () => telegram.emulator.close() });
      say(out, `no TELEGRAM_BOT_TOKEN: started the Telegram emulator at ${telegram.emulator.url}`);
    }
    checkInterrupted();

    const simPort = llmNeedsSimulator(config) ? await pickPort('LLM simulator', config.ports.llmSim) : 0;
    const llm = await startLlmStandIn(config, simPort, out);
    if (llm.kind === 'simulator') {
      cleanups.push({ what: 'the LLM simulator', run: () => llm.sim.close() });
      say(out, `no OPENAI_API_KEY or OPENAI_BASE_URL: started the LLM simulator at ${llm.baseUrl}`);
    }
    checkInterrupted();

    const gatewayPort = await pickPort('gateway', config.ports.gateway);
    const metricsPorts: number[] = [];
    for (let i = 0; i < config.workers; i++) {
      const base = config.ports.workerMetrics;
      metricsPorts.push(await pickPort(`worker-${i + 1} metrics`, base === 0 ? 0 : base + i));
    }

    const webhookSecret = config.telegram.webhookSecret ?? generateWebhookSecret();
    const ingestMode = ingestModeFor(config, telegram);
    const shared = sharedChildEnv({ config, redisUrl: redis.url, telegram, llm, webhookSecret, ingestMode });
    const gatewayChildEnv = gatewayEnv(shared, config.host, gatewayPort);
    const workerChildEnvs = metricsPorts.map((port) => workerEnv(shared, config.host, port));
    const checked = checkChildConfig(gatewayChildEnv, workerChildEnvs[0] ?? shared);

    const host = urlHost(config.host);
    const gatewayUrl = `http://${host}:${gatewayPort}`;
    const workerUrls = metricsPorts.map((port) => `http://${host}:${port}`);
    const urls: StackUrls = {
      gateway: gatewayUrl,
      webhook: `${gatewayUrl}${config.telegram.webhookPath}`,
      gatewayMetrics: `${gatewayUrl}/metrics`,
      gatewayReady: `${gatewayUrl}/readyz`,
      workerMetrics: workerUrls.map((url) => `${url}/metrics`),
      workerReady: workerUrls.map((url) => `${url}/readyz`),
      emulator: telegram.kind === 'emulator' ? telegram.emulator.url : undefined,
      llm: checked.worker.llm.baseURL,
      redis: redis.url,
    };

    const supervise = (spec: ChildSpec) =>
      new SupervisedChild(spec, {
        out,
        index: children.length,
        restartDelayMs: config.supervision.restartDelayMs,
        maxRestartsPerMinute: config.supervision.maxRestartsPerMinute,
        onGiveUp: (reason) => {
          say(out, `stopping the stack: ${reason}`);
          void shutdown(1);
        },
      });
    children.push(supervise({ name: 'gateway', args: gatewayArgs, env: gatewayChildEnv }));
    workerChildEnvs.forEach((env, i) => {
      children.push(supervise({ name: `worker-${i + 1}`, args: workerArgs, env }));
    });
    cleanups.push({
      what: 'gateway and workers',
      run: async () => {
        await Promise.all(children.map((child) => child.stop(config.supervision.stopTimeoutMs)));
      },
    });
    say(
      out,
      `starting the gateway and ${config.workers} worker${config.workers === 1 ? '' : 's'}` +
        (config.fromSource ? ' from source (tsx)' : ''),
    );
    for (const child of children) child.start();

    const readyUrls = [urls.gatewayReady, ...urls.workerReady];
    await Promise.all(
      children.map((child, i) =>
        waitUntilReady(readyUrls[i] ?? '', {
          name: child.name,
          timeoutMs: config.supervision.readyTimeoutMs,
          exited: child.exited(),
          signal: startup.signal,
        }),
      ),
    );

    let username: string | undefined;
    if (telegram.kind === 'emulator') {
      if (ingestMode === 'webhook') {
        await setEmulatorWebhook(telegram.emulator.url, telegram.token, urls.webhook, webhookSecret);
      }
    } else {
      username = await botUsername(telegram);
      if (ingestMode === 'webhook' && config.telegram.webhookUrl) {
        await setTelegramWebhook(
          telegram,
          publicWebhookUrl(config.telegram.webhookUrl, config.telegram.webhookPath),
          webhookSecret,
        );
      }
    }
    checkInterrupted();

    // From here on a crash is a crash, not a failed start.
    for (const child of children) child.restartOnExit = true;

    const banner: BannerInfo = {
      telegram:
        telegram.kind === 'emulator'
          ? { kind: 'emulator', chatUrl: `${telegram.emulator.url}/` }
          : {
              kind: 'telegram',
              username,
              ingest: ingestMode,
              webhookUrl: config.telegram.webhookUrl
                ? publicWebhookUrl(config.telegram.webhookUrl, config.telegram.webhookPath)
                : undefined,
            },
      emulatorPolling: telegram.kind === 'emulator' && ingestMode === 'polling',
      gatewayWebhook: urls.webhook,
      gatewayMetrics: urls.gatewayMetrics,
      workerMetrics: urls.workerMetrics,
      llm: { description: describeLlm(llm, checked.worker.llm.baseURL), model: checked.worker.llm.model },
      redis: { url: redis.url, startedIn: redis.startedIn },
    };
    out.write('');
    for (const line of formatBanner(banner, out.color)) out.write(line);
    out.write('');

    return {
      urls,
      webhookSecret,
      botToken: telegram.token,
      emulator: telegram.kind === 'emulator' ? telegram.emulator : undefined,
      llmSim: llm.kind === 'simulator' ? llm.sim : undefined,
      children,
      finished,
      stop: () => shutdown(0),
      killNow: () => {
        for (const child of children) child.killNow();
      },
    };
  } catch (err) {
    startup.abort();
    await shutdown(1);
    throw err;
  } finally {
    opts.signal?.removeEventListener('abort', abortStartup);
  }
}

function describeLlm(llm: LlmSide, baseURL: string): string {
  switch (llm.kind) {
    case 'simulator':
      return `simulator at ${baseURL}`;
    case 'openai':
      return `OpenAI at ${baseURL}`;
    case 'compatible':
      return llm.apiKey
        ? `OpenAI-compatible API at ${baseURL}`
        : `OpenAI-compatible server at ${baseURL} (no key)`;
  }
}
