import { setMaxListeners } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RequestAbortedError } from './abort';
import { handleTranscriptions, TRANSCRIPTIONS_PATH } from './audio/transcriptions';
import { checkApiKey } from './auth';
import { handleChatCompletions } from './chat-completions';
import { handleCompletions } from './completions';
import type { SimContext } from './context';
import { handleControl, type SimControl } from './control';
import { handleEmbeddings } from './embeddings';
import { ApiError, routeNotFound } from './errors';
import { FaultInjector, type FaultRule } from './faults';
import { type Call, readJsonBody, sendApiError, sendJson } from './http';
import { newId } from './ids';
import { handleGetModel, handleListModels } from './models';
import { checkSettings, type LatencyAndFaultSettings, type LlmSimOptions, resolveOptions } from './options';
import { Scheduler } from './scheduler';
import { type SimStats, type StatsPath, StatsRecorder } from './stats';
import { checkImageInputs } from './vision/vision-gate';

/** A running simulator. */
export interface LlmSim {
  /** `http://host:port`, without a trailing slash. */
  url: string;
  /** `url + '/v1'`, the `baseURL` for the OpenAI SDK. */
  baseURL: string;
  /** Stops listening, ends open requests (including hung ones) and clears all timers. */
  close(): Promise<void>;
  stats(): SimStats;
  injectFault(fault: FaultRule): void;
  clearFaults(): void;
  /** Changes latency, capacity and fault rates for the requests that follow. */
  configure(patch: Partial<LatencyAndFaultSettings>): void;
  /** Zeroes counters; `maxInFlightSeen` restarts from the current `inFlight`. */
  resetStats(): void;
}

function statsPathOf(path: string): StatsPath {
  if (path === '/v1/chat/completions') return 'chat';
  if (path === '/v1/completions') return 'completions';
  if (path === '/v1/embeddings') return 'embeddings';
  if (path === TRANSCRIPTIONS_PATH) return 'transcriptions';
  if (path === '/v1/models' || path.startsWith('/v1/models/')) return 'models';
  return 'other';
}

/** Routes one `/v1/*` request. */
async function dispatchApi(sim: SimContext, call: Call): Promise<void> {
  const method = call.req.method ?? 'GET';
  const { path } = call;
  if (method === 'POST' && path === '/v1/chat/completions') {
    checkImageInputs(sim, call.body);
    return handleChatCompletions(sim, call);
  }
  if (method === 'POST' && path === TRANSCRIPTIONS_PATH) return handleTranscriptions(sim, call);
  if (method === 'POST' && path === '/v1/completions') return handleCompletions(sim, call);
  if (method === 'POST' && path === '/v1/embeddings') return handleEmbeddings(sim, call);
  if (method === 'GET' && path === '/v1/models') return handleListModels(sim, call);
  if (method === 'GET' && path.startsWith('/v1/models/')) {
    return handleGetModel(sim, call, decodeURIComponent(path.slice('/v1/models/'.length)));
  }
  throw routeNotFound(method, path);
}

/** Starts the simulator and resolves once it listens. */
export async function startLlmSim(opts: LlmSimOptions = {}): Promise<LlmSim> {
  const resolved = resolveOptions(opts);
  const { logger } = resolved;
  const settings: LatencyAndFaultSettings = { ...resolved.settings };
  const sim: SimContext = {
    models: resolved.models,
    visionModels: resolved.visionModels,
    settings,
    scheduler: new Scheduler(settings.capacity, settings.maxQueue),
    faults: new FaultInjector(resolved.seed),
    stats: new StatsRecorder(),
    embeddingDimensions: resolved.embeddingDimensions,
    logger,
  };
  // Every request's controller, so close() can end waits and streams still in progress.
  const active = new Set<AbortController>();

  const control: SimControl = {
    configure(patch) {
      Object.assign(settings, checkSettings(patch));
      sim.scheduler.setLimits(settings.capacity, settings.maxQueue);
    },
    injectFault: (rule) => sim.faults.add(rule),
    clearFaults: () => sim.faults.clear(),
    resetStats() {
      sim.stats.reset();
      sim.scheduler.resetPeak();
    },
    stats: () =>
      sim.stats.snapshot({
        inFlight: sim.scheduler.inFlight,
        queued: sim.scheduler.queued,
        maxInFlightSeen: sim.scheduler.maxInFlightSeen,
      }),
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const controller = new AbortController();
    // Every sequence of a batched request (prompts × n) waits on this signal: no leak warning.
    setMaxListeners(0, controller.signal);
    active.add(controller);
    const path = (req.url ?? '/').split('?')[0]?.replace(/\/+$/, '') || '/';
    const isApi = path === '/v1' || path.startsWith('/v1/');
    const statsPath = statsPathOf(path);
    if (isApi) sim.stats.requestStarted(statsPath);
    res.on('close', () => {
      active.delete(controller);
      // Closed before the answer was complete: the client went away, so stop its work.
      if (!res.writableFinished) controller.abort();
      if (!isApi) return;
      if (!res.writableFinished) sim.stats.requestEnded(statsPath, 'aborted');
      else sim.stats.requestEnded(statsPath, res.statusCode < 400 ? 'completed' : 'error');
    });

    const call: Call = {
      req,
      res,
      signal: controller.signal,
      requestId: newId('req_'),
      body: undefined,
      path,
    };
    try {
      if (isApi) checkApiKey(req, resolved.apiKey);
      // Transcriptions take a multipart form, which their handler reads itself.
      if (req.method === 'POST' && path !== TRANSCRIPTIONS_PATH) call.body = await readJsonBody(req);
      if (isApi) await dispatchApi(sim, call);
      else if (path.startsWith('/_sim/')) handleControl(sim, control, call);
      else if (req.method === 'GET' && path === '/health') sendJson(call, 200, { status: 'ok' });
      else throw routeNotFound(req.method ?? 'GET', path);
    } catch (err) {
      if (res.headersSent || err instanceof RequestAbortedError) {
        // The client is gone, a hang ran out, or a stream broke mid-way: drop the connection,
        // as a crashed or restarted server would.
        if (!(err instanceof RequestAbortedError)) logger.error('llm-sim: request failed mid-answer', err);
        if (!res.writableEnded) res.destroy();
        return;
      }
      if (err instanceof ApiError) return sendApiError(call, err);
      logger.error('llm-sim: request failed', err);
      sendApiError(
        call,
        new ApiError(500, 'The server had an error while processing your request.', 'server_error'),
      );
    }
  }

  const server: Server = createServer((req, res) => {
    void handle(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(resolved.port, resolved.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = resolved.host.includes(':') ? `[${resolved.host}]` : resolved.host;
  const url = `http://${host}:${port}`;
  logger.info(`llm-sim listening on ${url}/v1 (models: ${resolved.models.join(', ')})`);
  if (!['127.0.0.1', '::1', 'localhost'].includes(resolved.host)) {
    logger.warn(`llm-sim: the /_sim control API is unauthenticated and reachable on ${resolved.host}`);
  }

  let closing: Promise<void> | undefined;
  return {
    url,
    baseURL: `${url}/v1`,
    close() {
      closing ??= new Promise<void>((resolve) => {
        for (const controller of active) controller.abort();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
    stats: control.stats,
    injectFault: control.injectFault,
    clearFaults: control.clearFaults,
    configure: control.configure,
    resetStats: control.resetStats,
  };
}
