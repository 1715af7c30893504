import type {
  AutoscalerSummary,
  ClusterStatus,
  ConditionSummary,
  DeploymentSummary,
  MetricSummary,
  PodSummary,
  ScaledObjectSummary,
} from './cluster-status';
import type {
  V1Deployment,
  V1Pod,
  V2HorizontalPodAutoscaler,
  V2MetricSpec,
  V2MetricStatus,
  V2MetricTarget,
  V2MetricValueStatus,
} from './kube-types';

/** The reads the status needs, one list call each; `scaledObjects` is undefined without KEDA. */
export interface ClusterReader {
  deployments(): Promise<V1Deployment[]>;
  pods(): Promise<V1Pod[]>;
  autoscalers(): Promise<V2HorizontalPodAutoscaler[]>;
  scaledObjects(): Promise<KedaScaledObject[] | undefined>;
}

/** The part of a KEDA ScaledObject (keda.sh/v1alpha1) the status shows. */
export interface KedaScaledObject {
  metadata?: { name?: string; labels?: Record<string, string> };
  spec?: {
    scaleTargetRef?: { name?: string; kind?: string };
    minReplicaCount?: number;
    maxReplicaCount?: number;
    triggers?: Array<{ type?: string; metricType?: string; metadata?: Record<string, string> }>;
  };
  status?: {
    hpaName?: string;
    conditions?: Array<{ type?: string; status?: string; reason?: string; message?: string }>;
  };
}

export interface CollectTarget {
  context: string;
  server: string;
  namespace: string;
  release: string;
  selector: string;
  now?: number;
}

const COMPONENT = 'app.kubernetes.io/component';

export async function collectClusterStatus(
  reader: ClusterReader,
  target: CollectTarget,
): Promise<ClusterStatus> {
  const [deployments, pods, autoscalers, scaledObjects] = await Promise.all([
    reader.deployments(),
    reader.pods(),
    reader.autoscalers(),
    reader.scaledObjects(),
  ]);
  const now = target.now ?? Date.now();
  // HPAs and ScaledObjects are matched by what they scale, not by label: KEDA's generated HPA
  // does not always carry the release's labels.
  const names = new Set(deployments.map((d) => d.metadata?.name ?? ''));
  const scalesRelease = (kind: string | undefined, name: string | undefined) =>
    (kind === undefined || kind === 'Deployment') && name !== undefined && names.has(name);
  return {
    context: target.context,
    server: target.server,
    namespace: target.namespace,
    release: target.release,
    selector: target.selector,
    deployments: deployments.map(summarizeDeployment).sort(byName),
    pods: pods.map((p) => summarizePod(p, now)).sort(byName),
    autoscalers: autoscalers
      .filter((h) => scalesRelease(h.spec?.scaleTargetRef.kind, h.spec?.scaleTargetRef.name))
      .map(summarizeAutoscaler)
      .sort(byName),
    scaledObjects: scaledObjects
      ?.filter((s) => scalesRelease(s.spec?.scaleTargetRef?.kind, s.spec?.scaleTargetRef?.name))
      .map(summarizeScaledObject)
      .sort(byName),
  };
}

const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);

function summarizeDeployment(d: V1Deployment): DeploymentSummary {
  const problems = (d.status?.conditions ?? [])
    .filter((c) => c.status !== 'True')
    .map((c) => `${c.type}=${c.status}${c.reason ? ` ${c.reason}` : ''}`);
  return {
    name: d.metadata?.name ?? '?',
    component: d.metadata?.labels?.[COMPONENT],
    desired: d.spec?.replicas ?? 1,
    ready: d.status?.readyReplicas ?? 0,
    updated: d.status?.updatedReplicas ?? 0,
    available: d.status?.availableReplicas ?? 0,
    problems,
  };
}

function summarizePod(p: V1Pod, now: number): PodSummary {
  const statuses = p.status?.containerStatuses ?? [];
  const waiting = statuses.find((s) => s.state?.waiting?.reason)?.state?.waiting?.reason;
  const terminated = statuses.find((s) => s.state?.terminated?.reason)?.state?.terminated?.reason;
  const notReady = p.status?.conditions?.find((c) => c.type === 'Ready' && c.status !== 'True');
  const started = p.status?.startTime ?? p.metadata?.creationTimestamp;
  return {
    name: p.metadata?.name ?? '?',
    component: p.metadata?.labels?.[COMPONENT],
    phase: p.metadata?.deletionTimestamp ? 'Terminating' : (p.status?.phase ?? 'Unknown'),
    ready: statuses.filter((s) => s.ready).length,
    containers: p.spec?.containers.length ?? statuses.length,
    restarts: statuses.reduce((sum, s) => sum + (s.restartCount ?? 0), 0),
    reason: waiting ?? terminated ?? notReady?.reason ?? p.status?.reason,
    ageSeconds: started ? Math.max(0, Math.round((now - new Date(started).getTime()) / 1000)) : undefined,
    node: p.spec?.nodeName,
  };
}

