import { PendingSuccesses } from './pending-successes';

describe('PendingSuccesses', () => {
  it('hands over a batch once it is full', () => {
    let now = 1_000;
    const pending = new PendingSuccesses(3, 500, () => now);
    expect(pending.add()).toEqual([]);
    now += 10;
    expect(pending.add()).toEqual([]);
    now += 10;
    expect(pending.add()).toEqual([{ count: 3, ageMs: 20 }]);
    expect(pending.take()).toEqual({ count: 0, ageMs: 0 });
  });

  it('hands over an old batch with its age before starting a new one', () => {
    let now = 0;
    const pending = new PendingSuccesses(10, 500, () => now);
    pending.add();
    pending.add();
    now = 600;
    expect(pending.add()).toEqual([{ count: 2, ageMs: 600 }]);
    now = 700;
    expect(pending.take()).toEqual({ count: 1, ageMs: 100 });
  });
});
