import { formatReport } from './report';
import { runChaos } from './run-chaos';

/**
 * A small chaos run against the built gateway and worker (run `pnpm build` first; `pnpm test`
 * does): 300 messages over 40 chats, 2 workers, one worker SIGKILL, one Redis SIGKILL + restart,
 * 10% LLM errors, one burst of LLM 429s, one of Telegram 429s and 3% re-deliveries. Every message must get exactly one answer, in order.
 */
describe('chaos run (small)', () => {
  it('answers every message exactly once and in order despite the faults', async () => {
    const lines: string[] = [];
    const result = await runChaos({
      updates: 300,
      chats: 40,
      workers: 2,
      seed: 7,
      killEveryMs: [1_500, 2_500],
      maxWorkerKills: 1,
      redisRestarts: 1,
      llmErrorRate: 0.1,
      redeliverRate: 0.03,
      llm429Bursts: 1,
      telegram429Bursts: 1,
      turnGapMs: [300, 1_500],
      quietTimeoutS: 20,
      durationLimitS: 100,
      env: {
        PATH: process.env.PATH,
        // A killed worker's jobs come back after lock + stalled-check interval (30 s + 30 s by
        // default); shorter here, so that the run fits in a test.
        WORKER_LOCK_DURATION_MS: '5000',
        WORKER_STALLED_INTERVAL_MS: '2000',
        LANE_SWEEP_INTERVAL_MS: '2000',
        LANE_STALE_AFTER_MS: '5000',
      },
      log: (line) => lines.push(line),
    });
    if (!result.passed) console.log(`${lines.join('\n')}\n${formatReport(result)}`);

    expect(result.error).toBeUndefined();
    expect(result.counts.sent).toBe(300);
    expect(result.faults.workerKills).toBe(1);
    expect(result.faults.redisRestarts).toBe(1);
    expect(result.faults.redeliveries).toBeGreaterThan(0);
    expect({
      lost: result.counts.lost,
      duplicated: result.counts.duplicated,
      outOfOrder: result.counts.outOfOrder,
      apologies: result.counts.apologies,
      foreign: result.counts.foreign,
    }).toEqual({ lost: 0, duplicated: 0, outOfOrder: 0, apologies: 0, foreign: 0 });
    expect(result.passed).toBe(true);
    // Sampled, so present; and far from anything a backlog in process memory would need.
    expect(result.memory.workerPeakMiB).toBeGreaterThan(0);
    expect(result.memory.workerPeakMiB).toBeLessThan(512);
  }, 120_000);
});
