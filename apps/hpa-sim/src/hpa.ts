/**
 * The HorizontalPodAutoscaler's replica decision (autoscaling/v2), as the Kubernetes controller
 * makes it on every sync: replicas per metric with the tolerance, the largest over the metrics,
 * then the behaviour: stabilization windows over past recommendations, then the scaling policies'
 * rate limits over past scale events, then minReplicas/maxReplicas. Names follow the controller's
 * (pkg/controller/podautoscaler) so the two can be read side by side.
 */

export interface ScalingPolicy {
  type: 'Pods' | 'Percent';
  value: number;
  periodSeconds: number;
}

export interface ScalingRules {
  stabilizationWindowSeconds: number;
  selectPolicy: 'Max' | 'Min' | 'Disabled';
  policies: ScalingPolicy[];
}

export interface Behavior {
  scaleUp: ScalingRules;
  scaleDown: ScalingRules;
}

/** The defaults the API server fills in for a v2 HPA without `behavior`. */
export const DEFAULT_BEHAVIOR: Behavior = {
  scaleUp: {
    stabilizationWindowSeconds: 0,
    selectPolicy: 'Max',
    policies: [
      { type: 'Percent', value: 100, periodSeconds: 15 },
      { type: 'Pods', value: 4, periodSeconds: 15 },
    ],
  },
  scaleDown: {
    stabilizationWindowSeconds: 300,
    selectPolicy: 'Max',
    policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }],
  },
};

/**
 * An External metric target. `AverageValue` divides the metric by the replica count (KEDA's
 * default for a Prometheus trigger); `Value` compares the metric itself and scales the ready pods.
 */
export interface MetricTarget {
  name: string;
  type: 'AverageValue' | 'Value';
  target: number;
}

export interface HpaSpec {
  minReplicas: number;
  maxReplicas: number;
  metrics: MetricTarget[];
  behavior: Behavior;
  /** The controller's --horizontal-pod-autoscaler-tolerance. @defaultValue 0.1 */
  tolerance?: number;
}

interface Timestamped {
  at: number;
  value: number;
}

export interface HpaObservation {
  /** Seconds. */
  now: number;
  /** The scale target's replicas (pods created, ready or not). */
  currentReplicas: number;
  readyPods: number;
  /** Metric values by name; a missing one is skipped, as the controller skips invalid metrics. */
  metrics: Record<string, number | undefined>;
}

export interface Hpa {
  /** One sync: the replica count the controller sets (equal to current when it does nothing). */
  reconcile(o: HpaObservation): number;
}

