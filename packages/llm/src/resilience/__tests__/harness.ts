import { type LlmSim, startLlmSim } from '@parley/llm-sim';
import { createTestRedis, deleteKeysWithPrefix, uniquePrefix } from '@parley/testing';
import type { Redis } from 'ioredis';
import type { ChatMessage } from '../../chat';
import type { ResilientLlm, ResilientLlmEvent, ResilientLlmOptions } from '../options';
import { createResilientLlm } from '../resilient-llm';

export const MODEL = 'parley-sim-1';
export const params = { temperature: 0, maxTokens: 64 };
export const ask = (text = 'hello there'): ChatMessage[] => [{ role: 'user', content: text }];

/** Chat calls that reached a simulator (skipped backends must not add to this). */
export const chatRequests = (sim: LlmSim): number => sim.stats().byPath.chat.requests;

/**
 * Two instant simulators as backends `a` (primary) and `b` (fallback), a real Redis, and a fresh
 * key prefix per test so that no test sees another's pauses or circuits.
 */
export function useTwoBackends(label: string) {
  const redis: Redis = createTestRedis();
  const base = uniquePrefix(label);
  const extraConnections: Redis[] = [];
  let count = 0;
  const ctx = {
    redis,
    simA: undefined as unknown as LlmSim,
    simB: undefined as unknown as LlmSim,
    prefix: '',
    /** One "pod": its own ResilientLlm over the shared Redis and prefix. */
    pod(extra: Partial<ResilientLlmOptions> = {}): ResilientLlm {
      return createResilientLlm({
        backends: [
          { name: 'a', baseURL: ctx.simA.baseURL, model: MODEL },
          { name: 'b', baseURL: ctx.simB.baseURL, model: MODEL },
        ],
        redis,
        keyPrefix: ctx.prefix,
        timeoutMs: 2_000,
        maxRetries: 0,
        ...extra,
      });
    },
    /** Another Redis connection, as another pod would have; closed after the file. */
    connection(): Redis {
      const connection = createTestRedis();
      extraConnections.push(connection);
      return connection;
    },
  };

  beforeAll(async () => {
    [ctx.simA, ctx.simB] = await Promise.all([
      startLlmSim({ ttftMs: 0, tokensPerSecond: 0 }),
      startLlmSim({ ttftMs: 0, tokensPerSecond: 0 }),
    ]);
  });
  beforeEach(() => {
    count += 1;
    ctx.prefix = `${base}-${count}`;
  });
  afterEach(() => {
    for (const sim of [ctx.simA, ctx.simB]) {
      sim.clearFaults();
      sim.configure({ ttftMs: 0 });
      sim.resetStats();
    }
  });
  afterAll(async () => {
    await Promise.all([ctx.simA.close(), ctx.simB.close()]);
    await deleteKeysWithPrefix(redis, base);
    await Promise.all([redis, ...extraConnections].map((c) => c.quit()));
  });
  return ctx;
}

/** Collects observe events. */
export function recorder() {
  const events: ResilientLlmEvent[] = [];
  return { events, observe: (e: ResilientLlmEvent) => events.push(e) };
}
