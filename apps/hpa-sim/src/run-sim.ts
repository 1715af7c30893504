import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SimArgs } from './cli-args';
import {
  candidates,
  evaluate,
  FULL_GRID,
  QUICK_GRID,
  type Scenario,
  search,
  withDefaultBehavior,
} from './grid';
import { behaviorYaml, chartPanels, markdownReport } from './report';
import { renderChart } from './svg';
import { podThroughputFrom } from './throughput';

export interface SimRunOutput {
  markdownPath: string;
  svgPath: string;
  jsonPath: string;
  /** What the command prints: the verdict and the recommended YAML. */
  lines: string[];
  meetsSlo: boolean;
}

/** Runs the search for the arguments and writes the report files. */
export function runSimulation(
  args: SimArgs,
  paths: {
    benchReport: string;
    outDir: string /** How the report names the benchmark file. */;
    benchReportLabel?: string;
  },
): SimRunOutput {
  const throughput =
    args.throughput !== undefined
      ? { perPod: args.throughput, source: '--throughput' }
      : podThroughputFrom(paths.benchReport, paths.benchReportLabel);
  const scenario: Scenario = {
    cluster: {
      podThroughput: throughput.perPod,
      serviceSeconds: args['service-time'],
      podStartupSeconds: args['pod-startup'],
      scrapeIntervalSeconds: args['scrape-interval'],
      syncPeriodSeconds: args['sync-period'],
    },
    load: {
      baseRate: args['base-rate'],
      factor: args['burst-factor'],
      startSeconds: args['burst-start'],
      durationSeconds: args['burst-duration'],
      rampSeconds: args.ramp,
      waves: args.waves,
      gapSeconds: args['wave-gap'],
    },
    durationSeconds: args.duration,
    minReplicas: args['min-replicas'],
    maxReplicas: args['max-replicas'],
    tolerance: args.tolerance,
    sloP95Seconds: args['slo-p95'],
    seed: args.seed,
    seeds: args.seeds,
  };
  const outcome = search(scenario, candidates(scenario, args.quick ? QUICK_GRID : FULL_GRID));
  const chosen = outcome.best ?? outcome.fastest;
  const baseline = evaluate(scenario, withDefaultBehavior(chosen.candidate));

  mkdirSync(paths.outDir, { recursive: true });
  const markdownPath = join(paths.outDir, 'hpa-sim.md');
  const svgPath = join(paths.outDir, 'hpa-sim.svg');
  const jsonPath = join(paths.outDir, 'hpa-sim.json');
  writeFileSync(
    markdownPath,
    markdownReport({ scenario, throughputSource: throughput.source, outcome, chosen, baseline }),
  );
  writeFileSync(
    svgPath,
    renderChart(
      `Worker HPA under a ${scenario.load.factor}× burst: recommended vs default behaviour`,
      'time (s)',
      chartPanels(scenario, chosen, baseline),
    ),
  );
  const brief = (e: typeof chosen) => ({
    metrics: e.candidate.metrics,
    behavior: e.candidate.behavior,
    burstP95Seconds: e.worstBurstP95,
    podMinutes: e.meanPodSeconds / 60,
    peakReplicas: e.result.peakReplicas,
    scaleEvents: e.result.scaleEvents,
    flaps: e.flaps,
    meetsSlo: e.meetsSlo,
  });
  writeFileSync(
    jsonPath,
    `${JSON.stringify(
      {
        scenario,
        throughputSource: throughput.source,
        recommended: outcome.best ? brief(outcome.best) : null,
        fastest: brief(outcome.fastest),
        defaultBehavior: brief(baseline),
        searched: outcome.all.length,
        meetingSlo: outcome.all.filter((e) => e.meetsSlo).length,
      },
      null,
      2,
    )}\n`,
  );
  const verdict = outcome.best
    ? `recommended: burst p95 ${outcome.best.worstBurstP95} s (SLO ${scenario.sloP95Seconds} s), ` +
      `${Math.round(outcome.best.meanPodSeconds / 60)} pod-minutes; Kubernetes default behaviour: burst p95 ${baseline.worstBurstP95} s, ` +
      `${Math.round(baseline.meanPodSeconds / 60)} pod-minutes`
    : `no setting meets the SLO (${scenario.sloP95Seconds} s); the fastest reaches ${outcome.fastest.worstBurstP95} s`;
  return {
    markdownPath,
    svgPath,
    jsonPath,
    meetsSlo: outcome.best !== undefined,
    lines: [
      `per-pod throughput ${throughput.perPod}/s from ${throughput.source}; ${outcome.all.length} settings simulated`,
      verdict,
      '',
      behaviorYaml(scenario, chosen.candidate.metrics, chosen.candidate.behavior),
      '',
      `report: ${markdownPath}, ${svgPath}, ${jsonPath}`,
    ],
  };
}
