import type {
  AutoscalerSummary,
  ClusterStatus,
  ConditionSummary,
  ScaledObjectSummary,
} from './cluster-status';

/** The status as lines for a terminal: what is running, how it scales, and what is unwell. */
export function formatClusterStatus(s: ClusterStatus): string[] {
  const lines = [
    `context ${s.context} (${s.server}), namespace ${s.namespace}, release ${s.release} (${s.selector})`,
  ];
  lines.push('deployments');
  if (s.deployments.length === 0)
    lines.push(`  none match ${s.selector}: check --release, --namespace or --selector`);
  for (const d of s.deployments) {
    lines.push(
      `  ${d.name.padEnd(28)} ready ${d.ready}/${d.desired}  updated ${d.updated}  available ${d.available}` +
        (d.problems.length ? `  ${d.problems.join(', ')}` : ''),
    );
  }
  lines.push('autoscaling');
  if (s.autoscalers.length === 0 && !s.scaledObjects?.length)
    lines.push('  no HorizontalPodAutoscaler or ScaledObject');
  for (const so of s.scaledObjects ?? []) lines.push(...formatScaledObject(so));
  for (const h of s.autoscalers) lines.push(...formatAutoscaler(h));
  if (s.scaledObjects === undefined) lines.push('  (KEDA is not installed: no ScaledObjects)');
  lines.push('pods');
  if (s.pods.length === 0) lines.push('  none');
  for (const p of s.pods) {
    const age = p.ageSeconds === undefined ? '?' : duration(p.ageSeconds);
    lines.push(
      `  ${p.name.padEnd(40)} ${p.phase.padEnd(11)} ready ${p.ready}/${p.containers}  restarts ${p.restarts}  age ${age}` +
        (p.node ? `  node ${p.node}` : '') +
        (p.reason ? `  ${p.reason}` : ''),
    );
  }
  return lines;
}

function formatAutoscaler(h: AutoscalerSummary): string[] {
  const lines = [
    `  HPA ${h.name} → ${h.target}  replicas ${h.currentReplicas} (desired ${h.desiredReplicas}, min ${h.minReplicas}, max ${h.maxReplicas})` +
      (h.scaledObject ? `  managed by ScaledObject ${h.scaledObject}` : '') +
      (h.lastScaleTime ? `  last scaled ${h.lastScaleTime}` : ''),
  ];
  for (const m of h.metrics) lines.push(`    ${m.name}: ${m.current} / ${m.target}`);
  if (h.conditions.length) lines.push(`    ${conditions(h.conditions)}`);
  // ScalingActive=False means the HPA cannot read its metric: the most common autoscaling outage.
  for (const c of h.conditions) {
    if (c.type === 'ScalingActive' && c.status === 'False' && c.message) lines.push(`    ! ${c.message}`);
  }
  return lines;
}

function formatScaledObject(so: ScaledObjectSummary): string[] {
  const range = `min ${so.minReplicas ?? '?'}, max ${so.maxReplicas ?? '?'}`;
  const lines = [
    `  ScaledObject ${so.name} → ${so.target}  ${range}  triggers ${so.triggers.join(', ') || 'none'}` +
      (so.hpaName ? `  hpa ${so.hpaName}` : ''),
  ];
  if (so.conditions.length) lines.push(`    ${conditions(so.conditions)}`);
  return lines;
}

const conditions = (cs: ConditionSummary[]) =>
  cs.map((c) => `${c.type}=${c.status}${c.reason ? ` (${c.reason})` : ''}`).join(', ');

export function duration(seconds: number): string {
  if (seconds < 120) return `${seconds}s`;
  if (seconds < 7_200) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 172_800) return `${Math.floor(seconds / 3_600)}h`;
  return `${Math.floor(seconds / 86_400)}d`;
}
