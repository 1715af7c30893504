import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSimArgs, UsageError } from './cli-args';
import { DEFAULT_BEHAVIOR } from './hpa';
import { runSimulation } from './run-sim';
import { type ClusterModel, quantile, simulate } from './simulate';
import { DEFAULT_POD_THROUGHPUT, podThroughputFrom } from './throughput';
import { offeredRate } from './workload';

const cluster: ClusterModel = {
  podThroughput: 10,
  serviceSeconds: 3,
  podStartupSeconds: 30,
  scrapeIntervalSeconds: 15,
  syncPeriodSeconds: 15,
};
const load = { baseRate: 20, factor: 10, startSeconds: 120, durationSeconds: 300, rampSeconds: 0 };
const hpa = (min: number, max: number, startup = 30) => ({
  hpa: {
    minReplicas: min,
    maxReplicas: max,
    metrics: [{ name: 'in_queue', type: 'AverageValue' as const, target: 24 }],
    behavior: DEFAULT_BEHAVIOR,
  },
  cluster: { ...cluster, podStartupSeconds: startup },
  load,
  durationSeconds: 900,
});

const dir = mkdtempSync(join(tmpdir(), 'hpa-sim-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('burst simulation', () => {
  it('shapes the burst: base, 10× step, base again', () => {
    expect(offeredRate(load, 0)).toBe(20);
    expect(offeredRate(load, 120)).toBe(200);
    expect(offeredRate(load, 419)).toBe(200);
    expect(offeredRate(load, 420)).toBe(20);
    expect(offeredRate({ ...load, rampSeconds: 60 }, 150)).toBe(110);
  });

  it('answers in the service time when capacity is always there', () => {
    const r = simulate(hpa(40, 40));
    expect(r.burstP95).toBe(3);
    expect(r.peakWaiting).toBeLessThan(1);
    expect(r.scaleEvents).toBe(0);
  });

  it('builds a backlog and latency when pods come late, and the HPA adds pods', () => {
    const r = simulate(hpa(2, 40));
    expect(r.peakReplicas).toBeGreaterThan(20);
    expect(r.peakWaiting).toBeGreaterThan(1_000);
    expect(r.burstP95).toBeGreaterThan(10);
    // Slower pod startup, same algorithm: worse latency.
    expect(simulate(hpa(2, 40, 120)).burstP95).toBeGreaterThan(r.burstP95);
    // Back to the base load after the burst, the HPA scales in again.
    expect(r.samples.at(-1)?.replicas).toBeLessThan(r.peakReplicas);
  });

  it('takes weighted quantiles', () => {
    expect(
      quantile(
        [
          [1, 94],
          [10, 6],
        ],
        0.95,
      ),
    ).toBe(10);
    expect(quantile([[1, 95]], 0.95)).toBe(1);
  });
});

describe('per-pod throughput', () => {
  it('comes from the inline-bot benchmark, then the pipeline one, then the default', () => {
    const report = join(dir, 'latest.json');
    const result = (id: string, subject: number, status = 'measured') => ({
      id,
      status,
      comparison: { subject },
    });
    writeFileSync(report, JSON.stringify({ results: [result('pipeline', 900), result('inline-bot', 240)] }));
    expect(podThroughputFrom(report)).toEqual({ perPod: 240, source: `inline-bot benchmark in ${report}` });
    writeFileSync(
      report,
      JSON.stringify({ results: [result('pipeline', 900), result('inline-bot', 0, 'failed')] }),
    );
    expect(podThroughputFrom(report).perPod).toBe(900);
    expect(podThroughputFrom(join(dir, 'missing.json')).perPod).toBe(DEFAULT_POD_THROUGHPUT);
  });
});

describe('hpa-sim command', () => {
  it('finds settings that keep the burst p95 under the SLO, and writes the plot, table and YAML', () => {
    const out = runSimulation(
      parseSimArgs(['--throughput', '10', '--duration', '1500', '--quick', '--seeds', '2']),
      {
        benchReport: join(dir, 'none.json'),
        outDir: dir,
      },
    );
    expect(out.meetsSlo).toBe(true);
    const json = JSON.parse(readFileSync(out.jsonPath, 'utf8'));
    expect(json.recommended.burstP95Seconds).toBeLessThanOrEqual(10);
    expect(json.recommended.flaps).toBe(0);
    // Kubernetes' default behaviour is slower to add pods than what the search found.
    expect(json.defaultBehavior.burstP95Seconds).toBeGreaterThan(json.recommended.burstP95Seconds);
    const md = readFileSync(out.markdownPath, 'utf8');
    expect(md).toContain('behavior:\n  scaleUp:\n    stabilizationWindowSeconds:');
    expect(md).toMatch(/^\| recommended +\| in_queue /m);
    expect(readFileSync(out.svgPath, 'utf8')).toMatch(/^<svg[^>]*>[\s\S]*SLO p95 10 s[\s\S]*<\/svg>\n$/);
  });

  it('says so when no setting can meet the SLO', () => {
    const out = runSimulation(
      parseSimArgs([
        '--throughput',
        '10',
        '--duration',
        '1200',
        '--slo-p95',
        '3.5',
        '--quick',
        '--seeds',
        '1',
      ]),
      {
        benchReport: join(dir, 'none.json'),
        outDir: join(dir, 'strict'),
      },
    );
    expect(out.meetsSlo).toBe(false);
    expect(out.lines[1]).toMatch(/^no setting meets the SLO \(3.5 s\); the fastest reaches \d+ s$/);
    expect(readFileSync(out.markdownPath, 'utf8')).toContain('**No setting of the grid meets the SLO.**');
  });

  it('rejects bad flags with the usage', () => {
    expect(() => parseSimArgs(['--throughput', 'fast'])).toThrow(UsageError);
    expect(() => parseSimArgs(['--min-replicas', '5', '--max-replicas', '2'])).toThrow(
      /--max-replicas must be at least/,
    );
    expect(() => parseSimArgs(['--nope'])).toThrow(/usage: hpa-sim/);
  });
});
