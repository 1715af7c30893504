import { spawnSync } from 'node:child_process';
import { createTestRedis, deleteKeysWithPrefix, testRedisUrl, uniquePrefix } from '@parley/testing';
import {
  componentOfQuery,
  fillSelector,
  loadAutoscalingQueries,
  loadDashboards,
  panelsOf,
  ruleFiles,
} from './files';
import { type GrafanaTiming, renderPanelQuery, resolveVariables } from './grafana';
import { driveLoad, waitUntilHandled } from './load';
import { hasData, Prometheus } from './prometheus';
import { Stack } from './stack';

/**
 * The dashboards, the recording rules and the autoscaling queries against a real Prometheus
 * that scraped a real gateway and worker during a short load run: every panel query and every
 * autoscaling query must return data, as Grafana and the autoscalers would send them.
 */

const NAMESPACE = 'parley-test';
// Job names as the chart's ServiceMonitor/PodMonitor give them: <fullname>-<component>.
const JOBS = { gateway: 'parley-gateway', worker: 'parley-worker' } as const;
const SCRAPE_SECONDS = 1;

describe('dashboards and autoscaling queries against a real Prometheus', () => {
  const redis = createTestRedis();
  const prefix = uniquePrefix('observability');
  const stack = new Stack({ redisUrl: testRedisUrl(), keyPrefix: prefix });
  let prometheus: Prometheus | undefined;
  let start = 0;
  let end = 0;

  beforeAll(async () => {
    const missing = Stack.missingScripts();
    // `pnpm test` builds first; a bare `npx jest deploy` needs `pnpm build` once.
    if (missing.length) throw new Error(`build first (pnpm build): missing ${missing.join(', ')}`);
    await stack.start();
    const host = (url: string) => new URL(url).host;
    prometheus = await Prometheus.start({
      intervalSeconds: SCRAPE_SECONDS,
      ruleFiles: ruleFiles(),
      jobs: [
        { job: JOBS.gateway, target: host(stack.gatewayUrl), labels: { namespace: NAMESPACE } },
        { job: JOBS.worker, target: host(stack.workerUrl), labels: { namespace: NAMESPACE } },
      ],
    });
    await prometheus.waitForTargets(2);
    start = Math.floor(Date.now() / 1000);
    const load = await driveLoad(stack);
    await waitUntilHandled(stack, load, 20_000);
    // A few more scrapes and rule evaluations after the last reply.
    await new Promise((r) => setTimeout(r, 4 * SCRAPE_SECONDS * 1000));
    end = Math.ceil(Date.now() / 1000);
  }, 60_000);

  afterAll(async () => {
    await prometheus?.stop();
    await stack.stop();
    await deleteKeysWithPrefix(redis, prefix);
    await redis.quit();
  }, 20_000);

  const prom = () => {
    if (!prometheus) throw new Error('Prometheus did not start');
    return prometheus;
  };

  it('scraped both processes and evaluates every rule without errors', async () => {
    const targets = await prom().targets();
    expect(targets.map((t) => [t.labels.job, t.health, t.lastError]).sort()).toEqual([
      [JOBS.gateway, 'up', ''],
      [JOBS.worker, 'up', ''],
    ]);
    const groups = await prom().ruleGroups();
    expect(groups.length).toBeGreaterThan(0);
    const unhealthy = groups.flatMap((g) =>
      g.rules
        .filter((r) => r.health !== 'ok')
        .map((r) => `${g.name}/${r.name}: ${r.health} ${r.lastError ?? ''}`),
    );
    expect(unhealthy).toEqual([]);
  });

  it('returns data for every query of every dashboard panel, as Grafana sends it', async () => {
    const timing: GrafanaTiming = {
      intervalSeconds: SCRAPE_SECONDS,
      scrapeIntervalSeconds: SCRAPE_SECONDS,
      rangeSeconds: end - start,
    };
    const failures: string[] = [];
    let queries = 0;
    for (const { file, dashboard } of loadDashboards()) {
      const variables = await resolveVariables(dashboard, (label, match) => prom().labelValues(label, match));
      expect(variables.get('namespace')).toBe(NAMESPACE);
      expect(variables.get('release')).toBe('parley');
      for (const panel of panelsOf(dashboard)) {
        for (const target of panel.targets ?? []) {
          queries++;
          const query = renderPanelQuery(target.expr, variables, timing);
          const samples = await prom()
            .queryRange(query, start, end, timing.intervalSeconds)
            .catch((err: Error) => err);
          if (samples instanceof Error)
            failures.push(`${file} "${panel.title}" ${target.refId}: ${samples.message}`);
          else if (!hasData(samples))
            failures.push(`${file} "${panel.title}" ${target.refId}: no data for ${query}`);
        }
      }
    }
    expect(failures).toEqual([]);
    expect(queries).toBeGreaterThan(50);
  });

  it('returns data for every autoscaling query, with the selector the chart fills in', async () => {
    const failures: string[] = [];
    for (const [name, query] of Object.entries(loadAutoscalingQueries())) {
      const selector = `namespace="${NAMESPACE}",job="${JOBS[componentOfQuery(name)]}"`;
      const samples = await prom().queryRange(fillSelector(query, selector), start, end, SCRAPE_SECONDS);
      if (!hasData(samples)) failures.push(`${name}: no data`);
    }
    expect(failures).toEqual([]);
  });

  it('sees the faults of the run in the alerts that watch for them', async () => {
    const alerts = await prom().alerts();
    const active = (name: string) =>
      alerts.filter((a) => a.labels.alertname === name && ['pending', 'firing'].includes(a.state));
    // The primary's circuit opened; Telegram answered 429 to a few of the ~60 sends.
    expect(active('ParleyLLMCircuitOpen').map((a) => a.labels.backend)).toEqual(['primary']);
    expect(active('ParleyTelegramFloodBan').length).toBeGreaterThan(0);
    expect(active('ParleyRedisDown')).toEqual([]);
  });

  it('exposes metrics that promtool check metrics accepts, from both processes', async () => {
    for (const component of ['gateway', 'worker'] as const) {
      const text = await stack.metricsText(component);
      expect(text).toContain('parley_component_info');
      const run = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
      expect({ component, status: run.status, output: `${run.stdout}${run.stderr}`.trim() }).toEqual({
        component,
        status: 0,
        output: '',
      });
    }
  });
});
