import { startLlmSim } from '@parley/llm-sim';
import { sleep, waitFor } from '@parley/testing';
import { ask, chatRequests, MODEL, params, recorder, useTwoBackends } from './__tests__/harness';
import type { BreakerState } from './breaker';
import type { ResilientLlm } from './options';

const t = useTwoBackends('llm-breaker');

function breakerLog() {
  const changes: Array<[string, BreakerState]> = [];
  return {
    changes,
    onBreakerChange: (e: { backend: string; state: BreakerState }) => changes.push([e.backend, e.state]),
  };
}

const stateOfA = async (pod: ResilientLlm) => (await pod.status())[0]?.breaker;

const halfOpen = (pod: ResilientLlm) =>
  waitFor(async () => (await stateOfA(pod)) === 'half_open', { timeoutMs: 5_000, what: 'half-open' });

describe('circuit breaker shared through Redis', () => {
  it('opens after failureThreshold failures; then every pod skips the backend', async () => {
    const { changes, onBreakerChange } = breakerLog();
    const pod = t.pod({
      breaker: { failureThreshold: 3, minimumRequests: 1, windowMs: 10_000, openMs: 5_000 },
      onBreakerChange,
    });
    t.simA.injectFault({ status: 500, times: 3 });

    for (let i = 0; i < 2; i++) expect((await pod.complete(params, ask())).backend).toBe('b');
    expect(await stateOfA(pod)).toBe('closed');
    expect(changes).toEqual([]);
    expect((await pod.complete(params, ask())).backend).toBe('b');
    expect(changes).toEqual([['a', 'open']]);
    expect(chatRequests(t.simA)).toBe(3);

    const { events, observe } = recorder();
    const otherPod = t.pod({ redis: t.connection(), observe });
    expect((await otherPod.complete(params, ask())).backend).toBe('b');
    expect(chatRequests(t.simA)).toBe(3);
    expect(events[0]).toEqual({ backend: 'a', model: 'parley-sim-1', outcome: 'skipped_open', seconds: 0 });
    expect(await otherPod.status()).toEqual([
      { name: 'a', pausedMs: 0, breaker: 'open' },
      { name: 'b', pausedMs: 0, breaker: 'closed' },
    ]);
    const openFor = await t.redis.pttl(`${t.prefix}:llm:{a}:breaker:open`);
    expect(openFor).toBeGreaterThan(4_000);
    expect(openFor).toBeLessThanOrEqual(5_000);
  });

  it('after openMs lets exactly one of 5 concurrent pods try; its success closes the circuit', async () => {
    const { changes, onBreakerChange } = breakerLog();
    const settings = { breaker: { failureThreshold: 1, minimumRequests: 1, openMs: 400 }, onBreakerChange };
    const first = t.pod(settings);
    t.simA.injectFault({ status: 500 });
    expect((await first.complete(params, ask())).backend).toBe('b');
    expect(await stateOfA(first)).toBe('open');

    await halfOpen(first);
    t.simA.resetStats();
    // A slow primary keeps the trial in flight while the other pods ask for it.
    t.simA.configure({ ttftMs: 600 });
    const pods = Array.from({ length: 5 }, () => t.pod({ ...settings, redis: t.connection() }));
    const pending = pods.map((pod) => pod.complete(params, ask()));
    await waitFor(() => chatRequests(t.simA) === 1, { what: 'the trial call' });
    expect(await stateOfA(first)).toBe('half_open');
    const results = await Promise.all(pending);

    expect(chatRequests(t.simA)).toBe(1);
    expect(results.map((r) => r.backend).sort()).toEqual(['a', 'b', 'b', 'b', 'b']);
    expect(changes).toEqual([
      ['a', 'open'],
      ['a', 'half_open'],
      ['a', 'closed'],
    ]);
    expect(await stateOfA(first)).toBe('closed');
    t.simA.configure({ ttftMs: 0 });
    expect((await first.complete(params, ask())).backend).toBe('a');
  });

  it('a failed trial opens the circuit again', async () => {
    const { changes, onBreakerChange } = breakerLog();
    const pod = t.pod({ breaker: { failureThreshold: 1, minimumRequests: 1, openMs: 400 }, onBreakerChange });
    t.simA.injectFault({ status: 500, times: 2 });
    await pod.complete(params, ask());
    await halfOpen(pod);

    expect((await pod.complete(params, ask())).backend).toBe('b');
    expect(chatRequests(t.simA)).toBe(2);
    expect(await stateOfA(pod)).toBe('open');
    expect(changes).toEqual([
      ['a', 'open'],
      ['a', 'half_open'],
      ['a', 'open'],
    ]);
    expect((await pod.complete(params, ask())).backend).toBe('b');
    expect(chatRequests(t.simA)).toBe(2);
  });

  it('ignores the late failure of a call that started before the circuit opened', async () => {
    const pod = t.pod({ breaker: { failureThreshold: 1, minimumRequests: 1, openMs: 300 }, timeoutMs: 900 });
    t.simA.injectFault({ status: 'timeout' });
    const slow = pod.complete(params, ask());
    await waitFor(() => chatRequests(t.simA) === 1, { what: 'the slow call' });
    t.simA.injectFault({ status: 500 });
    await pod.complete(params, ask());
    await halfOpen(pod);

    // The slow call times out now; it says nothing about the backend since the circuit opened.
    expect((await slow).backend).toBe('b');
    expect(await stateOfA(pod)).toBe('half_open');
  });

  it('counts only the failures within windowMs', async () => {
    const pod = t.pod({
      breaker: { failureThreshold: 3, minimumRequests: 1, windowMs: 1_000, openMs: 5_000 },
    });
    t.simA.injectFault({ status: 500, times: 4 });
    await pod.complete(params, ask());
    await sleep(600);
    await pod.complete(params, ask());
    await sleep(600);
    // The first failure has left the window: two are in it.
    await pod.complete(params, ask());
    expect(await stateOfA(pod)).toBe('closed');
    await pod.complete(params, ask());
    expect(await stateOfA(pod)).toBe('open');
    expect(chatRequests(t.simA)).toBe(4);
  });

  it('does not count 429s or bad requests as failures', async () => {
    const pod = t.pod({ breaker: { failureThreshold: 1, minimumRequests: 1, openMs: 5_000 } });
    t.simA.injectFault({ status: 429, retryAfter: 0.2 });
    expect((await pod.complete(params, ask())).backend).toBe('b');
    await waitFor(async () => (await pod.status())[0]?.pausedMs === 0, { what: 'pause end' });
    await expect(pod.complete(params, ask('[[sim:error=400]] hi'))).rejects.toMatchObject({ status: 400 });
    await expect(pod.complete(params, ask('[[sim:error=422]] hi'))).rejects.toMatchObject({ status: 422 });

    expect(chatRequests(t.simA)).toBe(3);
    expect(chatRequests(t.simB)).toBe(1);
    expect(await stateOfA(pod)).toBe('closed');
    expect((await pod.complete(params, ask())).backend).toBe('a');
  });

  it('a trial that gets a 429 hands the trial back for after the pause', async () => {
    const { changes, onBreakerChange } = breakerLog();
    const pod = t.pod({ breaker: { failureThreshold: 1, minimumRequests: 1, openMs: 300 }, onBreakerChange });
    t.simA.injectFault({ status: 500 });
    await pod.complete(params, ask());
    await halfOpen(pod);

    t.simA.injectFault({ status: 429, retryAfter: 0.3 });
    expect((await pod.complete(params, ask())).backend).toBe('b');
    // Rate limited says nothing about health: still half-open, now also paused.
    const [a] = await pod.status();
    expect(a?.breaker).toBe('half_open');
    expect(a?.pausedMs).toBeGreaterThan(0);

    // Without the hand-back the lock would block trials for timeoutMs + 1 s (3 s here).
    await waitFor(async () => (await pod.status())[0]?.pausedMs === 0, { what: 'pause end' });
    expect((await pod.complete(params, ask())).backend).toBe('a');
    expect(await stateOfA(pod)).toBe('closed');
    expect(changes).toEqual([
      ['a', 'open'],
      ['a', 'half_open'],
      ['a', 'half_open'],
      ['a', 'closed'],
    ]);
  });
});

