import type { Evaluated, Scenario, SearchOutcome } from './grid';
import type { Behavior, MetricTarget } from './hpa';
import type { SimResult } from './simulate';
import type { Panel } from './svg';

/** The PromQL each simulated metric stands for (queue gauges are equal on every pod: max, then sum). */
export const METRIC_QUERIES: Record<string, string> = {
  in_queue:
    'sum(max by (queue, state) (parley_queue_jobs{queue=~"updates.*", state=~"waiting|prioritized|active"}))',
  oldest_age: 'max(parley_queue_oldest_waiting_age_seconds{queue=~"updates.*"})',
};

/** The behaviour (and metric targets) as YAML for the worker's HPA or KEDA ScaledObject. */
export function behaviorYaml(s: Scenario, metrics: MetricTarget[], behavior: Behavior): string {
  const rules = (name: 'scaleUp' | 'scaleDown') => {
    const r = behavior[name];
    return [
      `  ${name}:`,
      `    stabilizationWindowSeconds: ${r.stabilizationWindowSeconds}`,
      `    selectPolicy: ${r.selectPolicy}`,
      '    policies:',
      ...r.policies.flatMap((p) => [
        `      - type: ${p.type}`,
        `        value: ${p.value}`,
        `        periodSeconds: ${p.periodSeconds}`,
      ]),
    ];
  };
  const targets = metrics.flatMap((m) => [
    `#   ${m.name}: ${m.type === 'AverageValue' ? 'averageValue' : 'value'} ${m.target}`,
    `#     ${METRIC_QUERIES[m.name] ?? m.name}`,
  ]);
  return [
    '# Worker autoscaling (HPA autoscaling/v2 spec, or a KEDA ScaledObject:',
    '# minReplicaCount/maxReplicaCount and spec.advanced.horizontalPodAutoscalerConfig.behavior).',
    '# External metrics (Prometheus), target type and value:',
    ...targets,
    `minReplicas: ${s.minReplicas}`,
    `maxReplicas: ${s.maxReplicas}`,
    'behavior:',
    ...rules('scaleUp'),
    ...rules('scaleDown'),
  ].join('\n');
}

const sec = (n: number) => `${Math.round(n * 10) / 10} s`;
const podMinutes = (podSeconds: number) => String(Math.round(podSeconds / 60));

export function describeCandidate(e: Evaluated): string {
  const b = e.candidate.behavior;
  const up = b.scaleUp.policies
    .map((p) => `${p.type === 'Percent' ? `+${p.value}%` : `+${p.value}`}/${p.periodSeconds}s`)
    .join(' or ');
  const down = b.scaleDown.policies
    .map((p) => `-${p.value}${p.type === 'Percent' ? '%' : ''}/${p.periodSeconds}s`)
    .join(' or ');
  const metrics = e.candidate.metrics.map((m) => `${m.name} ${m.target}`).join(' + ');
  return `${metrics}; up ${up} (window ${b.scaleUp.stabilizationWindowSeconds}s); down ${down} (window ${b.scaleDown.stabilizationWindowSeconds}s)`;
}

export function summaryRow(label: string, e: Evaluated): string[] {
  return [
    label,
    describeCandidate(e),
    sec(e.worstBurstP95),
    sec(e.result.burstMax),
    String(e.result.peakReplicas),
    podMinutes(e.meanPodSeconds),
    String(e.result.scaleEvents),
    String(e.flaps),
    e.meetsSlo ? 'yes' : 'no',
  ];
}

