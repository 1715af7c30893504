import { type Behavior, DEFAULT_BEHAVIOR, type HpaSpec, type MetricTarget } from './hpa';
import { type ClusterModel, type SimResult, simulate } from './simulate';
import type { BurstProfile } from './workload';

/** One point of the grid: the worker HPA's metrics and behaviour. */
export interface Candidate {
  /** Target of waiting + active jobs per pod, as a share of a pod's concurrency. */
  utilization: number;
  metrics: MetricTarget[];
  behavior: Behavior;
}

export interface Scenario {
  cluster: ClusterModel;
  load: BurstProfile;
  durationSeconds: number;
  minReplicas: number;
  maxReplicas: number;
  tolerance: number;
  /** update→reply p95 the burst's updates must stay under, in seconds. */
  sloP95Seconds: number;
  seed: number;
  /** Each candidate runs with this many seeds (arrival noise) and must pass with all. @defaultValue 3 */
  seeds?: number;
}

export interface Evaluated {
  candidate: Candidate;
  /** The run with the scenario's seed (the one plotted). */
  result: SimResult;
  /** Over every seed: the worst burst p95, all flaps, the mean pod-seconds. */
  worstBurstP95: number;
  flaps: number;
  meanPodSeconds: number;
  meetsSlo: boolean;
}

/** A pod's lanes: what it can have in progress at its throughput (Little's law). */
export const podConcurrency = (c: ClusterModel) =>
  Math.max(1, Math.round(c.podThroughput * c.serviceSeconds));

export function hpaSpec(s: Scenario, c: Candidate): HpaSpec {
  return {
    minReplicas: s.minReplicas,
    maxReplicas: s.maxReplicas,
    tolerance: s.tolerance,
    metrics: c.metrics,
    behavior: c.behavior,
  };
}

export function evaluate(s: Scenario, candidate: Candidate): Evaluated {
  const runs = Array.from({ length: s.seeds ?? 3 }, (_, i) =>
    simulate({
      hpa: hpaSpec(s, candidate),
      cluster: s.cluster,
      load: s.load,
      durationSeconds: s.durationSeconds,
      seed: s.seed + i,
    }),
  );
  const worstBurstP95 = Math.max(...runs.map((r) => r.burstP95));
  const flaps = runs.reduce((sum, r) => sum + r.flaps, 0);
  const meanPodSeconds = runs.reduce((sum, r) => sum + r.podSeconds, 0) / runs.length;
  return {
    candidate,
    result: runs[0] as SimResult,
    worstBurstP95,
    flaps,
    meanPodSeconds,
    // A setting that scales back up soon after scaling down reacts to noise, whatever it costs.
    meetsSlo: worstBurstP95 <= s.sloP95Seconds && flaps === 0,
  };
}

function metricsFor(s: Scenario, utilization: number, ageTarget: number | undefined): MetricTarget[] {
  const inQueue: MetricTarget = {
    name: 'in_queue',
    type: 'AverageValue',
    target: Math.max(1, Math.round(podConcurrency(s.cluster) * utilization)),
  };
  return ageTarget === undefined
    ? [inQueue]
    : [inQueue, { name: 'oldest_age', type: 'Value', target: ageTarget }];
}

/** The values each dimension of the grid takes. */
export interface GridAxes {
  /** Target of waiting + active jobs per pod, as a share of a pod's concurrency. */
  utilization: number[];
  /** Target of the oldest waiting job's age (seconds) as a second metric; undefined: none. */
  ageTarget: Array<number | undefined>;
  upWindow: number[];
  /** Scale-up policies per 15 s: [percent, pods], the larger change wins (selectPolicy Max). */
  upPolicies: Array<readonly [number, number]>;
  downWindow: number[];
  /** Scale-down policy: percent per 60 s. */
  downPercent: number[];
}

/** 324 settings: metric target, optional age metric, scale-up speed, scale-down pace. */
export const FULL_GRID: GridAxes = {
  utilization: [0.5, 0.7, 0.85],
  ageTarget: [undefined, 15],
  upWindow: [0, 30],
  upPolicies: [
    [100, 4],
    [200, 8],
    [400, 16],
  ],
  downWindow: [60, 300, 600],
  downPercent: [10, 25, 50],
};

/** 12 settings for a first look (--quick). */
export const QUICK_GRID: GridAxes = {
  utilization: [0.7, 0.85],
  ageTarget: [undefined],
  upWindow: [0],
  upPolicies: FULL_GRID.upPolicies,
  downWindow: [300],
  downPercent: [10, 50],
};

export function candidates(s: Scenario, axes: GridAxes = FULL_GRID): Candidate[] {
  const out: Candidate[] = [];
  for (const utilization of axes.utilization)
    for (const ageTarget of axes.ageTarget)
      for (const upWindow of axes.upWindow)
        for (const [percent, pods] of axes.upPolicies)
          for (const downWindow of axes.downWindow)
            for (const downPercent of axes.downPercent)
              out.push({
                utilization,
                metrics: metricsFor(s, utilization, ageTarget),
                behavior: {
                  scaleUp: {
                    stabilizationWindowSeconds: upWindow,
                    selectPolicy: 'Max',
                    policies: [
                      { type: 'Percent', value: percent, periodSeconds: 15 },
                      { type: 'Pods', value: pods, periodSeconds: 15 },
                    ],
                  },
                  scaleDown: {
                    stabilizationWindowSeconds: downWindow,
                    selectPolicy: 'Max',
                    policies: [{ type: 'Percent', value: downPercent, periodSeconds: 60 }],
                  },
                },
              });
  return out;
}

/** Kubernetes' default behaviour with the same metrics, for comparison. */
export function withDefaultBehavior(c: Candidate): Candidate {
  return { ...c, behavior: DEFAULT_BEHAVIOR };
}

export interface SearchOutcome {
  all: Evaluated[];
  /** Cheapest setting that meets the SLO without flapping; undefined when none does. */
  best?: Evaluated;
  /** Lowest burst p95 of all, to show how far the SLO is when nothing meets it. */
  fastest: Evaluated;
}

/** Among settings that meet the SLO without flapping: fewest pod-seconds, then fewest changes. */
export function search(s: Scenario, list = candidates(s)): SearchOutcome {
  const all = list.map((c) => evaluate(s, c));
  const meeting = all
    .filter((e) => e.meetsSlo)
    .sort(
      (a, b) =>
        a.meanPodSeconds - b.meanPodSeconds ||
        a.result.scaleEvents - b.result.scaleEvents ||
        a.worstBurstP95 - b.worstBurstP95,
    );
  const fastest = [...all].sort(
    (a, b) => a.worstBurstP95 - b.worstBurstP95 || a.meanPodSeconds - b.meanPodSeconds,
  )[0] as Evaluated;
  return { all, best: meeting[0], fastest };
}
