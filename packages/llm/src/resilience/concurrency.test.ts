import { type LlmSim, startLlmSim } from '@parley/llm-sim';
import { createTestRedis, deleteKeysWithPrefix, uniquePrefix } from '@parley/testing';
import { createResilientLlm } from './resilient-llm';

describe('adaptive concurrency per backend', () => {
  const redis = createTestRedis();
  const prefix = uniquePrefix('llm-conc');
  let sim: LlmSim;
  beforeAll(async () => {
    sim = await startLlmSim({ ttftMs: 30, tokensPerSecond: 0, capacity: 64 });
  });
  afterAll(async () => {
    await sim.close();
    await deleteKeysWithPrefix(redis, prefix);
    await redis.quit();
  });

  it('holds the calls in flight to a backend at its adaptive limit', async () => {
    const events: Array<{ limit: number; inFlight: number }> = [];
    const llm = createResilientLlm({
      backends: [{ name: 'primary', baseURL: sim.baseURL, model: 'parley-sim-1' }],
      redis,
      keyPrefix: prefix,
      timeoutMs: 5_000,
      maxRetries: 0,
      concurrency: { initial: 3, max: 3 },
      onConcurrency: (e) => events.push(e),
    });
    sim.resetStats();
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        llm.complete({ temperature: 0, maxTokens: 50 }, [{ role: 'user', content: `question ${i}` }]),
      ),
    );
    expect(answers).toHaveLength(12);
    // Twelve callers, but never more than the limit at the backend at once.
    expect(sim.stats().maxInFlightSeen).toBeLessThanOrEqual(3);
    expect(events.some((e) => e.inFlight === 3)).toBe(true);
    expect(Math.max(...events.map((e) => e.limit))).toBe(3);
  });
});