/** A Markdown table with padded columns, as the repository's formatter writes them. */
export function markdownTable(columns: string[], rows: string[][]): string {
  const escaped = [columns, ...rows].map((r) => r.map((c) => c.replace(/\|/g, '\\|')));
  const widths = columns.map((_, i) => Math.max(3, ...escaped.map((r) => [...(r[i] ?? '')].length)));
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => c + ' '.repeat((widths[i] ?? 3) - [...c].length)).join(' | ')} |`;
  const [head, ...body] = escaped;
  return [line(head ?? []), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}

/** Every 30 s of one run: what the person on call would have seen. */
export function timelineRows(r: SimResult, every = 30): string[][] {
  const p95At = new Map(r.p95ByArrival.map((w) => [w.t, w.p95]));
  return r.samples
    .filter((s) => s.t % every === 0)
    .map((s) => [
      String(s.t),
      String(Math.round(s.offered)),
      String(s.replicas),
      String(s.ready),
      String(Math.round(s.waiting)),
      p95At.has(s.t) ? sec(p95At.get(s.t) as number) : '',
    ]);
}

export function chartPanels(s: Scenario, chosen: Evaluated, baseline: Evaluated): Panel[] {
  const pick = (r: SimResult, f: (x: SimResult['samples'][number]) => number): Array<[number, number]> =>
    r.samples.filter((x) => x.t % 5 === 0).map((x) => [x.t, f(x)]);
  const a = chosen.result;
  const b = baseline.result;
  return [
    {
      title: 'Offered load and ready capacity',
      unit: 'updates/s',
      series: [
        { name: 'offered', points: pick(a, (x) => x.offered), color: '#555' },
        {
          name: 'capacity (recommended)',
          points: pick(a, (x) => x.ready * s.cluster.podThroughput),
          color: '#1f77b4',
        },
        {
          name: 'capacity (default behaviour)',
          points: pick(b, (x) => x.ready * s.cluster.podThroughput),
          color: '#ff7f0e',
          dashed: true,
        },
      ],
    },
    {
      title: 'Worker replicas',
      unit: 'pods',
      series: [
        { name: 'recommended', points: pick(a, (x) => x.replicas), color: '#1f77b4' },
        { name: 'default behaviour', points: pick(b, (x) => x.replicas), color: '#ff7f0e', dashed: true },
      ],
    },
    {
      title: 'Backlog (waiting updates)',
      unit: 'updates',
      series: [
        { name: 'recommended', points: pick(a, (x) => x.waiting), color: '#1f77b4' },
        { name: 'default behaviour', points: pick(b, (x) => x.waiting), color: '#ff7f0e', dashed: true },
      ],
    },
    {
      title: 'update→reply p95 by arrival time (15 s windows)',
      unit: 's',
      limit: { value: s.sloP95Seconds, label: `SLO p95 ${s.sloP95Seconds} s` },
      series: [
        { name: 'recommended', points: a.p95ByArrival.map((w) => [w.t, w.p95]), color: '#1f77b4' },
        {
          name: 'default behaviour',
          points: b.p95ByArrival.map((w) => [w.t, w.p95]),
          color: '#ff7f0e',
          dashed: true,
        },
      ],
    },
  ];
}

export interface ReportInput {
  scenario: Scenario;
  throughputSource: string;
  outcome: SearchOutcome;
  chosen: Evaluated;
  baseline: Evaluated;
}

export function markdownReport(i: ReportInput): string {
  const s = i.scenario;
  const met = i.outcome.best !== undefined;
  const columns = [
    'setting',
    'metrics and behaviour',
    'burst p95',
    'burst max',
    'peak pods',
    'pod-minutes',
    'changes',
    'flaps',
    'meets SLO',
  ];
  const ranked = i.outcome.all
    .filter((e) => e.meetsSlo)
    .sort((a, b) => a.meanPodSeconds - b.meanPodSeconds)
    .slice(0, 5);
  return [
    '# Worker autoscaling under a 10× burst (HPA simulation)',
    '',
    `Per-pod throughput ${s.cluster.podThroughput} updates/s (${i.throughputSource}), answer time ${s.cluster.serviceSeconds} s, ` +
      `pod startup ${s.cluster.podStartupSeconds} s, scrape ${s.cluster.scrapeIntervalSeconds} s, HPA sync ${s.cluster.syncPeriodSeconds} s, ` +
      `tolerance ${s.tolerance}. Load: ${s.load.baseRate}/s; ${s.load.waves ?? 1} burst(s) of ${s.load.factor}× from t=${s.load.startSeconds} s, ` +
      `${s.load.durationSeconds} s each (ramps ${s.load.rampSeconds} s), ${s.load.gapSeconds ?? 0} s apart. Replicas ${s.minReplicas}–${s.maxReplicas}. SLO: update→reply p95 ≤ ${s.sloP95Seconds} s for the ` +
      `bursts' updates, with every seed, and no scale-up within 5 minutes of a scale-down.`,
    '',
    met
      ? `${i.outcome.all.filter((e) => e.meetsSlo).length} of ${i.outcome.all.length} settings meet the SLO; the cheapest (fewest pod-minutes) is recommended.`
      : `**No setting of the grid meets the SLO.** The fastest reaches a burst p95 of ${sec(i.outcome.fastest.worstBurstP95)}: ` +
        'raise minReplicas, shorten pod startup, or accept a higher SLO.',
    '',
    '## Recommended',
    '',
    '```yaml',
    behaviorYaml(s, i.chosen.candidate.metrics, i.chosen.candidate.behavior),
    '```',
    '',
    markdownTable(columns, [
      summaryRow(met ? 'recommended' : 'fastest (SLO not met)', i.chosen),
      summaryRow('Kubernetes default behaviour', i.baseline),
      ...ranked.filter((e) => e !== i.chosen).map((e, k) => summaryRow(`next ${k + 1}`, e)),
    ]),
    '',
    '![replicas, backlog and latency over time](hpa-sim.svg)',
    '',
    '## Timeline of the recommended setting',
    '',
    markdownTable(
      ['t (s)', 'offered/s', 'replicas', 'ready', 'waiting', 'p95 of arrivals'],
      timelineRows(i.chosen.result),
    ),
    '',
  ].join('\n');
}
