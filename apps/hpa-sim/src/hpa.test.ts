import { type Behavior, createHpa, DEFAULT_BEHAVIOR, type HpaSpec } from './hpa';

const queueMetric = { name: 'in_queue', type: 'AverageValue', target: 10 } as const;
const spec = (over: Partial<HpaSpec> = {}): HpaSpec => ({
  minReplicas: 1,
  maxReplicas: 100,
  metrics: [queueMetric],
  behavior: DEFAULT_BEHAVIOR,
  ...over,
});

/** Syncs every 15 s with a fixed metric value; returns the replica count after each sync. */
function run(
  hpaSpec: HpaSpec,
  start: number,
  usage: (t: number) => number,
  syncs: number,
  ready?: number,
): number[] {
  const hpa = createHpa(hpaSpec);
  let replicas = start;
  const out: number[] = [];
  for (let i = 0; i < syncs; i++) {
    const now = i * 15;
    replicas = hpa.reconcile({
      now,
      currentReplicas: replicas,
      readyPods: ready ?? replicas,
      metrics: { in_queue: usage(now), oldest_age: usage(now) },
    });
    out.push(replicas);
  }
  return out;
}

describe('HPA replica decision', () => {
  it('keeps the count within the 10 % tolerance and otherwise sets ceil(usage / target)', () => {
    expect(run(spec(), 4, () => 43, 1)).toEqual([4]); // ratio 1.075
    expect(run(spec(), 4, () => 45, 1)).toEqual([5]); // ratio 1.125 → ceil(4.5)
    expect(run(spec(), 4, () => 36.5, 1)).toEqual([4]); // ratio 0.9125
  });

  it('scales up by default at most +100 % or +4 pods per 15 s, whichever is more', () => {
    expect(run(spec(), 2, () => 1_000, 5)).toEqual([6, 12, 24, 48, 96]);
  });

  it('holds the highest recommendation of the last 300 s before scaling down by default', () => {
    const usage = (t: number) => (t < 60 ? 200 : 20);
    const replicas = run(spec(), 20, usage, 30);
    // The last recommendation of 20 (t=45) holds the count while it is inside the window, that is
    // through t=330; at t=345 it has left the window and the count drops at once (-100 % allowed).
    expect(replicas.slice(0, 23)).toEqual(new Array(23).fill(20));
    expect(replicas[23]).toBe(2);
  });

  it('limits scale-down by its policies, and selectPolicy Min picks the smaller change', () => {
    const behavior: Behavior = {
      scaleUp: DEFAULT_BEHAVIOR.scaleUp,
      scaleDown: {
        stabilizationWindowSeconds: 0,
        selectPolicy: 'Min',
        policies: [
          { type: 'Percent', value: 50, periodSeconds: 60 },
          { type: 'Pods', value: 2, periodSeconds: 60 },
        ],
      },
    };
    // Min of (-50 %, -2 pods) is -2 pods per 60 s.
    expect(run(spec({ behavior }), 20, () => 10, 9)).toEqual([18, 18, 18, 18, 16, 16, 16, 16, 14]);
  });

  it('rounds a percentage scale-up up, so one pod can grow', () => {
    const behavior: Behavior = {
      ...DEFAULT_BEHAVIOR,
      scaleUp: {
        stabilizationWindowSeconds: 0,
        selectPolicy: 'Max',
        policies: [{ type: 'Percent', value: 10, periodSeconds: 60 }],
      },
    };
    expect(run(spec({ behavior }), 1, () => 100, 1)).toEqual([2]);
  });

  it('uses a scale-up stabilization window as the lowest recent recommendation', () => {
    const behavior: Behavior = {
      ...DEFAULT_BEHAVIOR,
      scaleUp: { ...DEFAULT_BEHAVIOR.scaleUp, stabilizationWindowSeconds: 30 },
    };
    const usage = (t: number) => (t === 0 ? 20 : 200);
    // At t=15 the recommendation of 2 made at t=0 is still inside the 30 s window; at t=30 it is not.
    expect(run(spec({ behavior }), 2, usage, 4)).toEqual([2, 2, 6, 12]);
  });

  it('scales a Value target by the ready pods only', () => {
    const ageOnly = spec({ metrics: [{ name: 'oldest_age', type: 'Value', target: 10 }] });
    // Age 40 s against 10 s: four times the ready pods (3 of the 10), not four times the replicas.
    expect(run(ageOnly, 10, () => 40, 1, 3)).toEqual([12]);
    expect(run(ageOnly, 4, () => 20, 1, 4)).toEqual([8]);
  });

  it('stays within minReplicas and maxReplicas, and skips missing metrics', () => {
    expect(run(spec({ maxReplicas: 5 }), 2, () => 1_000, 3)).toEqual([5, 5, 5]);
    expect(run(spec({ minReplicas: 3 }), 2, () => 0, 1)).toEqual([3]);
    expect(run(spec(), 7, () => Number.NaN, 2)).toEqual([7, 7]);
  });
});