describe('circuit breaker on a failure rate', () => {
  const askTimes = async (pod: ResilientLlm, times: number) => {
    for (let i = 0; i < times; i++) await pod.complete(params, ask());
  };

  it('keeps using a backend that fails 20% of calls, though its failures pass failureThreshold', async () => {
    // Seeded, so that the same calls fail on every run.
    const flaky = await startLlmSim({ ttftMs: 0, tokensPerSecond: 0, seed: 20 });
    try {
      const { changes, onBreakerChange } = breakerLog();
      const { events, observe } = recorder();
      const pod = t.pod({
        backends: [
          { name: 'a', baseURL: flaky.baseURL, model: MODEL },
          { name: 'b', baseURL: t.simB.baseURL, model: MODEL },
        ],
        breaker: { failureThreshold: 5, failureRatio: 0.5, minimumRequests: 20 },
        onBreakerChange,
        observe,
      });
      flaky.injectFault({ status: 500, probability: 0.2 });
      await askTimes(pod, 60);

      const outcomesOfA = events.filter((e) => e.backend === 'a').map((e) => e.outcome);
      const failures = outcomesOfA.filter((o) => o === 'server_error').length;
      // Enough failures within the window to open a breaker that counted them alone.
      expect(failures).toBeGreaterThanOrEqual(5);
      expect(failures).toBeLessThan(20);
      expect(outcomesOfA).not.toContain('skipped_open');
      expect(chatRequests(flaky)).toBe(60);
      expect(changes).toEqual([]);
      expect(await stateOfA(pod)).toBe('closed');
    } finally {
      await flaky.close();
    }
  });

  it('opens a backend that always fails once minimumRequests calls are in the window', async () => {
    const { changes, onBreakerChange } = breakerLog();
    const pod = t.pod({
      breaker: { failureThreshold: 5, failureRatio: 0.5, minimumRequests: 20, openMs: 5_000 },
      onBreakerChange,
    });
    t.simA.injectFault({ status: 500, probability: 1 });

    await askTimes(pod, 19);
    expect(await stateOfA(pod)).toBe('closed');
    expect(changes).toEqual([]);
    expect((await pod.complete(params, ask())).backend).toBe('b');
    expect(changes).toEqual([['a', 'open']]);
    expect(chatRequests(t.simA)).toBe(20);
    expect((await pod.complete(params, ask())).backend).toBe('b');
    expect(chatRequests(t.simA)).toBe(20);
  });

  it('does not open a quiet backend before failureThreshold failures, whatever the rate', async () => {
    const { changes, onBreakerChange } = breakerLog();
    const pod = t.pod({
      breaker: { failureThreshold: 5, failureRatio: 0.5, minimumRequests: 1, openMs: 5_000 },
      onBreakerChange,
    });
    t.simA.injectFault({ status: 500, probability: 1 });

    // Three calls, all failed: a rate of 100%, but too few failures to judge the backend.
    await askTimes(pod, 3);
    expect(await stateOfA(pod)).toBe('closed');
    await askTimes(pod, 1);
    expect(await stateOfA(pod)).toBe('closed');
    await askTimes(pod, 1);
    expect(changes).toEqual([['a', 'open']]);
    expect(chatRequests(t.simA)).toBe(5);
  });

  it('counts successes in the window: they lower the rate and add to the volume', async () => {
    const { changes, onBreakerChange } = breakerLog();
    const pod = t.pod({
      breaker: { failureThreshold: 5, failureRatio: 0.5, minimumRequests: 10, openMs: 5_000 },
      onBreakerChange,
    });
    for (let i = 0; i < 6; i++) expect((await pod.complete(params, ask())).backend).toBe('a');
    t.simA.injectFault({ status: 500, probability: 1 });

    // 6 successes and 5 failures: enough failures and calls, but a rate of 45%.
    await askTimes(pod, 5);
    expect(await stateOfA(pod)).toBe('closed');
    // 6 and 6: 50% of 12 calls. Without the successes, 6 failures would be under minimumRequests.
    await askTimes(pod, 1);
    expect(changes).toEqual([['a', 'open']]);
    expect(chatRequests(t.simA)).toBe(12);
  });

  it('forgets the successes that have left the window', async () => {
    const { changes, onBreakerChange } = breakerLog();
    const pod = t.pod({
      breaker: { failureThreshold: 3, failureRatio: 0.5, minimumRequests: 3, windowMs: 1_000, openMs: 5_000 },
      onBreakerChange,
    });
    await askTimes(pod, 4);
    await sleep(600);
    // This one keeps the set alive, so only trimming can drop the first 4.
    await askTimes(pod, 1);
    await sleep(700);
    t.simA.injectFault({ status: 500, probability: 1 });

    // 3 failures of 4 calls in the window; had the first 4 successes stayed, 3 of 8.
    await askTimes(pod, 3);
    expect(changes).toEqual([['a', 'open']]);
    expect(chatRequests(t.simA)).toBe(8);
  });

  it('writes successes to the window in batches of 16, each member counting its batch', async () => {
    const pod = t.pod({ breaker: { failureThreshold: 5, minimumRequests: 20 } });
    const successes = `${t.prefix}:llm:{a}:breaker:successes`;
    await askTimes(pod, 15);
    expect(await t.redis.exists(successes)).toBe(0);
    await askTimes(pod, 1);
    const members = await t.redis.zrange(successes, 0, -1);
    expect(members).toHaveLength(1);
    expect(members[0]).toMatch(/^w16:/);
    expect(await t.redis.pttl(successes)).toBeGreaterThan(0);
  });

  it('writes an old batch with its own time, so it leaves the window when its successes do', async () => {
    const pod = t.pod({ breaker: { failureThreshold: 5, minimumRequests: 20, windowMs: 2_000 } });
    const successes = `${t.prefix}:llm:{a}:breaker:successes`;
    await askTimes(pod, 3);
    await sleep(400); // past the batch age limit (a tenth of the window)
    await askTimes(pod, 1);
    const [member, score] = await t.redis.zrange(successes, 0, -1, 'WITHSCORES');
    expect(member).toMatch(/^w3:/);
    const [seconds, micros] = await t.redis.time();
    const age = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000) - Number(score);
    expect(age).toBeGreaterThanOrEqual(380);
  });

  it('ignores the late success of a call that started before the circuit opened', async () => {
    const pod = t.pod({ breaker: { failureThreshold: 1, minimumRequests: 1, openMs: 5_000 } });
    t.simA.configure({ ttftMs: 500 });
    const slow = pod.complete(params, ask());
    await waitFor(() => chatRequests(t.simA) === 1, { what: 'the slow call' });
    // Faults answer before the simulated latency: this call fails at once and opens the circuit.
    t.simA.injectFault({ status: 500 });
    expect((await pod.complete(params, ask())).backend).toBe('b');
    expect(await stateOfA(pod)).toBe('open');

    expect((await slow).backend).toBe('a');
    expect(await stateOfA(pod)).toBe('open');
    expect(await t.redis.exists(`${t.prefix}:llm:{a}:breaker:successes`)).toBe(0);
  });
});
