import { createHpa, type HpaSpec } from './hpa';
import { type BurstProfile, burstWindows, offeredRate, poisson, seededRandom } from './workload';

/** How the workers and the metrics pipeline behave, besides the HPA itself. */
export interface ClusterModel {
  /** Updates per second one ready worker pod answers (the measured per-pod throughput). */
  podThroughput: number;
  /** Seconds one update takes once a worker picks it (the LLM call and the reply). */
  serviceSeconds: number;
  /** Seconds from a pod's creation until it is ready and takes work (scheduling, start, probes). */
  podStartupSeconds: number;
  /** Prometheus scrape interval: the HPA sees the queue as it was at the last scrape. */
  scrapeIntervalSeconds: number;
  /** The controller's --horizontal-pod-autoscaler-sync-period. */
  syncPeriodSeconds: number;
}

/**
 * The metrics the HPA can be given, named as the queue gauges they stand for: `in_queue` is
 * waiting + active jobs (`parley_queue_jobs` of both states), `oldest_age` the age of the oldest
 * waiting job (`parley_queue_oldest_waiting_age_seconds`).
 */
export type SimMetric = 'in_queue' | 'waiting' | 'oldest_age';

export interface SimSample {
  t: number;
  offered: number;
  replicas: number;
  ready: number;
  waiting: number;
  inQueue: number;
}

export interface SimResult {
  /** One sample per second from t = 0 (the warm-up before it is not included). */
  samples: SimSample[];
  /** update→reply p95 of the updates that arrived in each `windowSeconds` window, by window start. */
  p95ByArrival: Array<{ t: number; p95: number }>;
  /** p95 and max of updates that arrived during a burst (its start to the end of its ramp down). */
  burstP95: number;
  burstMax: number;
  overallP95: number;
  /** Pod-seconds from t = 0 to the end: what the run cost. */
  podSeconds: number;
  peakReplicas: number;
  peakWaiting: number;
  /** Replica changes the HPA made, and how many scale-ups came within `flapWindowSeconds` of a scale-down. */
  scaleEvents: number;
  flaps: number;
}

export interface SimOptions {
  hpa: HpaSpec;
  cluster: ClusterModel;
  load: BurstProfile;
  durationSeconds: number;
  /** Seconds simulated before t = 0 at the base rate, so the run starts settled. @defaultValue 600 */
  warmupSeconds?: number;
  seed?: number;
  /** @defaultValue 15 */
  windowSeconds?: number;
  /** @defaultValue 300 */
  flapWindowSeconds?: number;
}

interface Cohort {
  arrivedAt: number;
  count: number;
}

/**
 * Second by second: arrivals join a FIFO backlog, ready pods take from its head at their
 * throughput, each taken update is answered `serviceSeconds` later; Prometheus scrapes the queue
 * gauges, and every sync period the HPA reads the last scrape and sets the replica count. New pods
 * work only once ready; removed pods stop at once (their lanes go back to the queue).
 */
