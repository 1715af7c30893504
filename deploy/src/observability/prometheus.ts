import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { freePort, ManagedProcess } from './processes';

/**
 * A real Prometheus (the Debian package's `prometheus` binary) on a free loopback port, with a
 * generated configuration: given scrape targets, given rule files, everything every second.
 */

export interface ScrapeJob {
  job: string;
  target: string;
  labels?: Record<string, string>;
}

export interface PrometheusOptions {
  jobs: ScrapeJob[];
  ruleFiles: string[];
  intervalSeconds: number;
}

export interface Sample {
  metric: Record<string, string>;
  values: Array<[number, string]>;
}

export class Prometheus {
  readonly url: string;
  private constructor(
    private readonly proc: ManagedProcess,
    private readonly dir: string,
    port: number,
  ) {
    this.url = `http://127.0.0.1:${port}`;
  }

  static async start(opts: PrometheusOptions): Promise<Prometheus> {
    const version = spawnSync('prometheus', ['--version'], { encoding: 'utf8' });
    if (version.error)
      throw new Error(`prometheus is not installed (apt-get install prometheus): ${version.error.message}`);
    const dir = mkdtempSync(join(tmpdir(), 'parley-prometheus-'));
    const interval = `${opts.intervalSeconds}s`;
    const config = {
      global: { scrape_interval: interval, scrape_timeout: interval, evaluation_interval: interval },
      rule_files: opts.ruleFiles,
      scrape_configs: opts.jobs.map((j) => ({
        job_name: j.job,
        static_configs: [{ targets: [j.target], labels: j.labels ?? {} }],
      })),
    };
    writeFileSync(join(dir, 'prometheus.yml'), stringify(config));
    const port = await freePort();
    const proc = new ManagedProcess('prometheus', 'prometheus', [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ]);
    const prometheus = new Prometheus(proc, dir, port);
    proc.start(join(dir, 'prometheus.log'));
    await proc.ready(`${prometheus.url}/-/ready`);
    return prometheus;
  }

  get logFile(): string {
    return join(this.dir, 'prometheus.log');
  }

  private async api<T>(path: string, params: Record<string, string | string[]>): Promise<T> {
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(params)) {
      for (const v of Array.isArray(value) ? value : [value]) search.append(key, v);
    }
    const res = await fetch(`${this.url}/api/v1/${path}?${search}`, { signal: AbortSignal.timeout(10_000) });
    const body = (await res.json()) as { status: string; data: T; error?: string };
    if (body.status !== 'success') throw new Error(`${path} failed: ${body.error ?? res.status}`);
    return body.data;
  }

  async queryRange(query: string, start: number, end: number, stepSeconds: number): Promise<Sample[]> {
    const data = await this.api<{ resultType: string; result: Sample[] }>('query_range', {
      query,
      start: String(start),
      end: String(end),
      step: String(stepSeconds),
    });
    return data.result;
  }

  async labelValues(label: string, match?: string): Promise<string[]> {
    return this.api<string[]>(`label/${encodeURIComponent(label)}/values`, match ? { 'match[]': match } : {});
  }

  async targets(): Promise<Array<{ labels: Record<string, string>; health: string; lastError: string }>> {
    const data = await this.api<{
      activeTargets: Array<{ labels: Record<string, string>; health: string; lastError: string }>;
    }>('targets', {});
    return data.activeTargets;
  }

  /**
   * Waits until every target was scraped successfully. Prometheus hands targets to its scrape
   * loops about 5 s after it starts, so a load started before this would go partly unseen.
   */
  async waitForTargets(count: number, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let targets: Awaited<ReturnType<Prometheus['targets']>> = [];
    while (Date.now() < deadline) {
      targets = await this.targets();
      if (targets.length === count && targets.every((t) => t.health === 'up')) return;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`targets not all up after ${timeoutMs} ms: ${JSON.stringify(targets)}`);
  }

  async ruleGroups(): Promise<
    Array<{ name: string; rules: Array<{ name: string; health: string; lastError?: string }> }>
  > {
    return (await this.api<{ groups: [] }>('rules', {})).groups;
  }

  async alerts(): Promise<Array<{ labels: Record<string, string>; state: string }>> {
    return (await this.api<{ alerts: [] }>('alerts', {})).alerts;
  }

  async stop(): Promise<void> {
    await this.proc.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Whether a query answered with at least one real number (NaN is Grafana's "No data" too). */
export function hasData(samples: Sample[]): boolean {
  return samples.some((s) => s.values.some(([, v]) => v !== 'NaN'));
}
