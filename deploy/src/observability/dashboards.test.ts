import { componentOfQuery, fillSelector, loadAutoscalingQueries, loadDashboards, panelsOf } from './files';

/** What a Grafana dashboard shipped by the chart must look like; the queries run in live-prometheus.test.ts. */

const dashboards = loadDashboards();
const SELECTORS = {
  worker: 'namespace="$namespace",job="$release-worker"',
  gateway: 'namespace="$namespace",job="$release-gateway"',
};

describe('Grafana dashboards (helm/parley/dashboards)', () => {
  it('cover overview/SLOs, queue, LLM, cache, Telegram and autoscaling, each with its own uid', () => {
    expect(dashboards.map((d) => d.file)).toEqual([
      'autoscaling.json',
      'cache.json',
      'llm.json',
      'overview.json',
      'queue.json',
      'telegram.json',
    ]);
    expect(new Set(dashboards.map((d) => d.dashboard.uid)).size).toBe(dashboards.length);
    for (const { dashboard } of dashboards) {
      expect(dashboard.uid).toMatch(/^parley-[a-z-]+$/);
      expect(dashboard.title).toMatch(/^Parley \/ /);
    }
  });

  it('choose their Prometheus through a datasource variable, then namespace and release', () => {
    for (const { file, dashboard } of dashboards) {
      const [datasource, namespace, release] = dashboard.templating.list;
      expect({ file, name: datasource?.name, type: datasource?.type, query: datasource?.query }).toEqual({
        file,
        name: 'datasource',
        type: 'datasource',
        query: 'prometheus',
      });
      expect([namespace?.name, release?.name]).toEqual(['namespace', 'release']);
      for (const panel of panelsOf(dashboard)) {
        const uids = [panel.datasource?.uid, ...(panel.targets ?? []).map((t) => t.datasource?.uid)];
        expect({ file, panel: panel.title, uids: [...new Set(uids)] }).toEqual({
          file,
          panel: panel.title,
          uids: [`\${datasource}`],
        });
      }
    }
  });

  it('lay out panels on the 24-column grid with unique ids, a description and queries', () => {
    for (const { file, dashboard } of dashboards) {
      const ids = dashboard.panels.flatMap((p) => [p.id, ...(p.panels ?? []).map((c) => c.id)]);
      expect({ file, duplicates: ids.filter((id, i) => ids.indexOf(id) !== i) }).toEqual({
        file,
        duplicates: [],
      });
      for (const panel of panelsOf(dashboard)) {
        const where = `${file} "${panel.title}"`;
        expect({ where, fits: panel.gridPos.x + panel.gridPos.w <= 24 }).toEqual({ where, fits: true });
        expect({ where, description: Boolean(panel.description) }).toEqual({ where, description: true });
        const targets = panel.targets ?? [];
        expect({ where, targets: targets.length > 0 }).toEqual({ where, targets: true });
        expect(new Set(targets.map((t) => t.refId)).size).toBe(targets.length);
      }
    }
  });

  it('select one release in one namespace in every query, so installs sharing a Prometheus stay apart', () => {
    const loose = dashboards.flatMap(({ file, dashboard }) =>
      panelsOf(dashboard).flatMap((p) =>
        (p.targets ?? [])
          .filter((t) => !t.expr.includes('namespace="$namespace"') || !t.expr.includes('$release-'))
          .map((t) => `${file} "${p.title}" ${t.refId}`),
      ),
    );
    expect(loose).toEqual([]);
  });

  it('show every autoscaling query exactly as the autoscalers read it', () => {
    const autoscaling = dashboards.find((d) => d.file === 'autoscaling.json')?.dashboard;
    const exprs = panelsOf(autoscaling ?? ({ panels: [] } as never)).flatMap((p) =>
      (p.targets ?? []).map((t) => t.expr),
    );
    const queries = Object.entries(loadAutoscalingQueries());
    expect(queries.length).toBeGreaterThan(0);
    const missing = queries
      .map(([name, query]) => [name, fillSelector(query, SELECTORS[componentOfQuery(name)])] as const)
      .filter(([, query]) => !exprs.some((e) => e.includes(query)))
      .map(([name]) => name);
    expect(missing).toEqual([]);
  });
});