export function createHpa(spec: HpaSpec): Hpa {
  const tolerance = spec.tolerance ?? 0.1;
  const recommendations: Timestamped[] = [];
  const scaleUpEvents: Timestamped[] = [];
  const scaleDownEvents: Timestamped[] = [];

  /** GetExternalPerPodMetricReplicas / GetExternalMetricReplicas. */
  function replicasForMetric(m: MetricTarget, usage: number, o: HpaObservation): number {
    if (m.type === 'AverageValue') {
      const usageRatio = usage / (m.target * o.currentReplicas);
      if (Math.abs(1 - usageRatio) <= tolerance) return o.currentReplicas;
      return Math.ceil(usage / m.target);
    }
    const usageRatio = usage / m.target;
    if (o.currentReplicas === 0) return Math.ceil(usageRatio);
    if (Math.abs(1 - usageRatio) <= tolerance) return o.currentReplicas;
    // Value targets scale the ready pods: pods still starting do not count yet.
    return Math.ceil(usageRatio * o.readyPods);
  }

  /** stabilizeRecommendationWithBehaviors. */
  function stabilize(now: number, current: number, desired: number): number {
    const upCutoff = now - spec.behavior.scaleUp.stabilizationWindowSeconds;
    const downCutoff = now - spec.behavior.scaleDown.stabilizationWindowSeconds;
    let up = desired;
    let down = desired;
    for (const rec of recommendations) {
      if (rec.at > upCutoff) up = Math.min(up, rec.value);
      if (rec.at > downCutoff) down = Math.max(down, rec.value);
    }
    recommendations.push({ at: now, value: desired });
    const oldest = Math.min(upCutoff, downCutoff);
    while (recommendations.length && (recommendations[0] as Timestamped).at <= oldest)
      recommendations.shift();
    let recommendation = current;
    if (recommendation < up) recommendation = up;
    if (recommendation > down) recommendation = down;
    return recommendation;
  }

  const changeInPeriod = (events: Timestamped[], now: number, period: number) =>
    events.filter((e) => e.at > now - period).reduce((sum, e) => sum + e.value, 0);

  /** calculateScaleUpLimitWithScalingRules. */
  function scaleUpLimit(now: number, current: number): number {
    const rules = spec.behavior.scaleUp;
    if (rules.selectPolicy === 'Disabled') return current;
    const pick = rules.selectPolicy === 'Min' ? Math.min : Math.max;
    let result = rules.selectPolicy === 'Min' ? Number.MAX_SAFE_INTEGER : Number.MIN_SAFE_INTEGER;
    for (const p of rules.policies) {
      const periodStart =
        current -
        changeInPeriod(scaleUpEvents, now, p.periodSeconds) +
        changeInPeriod(scaleDownEvents, now, p.periodSeconds);
      // Rounded up, or a small deployment could never grow by a percentage.
      const proposed =
        p.type === 'Pods' ? periodStart + p.value : Math.ceil(periodStart * (1 + p.value / 100));
      result = pick(result, proposed);
    }
    return result;
  }

  /** calculateScaleDownLimitWithBehaviors. */
  function scaleDownLimit(now: number, current: number): number {
    const rules = spec.behavior.scaleDown;
    if (rules.selectPolicy === 'Disabled') return current;
    const pick = rules.selectPolicy === 'Min' ? Math.max : Math.min;
    let result = rules.selectPolicy === 'Min' ? Number.MIN_SAFE_INTEGER : Number.MAX_SAFE_INTEGER;
    for (const p of rules.policies) {
      const periodStart =
        current -
        changeInPeriod(scaleUpEvents, now, p.periodSeconds) +
        changeInPeriod(scaleDownEvents, now, p.periodSeconds);
      const proposed =
        p.type === 'Pods' ? periodStart - p.value : Math.trunc(periodStart * (1 - p.value / 100));
      result = pick(result, proposed);
    }
    return result;
  }

  /** convertDesiredReplicasWithBehaviorRate. */
  function rateLimit(now: number, current: number, desired: number): number {
    if (desired > current) {
      const limit = Math.max(scaleUpLimit(now, current), current);
      return Math.min(desired, Math.min(spec.maxReplicas, limit));
    }
    if (desired < current) {
      const limit = Math.min(scaleDownLimit(now, current), current);
      return Math.max(desired, Math.max(spec.minReplicas, limit));
    }
    return desired;
  }

  let seen = false;
  return {
    reconcile(o) {
      const current = o.currentReplicas;
      // maybeInitScaleDownStabilizationWindow: a new (or restarted) controller does not scale
      // down before a whole window has passed.
      if (!seen && spec.behavior.scaleDown.stabilizationWindowSeconds > 0)
        recommendations.push({ at: o.now, value: current });
      seen = true;
      let desired: number;
      if (current > spec.maxReplicas) desired = spec.maxReplicas;
      else if (current < spec.minReplicas) desired = spec.minReplicas;
      else {
        let fromMetrics: number | undefined;
        for (const m of spec.metrics) {
          const usage = o.metrics[m.name];
          if (usage === undefined || !Number.isFinite(usage)) continue;
          fromMetrics = Math.max(fromMetrics ?? 0, replicasForMetric(m, usage, o));
        }
        if (fromMetrics === undefined) return current;
        desired = rateLimit(o.now, current, stabilize(o.now, current, fromMetrics));
      }
      // storeScaleEvent: the policies limit what happened within their periods.
      if (desired > current) scaleUpEvents.push({ at: o.now, value: desired - current });
      else if (desired < current) scaleDownEvents.push({ at: o.now, value: current - desired });
      const horizon = o.now - 1_800; // periodSeconds is at most 1800
      while (scaleUpEvents.length && (scaleUpEvents[0] as Timestamped).at <= horizon) scaleUpEvents.shift();
      while (scaleDownEvents.length && (scaleDownEvents[0] as Timestamped).at <= horizon)
        scaleDownEvents.shift();
      return desired;
    },
  };
}