export function simulate(o: SimOptions): SimResult {
  const { cluster, load } = o;
  const warmup = o.warmupSeconds ?? 600;
  const windowSeconds = o.windowSeconds ?? 15;
  const flapWindow = o.flapWindowSeconds ?? 300;
  const random = seededRandom(o.seed ?? 1);
  const hpa = createHpa(o.hpa);
  const capacityPerPod = cluster.podThroughput;
  const concurrency = Math.max(1, Math.round(capacityPerPod * cluster.serviceSeconds));

  let pods: number[] = Array.from({ length: o.hpa.minReplicas }, () => -Infinity); // readyAt times
  const backlog: Cohort[] = [];
  let waiting = 0;
  const servedRing = new Array<number>(Math.max(1, Math.ceil(cluster.serviceSeconds))).fill(0);
  let servedInService = 0;
  let scraped: Record<SimMetric, number> = { in_queue: 0, waiting: 0, oldest_age: 0 };
  const latencies = new Map<number, Array<[number, number]>>();
  const burstLatencies: Array<[number, number]> = [];
  const allLatencies: Array<[number, number]> = [];
  const bursts = burstWindows(load);
  const inBurst = (t: number) => bursts.some(([start, end]) => t >= start && t < end);

  const samples: SimSample[] = [];
  let podSeconds = 0;
  let peakReplicas = 0;
  let peakWaiting = 0;
  let scaleEvents = 0;
  let flaps = 0;
  let lastScaleDownAt = -Infinity;

  // Run on past the scenario until the backlog drains, so every update gets its latency.
  const hardStop = o.durationSeconds + 3_600;
  for (let t = -warmup; t < hardStop; t++) {
    if (t >= o.durationSeconds && waiting < 1e-9) break;
    const rate = t < o.durationSeconds ? offeredRate(load, Math.max(t, 0)) : load.baseRate;
    const arrivals = poisson(rate, random);
    if (arrivals > 0) backlog.push({ arrivedAt: t, count: arrivals });
    waiting += arrivals;

    let ready = 0;
    for (const readyAt of pods) if (readyAt <= t) ready++;
    let capacity = ready * capacityPerPod;
    let served = 0;
    while (capacity > 1e-9 && backlog.length) {
      const head = backlog[0] as Cohort;
      const take = Math.min(head.count, capacity);
      const latency = t - head.arrivedAt + cluster.serviceSeconds;
      const sample: [number, number] = [latency, take];
      // Updates that arrived during the warm-up are not part of the run.
      if (head.arrivedAt >= 0) {
        const w = Math.floor(head.arrivedAt / windowSeconds) * windowSeconds;
        const list = latencies.get(w) ?? [];
        latencies.set(w, list);
        list.push(sample);
        allLatencies.push(sample);
        if (inBurst(head.arrivedAt)) burstLatencies.push(sample);
      }
      head.count -= take;
      capacity -= take;
      served += take;
      if (head.count <= 1e-9) backlog.shift();
    }
    waiting = Math.max(0, waiting - served);
    const slot = mod(t, servedRing.length);
    servedInService += served - (servedRing[slot] as number);
    servedRing[slot] = served;
    // Little's law inside the pods: what was taken in the last service time is still being answered.
    const active = Math.min(Math.max(0, servedInService), ready * concurrency);

    if (mod(t, cluster.scrapeIntervalSeconds) === 0) {
      scraped = {
        in_queue: waiting + active,
        waiting,
        oldest_age: backlog.length ? t - (backlog[0] as Cohort).arrivedAt : 0,
      };
    }
    if (mod(t, cluster.syncPeriodSeconds) === 0) {
      const desired = hpa.reconcile({
        now: t,
        currentReplicas: pods.length,
        readyPods: ready,
        metrics: scraped,
      });
      if (desired !== pods.length && t >= 0) {
        scaleEvents++;
        if (desired > pods.length && t - lastScaleDownAt <= flapWindow) flaps++;
        if (desired < pods.length) lastScaleDownAt = t;
      }
      if (desired > pods.length) {
        pods = [
          ...pods,
          ...Array.from({ length: desired - pods.length }, () => t + cluster.podStartupSeconds),
        ];
      } else if (desired < pods.length) {
        // A ReplicaSet deletes pods that are not ready first, then the newest.
        pods = [...pods].sort((a, b) => a - b).slice(0, desired);
      }
    }

    if (t >= 0 && t < o.durationSeconds) {
      podSeconds += pods.length;
      peakReplicas = Math.max(peakReplicas, pods.length);
      peakWaiting = Math.max(peakWaiting, waiting);
      samples.push({ t, offered: rate, replicas: pods.length, ready, waiting, inQueue: waiting + active });
    }
  }

  const p95ByArrival = [...latencies.entries()]
    .filter(([t]) => t < o.durationSeconds)
    .sort((a, b) => a[0] - b[0])
    .map(([t, list]) => ({ t, p95: quantile(list, 0.95) }));
  return {
    samples,
    p95ByArrival,
    burstP95: quantile(burstLatencies, 0.95),
    burstMax: quantile(burstLatencies, 1),
    overallP95: quantile(allLatencies, 0.95),
    podSeconds,
    peakReplicas,
    peakWaiting,
    scaleEvents,
    flaps,
  };
}

const mod = (a: number, n: number) => ((a % n) + n) % n;

/** The q-quantile of weighted values ([value, weight] pairs). */
export function quantile(pairs: Array<[number, number]>, q: number): number {
  if (pairs.length === 0) return 0;
  const sorted = [...pairs].sort((a, b) => a[0] - b[0]);
  const total = sorted.reduce((sum, [, w]) => sum + w, 0);
  let seen = 0;
  for (const [value, weight] of sorted) {
    seen += weight;
    if (seen >= q * total - 1e-9) return value;
  }
  return (sorted.at(-1) as [number, number])[0];
}
