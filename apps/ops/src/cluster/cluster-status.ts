/**
 * What `parley-ops cluster status` reports about one release, as plain data: the collector fills it
 * from the Kubernetes API, the formatter prints it, and `--json` prints it as is.
 */

export interface DeploymentSummary {
  name: string;
  /** `app.kubernetes.io/component` (gateway, worker…), when labelled. */
  component?: string;
  desired: number;
  ready: number;
  updated: number;
  available: number;
  /** Conditions that are not as they should be (e.g. Progressing=False ProgressDeadlineExceeded). */
  problems: string[];
}

export interface PodSummary {
  name: string;
  component?: string;
  phase: string;
  ready: number;
  containers: number;
  restarts: number;
  /** Why a container is not running (CrashLoopBackOff, ImagePullBackOff…) or the pod is not ready. */
  reason?: string;
  ageSeconds?: number;
  node?: string;
}

export interface MetricSummary {
  /** e.g. `external parley_queue_backlog` or `resource cpu`. */
  name: string;
  /** The current value as the HPA last saw it ('<unknown>' before its first read). */
  current: string;
  /** The target with its kind: `10 (average per pod)`, `30 (value)`, `70% (utilization)`. */
  target: string;
}

export interface ConditionSummary {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

export interface AutoscalerSummary {
  kind: 'HorizontalPodAutoscaler';
  name: string;
  /** `Deployment/parley-worker`. */
  target: string;
  minReplicas: number;
  maxReplicas: number;
  currentReplicas: number;
  desiredReplicas: number;
  lastScaleTime?: string;
  /** Set when KEDA created this HPA for a ScaledObject. */
  scaledObject?: string;
  metrics: MetricSummary[];
  conditions: ConditionSummary[];
}

export interface ScaledObjectSummary {
  kind: 'ScaledObject';
  name: string;
  target: string;
  minReplicas?: number;
  maxReplicas?: number;
  triggers: string[];
  /** The HPA KEDA manages for it. */
  hpaName?: string;
  conditions: ConditionSummary[];
}

export interface ClusterStatus {
  context: string;
  server: string;
  namespace: string;
  release: string;
  selector: string;
  deployments: DeploymentSummary[];
  pods: PodSummary[];
  autoscalers: AutoscalerSummary[];
  /** undefined when the cluster has no KEDA (its CRD is not installed). */
  scaledObjects?: ScaledObjectSummary[];
}
