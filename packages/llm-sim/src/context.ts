import { RequestAbortedError, untilAborted } from './abort';
import { errorForStatus, modelNotFound, rateLimited } from './errors';
import type { FaultInjector, FaultPath } from './faults';
import type { LatencyAndFaultSettings, SimLogger } from './options';
import { QueueFullError, type Scheduler, type Slot } from './scheduler';
import type { StatsRecorder } from './stats';

/** Everything a handler needs from the running simulator. */
export interface SimContext {
  models: readonly string[];
  /** Models that see images (names or `*` patterns); undefined: all of them. */
  visionModels?: readonly string[] | undefined;
  /** Live settings; `configure` mutates this object. */
  settings: LatencyAndFaultSettings;
  scheduler: Scheduler;
  faults: FaultInjector;
  stats: StatsRecorder;
  embeddingDimensions: number;
  logger: SimLogger;
}

/** A fault-injected hang ends after this long even if the client never gives up. */
export const MAX_HANG_MS = 15 * 60_000;

export function requireModel(sim: SimContext, model: string): void {
  if (!sim.models.includes(model)) throw modelNotFound(model);
}

/**
 * Applies injected and random faults to one request: throws the ApiError to answer with, or for a
 * timeout fault waits (holding no slot) until the client disconnects and then throws
 * RequestAbortedError.
 */
export async function applyFaults(
  sim: SimContext,
  path: FaultPath,
  model: string,
  signal: AbortSignal,
): Promise<void> {
  const decision = sim.faults.decide(path, sim.settings);
  if (decision === undefined) return;
  sim.stats.faultInjected();
  if (decision.kind === 'timeout') {
    await untilAborted(signal, MAX_HANG_MS);
    throw new RequestAbortedError();
  }
  throw errorForStatus(decision.status, { model, retryAfterSeconds: decision.retryAfterSeconds });
}

/** Answers a `[[sim:error=STATUS]]` directive. */
export function directedError(sim: SimContext, status: number, model: string): never {
  sim.stats.faultInjected();
  throw errorForStatus(status, { model });
}

/**
 * One generation slot per sequence of a request, each resolving at its admission; throws a 429
 * at once when they do not fit in the queue (as a saturated vLLM/OpenAI would answer).
 */
export function acquireSlots(
  sim: SimContext,
  model: string,
  count: number,
  signal: AbortSignal,
): Promise<Slot>[] {
  try {
    return sim.scheduler.acquireMany(count, signal);
  } catch (err) {
    if (err instanceof QueueFullError) {
      sim.stats.queueRejected();
      throw rateLimited(model);
    }
    throw err;
  }
}