function summarizeAutoscaler(h: V2HorizontalPodAutoscaler): AutoscalerSummary {
  const specs = h.spec?.metrics ?? [];
  const current = h.status?.currentMetrics ?? [];
  return {
    kind: 'HorizontalPodAutoscaler',
    name: h.metadata?.name ?? '?',
    target: `${h.spec?.scaleTargetRef.kind ?? '?'}/${h.spec?.scaleTargetRef.name ?? '?'}`,
    minReplicas: h.spec?.minReplicas ?? 1,
    maxReplicas: h.spec?.maxReplicas ?? 0,
    currentReplicas: h.status?.currentReplicas ?? 0,
    desiredReplicas: h.status?.desiredReplicas ?? 0,
    lastScaleTime: h.status?.lastScaleTime ? new Date(h.status.lastScaleTime).toISOString() : undefined,
    scaledObject: h.metadata?.labels?.['scaledobject.keda.sh/name'],
    // The status lists current values in the order of spec.metrics (kubectl relies on it too).
    metrics: specs.map((spec, i) => summarizeMetric(spec, current[i])),
    conditions: (h.status?.conditions ?? []).map(condition),
  };
}

function summarizeMetric(spec: V2MetricSpec, status: V2MetricStatus | undefined): MetricSummary {
  const source =
    spec.external?.metric.name ??
    spec.pods?.metric.name ??
    spec.object?.metric.name ??
    spec.resource?.name ??
    spec.containerResource?.name ??
    '?';
  const target =
    spec.external?.target ??
    spec.pods?.target ??
    spec.object?.target ??
    spec.resource?.target ??
    spec.containerResource?.target;
  const value =
    status?.external?.current ??
    status?.pods?.current ??
    status?.object?.current ??
    status?.resource?.current ??
    status?.containerResource?.current;
  return {
    name: `${spec.type.charAt(0).toLowerCase()}${spec.type.slice(1)} ${source}`,
    current: value ? formatCurrent(value, target) : '<unknown>',
    target: target ? formatTarget(target) : '?',
  };
}

function formatTarget(t: V2MetricTarget): string {
  if (t.type === 'Utilization') return `${t.averageUtilization ?? '?'}% (utilization)`;
  if (t.type === 'AverageValue') return `${quantity(t.averageValue)} (average per pod)`;
  return `${quantity(t.value)} (value)`;
}

function formatCurrent(v: V2MetricValueStatus, target: V2MetricTarget | undefined): string {
  if (target?.type === 'Utilization' && v.averageUtilization !== undefined) return `${v.averageUtilization}%`;
  if (target?.type === 'AverageValue' && v.averageValue !== undefined) return quantity(v.averageValue);
  return quantity(v.value ?? v.averageValue);
}

const SUFFIX: Record<string, number> = {
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  Ki: 1024,
  Mi: 1024 ** 2,
  Gi: 1024 ** 3,
};

/** `12500m` → `12.5`: metric values come as Kubernetes quantities, which read badly in milli units. */
export function quantity(q: string | undefined): string {
  if (q === undefined) return '?';
  const m = /^(-?\d+(?:\.\d+)?)(m|k|M|G|Ki|Mi|Gi)?$/.exec(q);
  if (!m) return q;
  const n = Number(m[1]) * (m[2] ? (SUFFIX[m[2]] ?? 1) : 1);
  return String(Math.round(n * 1000) / 1000);
}

function condition(c: {
  type?: string;
  status?: string;
  reason?: string;
  message?: string;
}): ConditionSummary {
  return { type: c.type ?? '?', status: c.status ?? '?', reason: c.reason, message: c.message };
}

function summarizeScaledObject(s: KedaScaledObject): ScaledObjectSummary {
  return {
    kind: 'ScaledObject',
    name: s.metadata?.name ?? '?',
    target: `${s.spec?.scaleTargetRef?.kind ?? 'Deployment'}/${s.spec?.scaleTargetRef?.name ?? '?'}`,
    minReplicas: s.spec?.minReplicaCount,
    maxReplicas: s.spec?.maxReplicaCount,
    triggers: (s.spec?.triggers ?? []).map(
      (t) => `${t.type ?? '?'}${t.metricType ? ` (${t.metricType})` : ''}`,
    ),
    hpaName: s.status?.hpaName,
    conditions: (s.status?.conditions ?? []).map(condition),
  };
}
