import { RequestAbortedError } from './abort';
import { QueueFullError, Scheduler, type Slot } from './scheduler';

const live = () => new AbortController().signal;

describe('Scheduler', () => {
  it('admits up to capacity and then serves waiters in FIFO order', async () => {
    const scheduler = new Scheduler(2, 10);
    const a = await scheduler.acquire(live());
    await scheduler.acquire(live());
    const order: string[] = [];
    const track = (name: string) => (slot: Slot) => {
      order.push(name);
      return slot;
    };
    const c = scheduler.acquire(live()).then(track('c'));
    const d = scheduler.acquire(live()).then(track('d'));
    expect(scheduler.inFlight).toBe(2);
    expect(scheduler.queued).toBe(2);
    a.release();
    a.release(); // idempotent: must not admit a second waiter
    await c;
    expect(order).toEqual(['c']);
    expect(scheduler.inFlight).toBe(2);
    (await c).release();
    await d;
    expect(order).toEqual(['c', 'd']);
    expect(scheduler.maxInFlightSeen).toBe(2);
  });

  it('refuses when the queue is full', async () => {
    const scheduler = new Scheduler(1, 1);
    await scheduler.acquire(live());
    void scheduler.acquire(live());
    await expect(scheduler.acquire(live())).rejects.toBeInstanceOf(QueueFullError);
  });

  it('drops an aborted waiter from the queue', async () => {
    const scheduler = new Scheduler(1, 5);
    const held = await scheduler.acquire(live());
    const controller = new AbortController();
    const waiting = scheduler.acquire(controller.signal);
    controller.abort();
    await expect(waiting).rejects.toBeInstanceOf(RequestAbortedError);
    expect(scheduler.queued).toBe(0);
    held.release();
    expect(scheduler.inFlight).toBe(0);
  });

  it('admits waiters when the capacity grows', async () => {
    const scheduler = new Scheduler(1, 5);
    await scheduler.acquire(live());
    const waiting = scheduler.acquire(live());
    scheduler.setLimits(2, 5);
    await waiting;
    expect(scheduler.inFlight).toBe(2);
  });

  it('admits the sequences of one request one by one, and refuses a request whose waiters do not fit', async () => {
    const scheduler = new Scheduler(2, 3);
    const slots = scheduler.acquireMany(4, live());
    expect([scheduler.inFlight, scheduler.queued]).toEqual([2, 2]);
    // Two more would wait beside the two already waiting: 4 > maxQueue 3, refused as a whole.
    expect(() => scheduler.acquireMany(2, live())).toThrow(QueueFullError);
    expect(scheduler.queued).toBe(2);
    // One more fits.
    const last = scheduler.acquire(live());
    expect(scheduler.queued).toBe(3);
    (await slots[0])?.release();
    await slots[2];
    expect([scheduler.inFlight, scheduler.queued]).toEqual([2, 2]);
    for (const slot of [slots[1], slots[2], slots[3], last]) (await slot)?.release();
    expect([scheduler.inFlight, scheduler.queued]).toEqual([0, 0]);
  });
});
