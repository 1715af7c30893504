import { createTestRedis, deleteKeysWithPrefix, uniquePrefix, waitFor } from '@parley/testing';
import { Redis } from 'ioredis';
import { createSingleFlight, singleFlightKeys } from './single-flight';

const base = uniquePrefix('single-flight');
let podOneRedis: Redis;
let podTwoRedis: Redis;
let prefix = '';
let count = 0;

beforeAll(() => {
  podOneRedis = createTestRedis();
  podTwoRedis = createTestRedis();
});
beforeEach(() => {
  count += 1;
  prefix = `${base}-${count}`;
});
afterAll(async () => {
  await deleteKeysWithPrefix(podOneRedis, base);
  await Promise.all([podOneRedis.quit(), podTwoRedis.quit()]);
});

/** A promise that the test settles. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('single-flight', () => {
  it('runs compute once for 20 concurrent identical calls in one pod', async () => {
    const flight = createSingleFlight(podOneRedis, { keyPrefix: prefix });
    let calls = 0;
    const compute = async () => {
      calls += 1;
      await new Promise((r) => setTimeout(r, 50));
      return { answer: 42 };
    };
    const results = await Promise.all(Array.from({ length: 20 }, () => flight.run('same prompt', compute)));
    expect(calls).toBe(1);
    expect(results.every((r) => r.value.answer === 42)).toBe(true);
    expect(results.filter((r) => !r.shared)).toHaveLength(1);
    // Different keys are not merged, and a later call (after the first finished) computes again.
    await flight.run('other prompt', compute);
    await flight.run('same prompt', compute);
    expect(calls).toBe(3);
  });

  it('merges in the pod on its own, even when Redis cannot be reached', async () => {
    // Port 1 refuses connections and the client fails commands at once instead of queueing them.
    const down = new Redis('redis://127.0.0.1:1', {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
    });
    const errors: unknown[] = [];
    const flight = createSingleFlight(down, { keyPrefix: prefix, onRedisError: (e) => errors.push(e) });
    let calls = 0;
    const compute = async () => {
      calls += 1;
      await new Promise((r) => setTimeout(r, 50));
      return 'answer';
    };
    const results = await Promise.all(Array.from({ length: 20 }, () => flight.run('same prompt', compute)));
    expect(calls).toBe(1);
    expect(results.map((r) => r.value)).toEqual(Array(20).fill('answer'));
    expect(errors).toHaveLength(1);
    down.disconnect();
  });

  it('computes once across two pods; both get the value and the right shared flag', async () => {
    const podOne = createSingleFlight(podOneRedis, { keyPrefix: prefix });
    const podTwo = createSingleFlight(podTwoRedis, { keyPrefix: prefix });
    let calls = 0;
    const gate = deferred<void>();
    const compute = async () => {
      calls += 1;
      await gate.promise;
      return ['the', 'answer'];
    };
    const first = podOne.run('prompt', compute);
    await waitFor(async () => (await podOneRedis.exists(singleFlightKeys(prefix, 'prompt').lock)) === 1, {
      what: 'pod one holding the lock',
    });
    const second = Promise.all([podTwo.run('prompt', compute), podTwo.run('prompt', compute)]);
    await new Promise((r) => setTimeout(r, 100));
    gate.resolve();
    const [one, [two, twoAgain]] = await Promise.all([first, second]);

    expect(calls).toBe(1);
    expect(one).toEqual({ value: ['the', 'answer'], shared: false });
    expect(two).toEqual({ value: ['the', 'answer'], shared: true });
    expect(twoAgain).toEqual({ value: ['the', 'answer'], shared: true });
    // The lock is released as the result is published.
    expect(await podOneRedis.exists(singleFlightKeys(prefix, 'prompt').lock)).toBe(0);
  });

  it("lets a waiter compute when the winner fails, without sharing the winner's error", async () => {
    const podOne = createSingleFlight(podOneRedis, { keyPrefix: prefix });
    const podTwo = createSingleFlight(podTwoRedis, { keyPrefix: prefix, waitTimeoutMs: 5_000 });
    const gate = deferred<void>();
    const failing = podOne.run('prompt', async () => {
      await gate.promise;
      throw new Error('backend down');
    });
    await waitFor(async () => (await podOneRedis.exists(singleFlightKeys(prefix, 'prompt').lock)) === 1, {
      what: 'pod one holding the lock',
    });
    let waiterCalls = 0;
    const waiter = podTwo.run('prompt', async () => {
      waiterCalls += 1;
      return 'from the waiter';
    });
    await new Promise((r) => setTimeout(r, 100));
    expect(waiterCalls).toBe(0);
    const released = Date.now();
    gate.resolve();

    await expect(failing).rejects.toThrow('backend down');
    await expect(waiter).resolves.toEqual({ value: 'from the waiter', shared: false });
    expect(waiterCalls).toBe(1);
    // It took over because the lock was handed back, not because its own wait ran out.
    expect(Date.now() - released).toBeLessThan(1_000);
  });

  it('computes itself once waitTimeoutMs has passed', async () => {
    const podOne = createSingleFlight(podOneRedis, { keyPrefix: prefix });
    const podTwo = createSingleFlight(podTwoRedis, { keyPrefix: prefix, waitTimeoutMs: 300 });
    const gate = deferred<void>();
    const slow = podOne.run('prompt', async () => {
      await gate.promise;
      return 'slow';
    });
    await waitFor(async () => (await podOneRedis.exists(singleFlightKeys(prefix, 'prompt').lock)) === 1, {
      what: 'pod one holding the lock',
    });
    const started = Date.now();
    const impatient = await podTwo.run('prompt', async () => 'own');
    const waited = Date.now() - started;
    expect(impatient).toEqual({ value: 'own', shared: false });
    expect(waited).toBeGreaterThanOrEqual(280);
    expect(waited).toBeLessThan(2_000);
    gate.resolve();
    await expect(slow).resolves.toEqual({ value: 'slow', shared: false });
  });

  it('hashes keys and tags them per key', () => {
    const keys = singleFlightKeys('p', 'what is the capital of France?');
    expect(keys.lock).toMatch(/^p:sf:\{[0-9a-f]{64}\}:lock$/);
    expect(keys.result).toBe(keys.lock.replace(/:lock$/, ':result'));
    expect(singleFlightKeys('p', 'other').lock).not.toBe(keys.lock);
  });
});
