import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateKubeObject } from '../kube/validate';
import { chartDir } from '../paths';
import { renderObjects } from './render';
import { OPERATOR_APIS } from './scenarios';

// Dashboards and rules are plain files loaded with .Files: their own template-looking text
// (Grafana legends, alert annotations) must reach the cluster untouched.
const dashboard = { title: 'Queue', panels: [{ targets: [{ expr: 'up', legendFormat: '{{instance}}' }] }] };
const rules = `groups:
  - name: parley-sample
    rules:
      - alert: SampleDown
        expr: up{job=~".*parley.*"} == 0
        for: 5m
        labels:
          severity: page
        annotations:
          summary: "{{ $labels.job }} is down"
          runbook_url: https://example.com/runbooks#sampledown
      - record: parley:sample:rate5m
        expr: sum(rate(parley_gateway_webhook_requests_total[5m]))
`;

describe('dashboards and rules shipped with the chart', () => {
  let chart: string;
  beforeAll(() => {
    chart = join(mkdtempSync(join(tmpdir(), 'parley-chart-')), 'parley');
    cpSync(chartDir, chart, { recursive: true });
    writeFileSync(join(chart, 'dashboards', 'zz-sample.json'), JSON.stringify(dashboard));
    writeFileSync(join(chart, 'rules', 'zz-sample.yaml'), rules);
    // Unit tests of the rules are not rules.
    writeFileSync(join(chart, 'rules', 'zz-sample.test.yml'), 'rule_files: []\n');
  });
  afterAll(() => rmSync(join(chart, '..'), { recursive: true, force: true }));

  it('become a labelled ConfigMap per dashboard and one PrometheusRule, unchanged', () => {
    const objects = renderObjects({
      chart,
      apiVersions: OPERATOR_APIS,
      values: [
        {
          metrics: {
            prometheusRule: { enabled: true, labels: { release: 'kps' } },
            dashboards: { enabled: true },
          },
        },
      ],
    });
    expect(objects.flatMap((o) => validateKubeObject(o))).toEqual([]);
    const cm = objects.find((o) => o.metadata.name === 'parley-dashboard-zz-sample');
    expect(cm?.metadata.labels?.grafana_dashboard).toBe('1');
    expect(cm?.metadata.annotations).toEqual({ grafana_folder: 'Parley' });
    expect(JSON.parse(cm?.data['zz-sample.json'])).toEqual(dashboard);
    const rule = objects.find((o) => o.kind === 'PrometheusRule');
    expect(rule?.metadata.labels?.release).toBe('kps');
    const group = rule?.spec.groups.find((g: { name: string }) => g.name === 'parley-sample');
    expect(group.rules[0].annotations.summary).toBe('{{ $labels.job }} is down');
    expect(group.rules[1]).toEqual({
      record: 'parley:sample:rate5m',
      expr: 'sum(rate(parley_gateway_webhook_requests_total[5m]))',
    });
  });

  it('are left out when disabled', () => {
    const objects = renderObjects({ chart, apiVersions: OPERATOR_APIS });
    expect(
      objects.filter((o) => o.kind === 'PrometheusRule' || o.metadata.name.includes('dashboard')),
    ).toEqual([]);
  });
});
