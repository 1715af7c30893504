import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { parse } from 'yaml';
import { OPERATOR_APIS, renderObjects } from '../index';
import { repoRoot } from '../paths';
import { loadDashboards, loadRules, panelsOf, ruleFiles, ruleTestFiles, runbooksFile } from './files';

/** The rule files with promtool (Debian package `prometheus`), and what promtool cannot check. */

function promtool(...args: string[]): { status: number | null; output: string } {
  const run = spawnSync('promtool', args, { encoding: 'utf8', cwd: repoRoot });
  if (run.error) throw new Error(`promtool not runnable (apt-get install prometheus): ${run.error.message}`);
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

/** GitHub's anchor of a Markdown heading. */
function anchorOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');
}

const rules = loadRules();
const alerts = rules.flatMap(({ rule }) => (rule.alert ? [{ ...rule, alert: rule.alert }] : []));
const records = new Set(rules.flatMap(({ rule }) => (rule.record ? [rule.record] : [])));

describe('Prometheus rules (helm/parley/rules)', () => {
  it('pass promtool check rules', () => {
    const files = ruleFiles().map((f) => relative(repoRoot, f));
    expect(files.length).toBeGreaterThan(0);
    const result = promtool('check', 'rules', ...files);
    expect(result).toEqual({ status: 0, output: expect.stringContaining('SUCCESS') });
    expect(result.output).not.toMatch(/FAILED|WARNING/);
  });

  it('pass their promtool unit tests', () => {
    const files = ruleTestFiles().map((f) => relative(repoRoot, f));
    expect(files.length).toBeGreaterThan(0);
    const result = promtool('test', 'rules', ...files);
    expect(result).toEqual({ status: 0, output: expect.stringContaining('SUCCESS') });
  });

  it('have a unit test that makes every alert fire', () => {
    const firing = new Set<string>();
    for (const file of ruleTestFiles()) {
      const doc = parse(readFileSync(file, 'utf8')) as {
        tests: Array<{ alert_rule_test?: Array<{ alertname: string; exp_alerts?: unknown[] }> }>;
      };
      for (const t of doc.tests)
        for (const a of t.alert_rule_test ?? []) if (a.exp_alerts?.length) firing.add(a.alertname);
    }
    expect([...new Set(alerts.map((a) => a.alert))].filter((name) => !firing.has(name))).toEqual([]);
  });

  it('cover what the issue asks for: SLO burn, backlog age, errors, circuit, flood bans, Redis', () => {
    expect(new Set(alerts.map((a) => a.alert))).toEqual(
      new Set([
        'ParleyReplyLatencyBudgetBurn',
        'ParleyBacklogTooOld',
        'ParleyUpdateErrorRateHigh',
        'ParleyLLMErrorRateHigh',
        'ParleyLLMCircuitOpen',
        'ParleyTelegramFloodBan',
        'ParleyRedisDown',
      ]),
    );
  });

  it('give every alert a severity, a summary, a description and a runbook section that exists', () => {
    const runbookAnchors = new Set(
      [...readFileSync(runbooksFile, 'utf8').matchAll(/^#{2,3} (.+)$/gm)].map((m) =>
        anchorOf(m[1] as string),
      ),
    );
    const problems = alerts.flatMap((a) => {
      const out: string[] = [];
      if (!['warning', 'critical'].includes(a.labels?.severity ?? '')) out.push(`${a.alert}: severity`);
      if (!a.annotations?.summary || !a.annotations.description) out.push(`${a.alert}: summary/description`);
      const url = a.annotations?.runbook_url ?? '';
      const m = /^RUNBOOK_BASE_URL\/docs\/runbooks\.md#([a-z0-9-]+)$/.exec(url);
      if (!m) out.push(`${a.alert}: runbook_url ${url}`);
      else if (!runbookAnchors.has(m[1] as string))
        out.push(`${a.alert}: no section #${m[1]} in docs/runbooks.md`);
      else if (m[1] !== a.alert.toLowerCase())
        out.push(`${a.alert}: runbook_url should point at #${a.alert.toLowerCase()}`);
      return out;
    });
    expect(problems).toEqual([]);
  });

  it('name recording rules level:metric:operations, and define every one the dashboards read', () => {
    expect([...records].filter((r) => r.split(':').length !== 3)).toEqual([]);
    const used = new Set(
      loadDashboards().flatMap(({ dashboard }) =>
        panelsOf(dashboard).flatMap((p) =>
          (p.targets ?? []).flatMap((t) =>
            [...t.expr.matchAll(/\b[a-z_]+:[a-z0-9_]+:[a-z0-9_]+\b/g)].map((m) => m[0]),
          ),
        ),
      ),
    );
    expect(used.size).toBeGreaterThan(0);
    expect([...used].filter((name) => !records.has(name))).toEqual([]);
  });

  it('reach the cluster unchanged through the chart PrometheusRule', () => {
    const objects = renderObjects({
      apiVersions: OPERATOR_APIS,
      values: [{ metrics: { prometheusRule: { enabled: true } } }],
    });
    type RenderedRule = { alert?: string; record?: string; expr: string };
    const groups: Array<{ rules: RenderedRule[] }> =
      objects.find((o) => o.kind === 'PrometheusRule')?.spec.groups ?? [];
    const renderedRules = groups.flatMap((g) => g.rules);
    const exprOf = (r: RenderedRule) => [r.alert ?? r.record, r.expr];
    expect(renderedRules.map(exprOf)).toEqual(rules.map(({ rule }) => exprOf(rule)));
  });

  it('point every alert at its runbook under metrics.prometheusRule.runbookBaseUrl', () => {
    const urlsFor = (runbookBaseUrl: string) => {
      const objects = renderObjects({
        apiVersions: OPERATOR_APIS,
        values: [{ metrics: { prometheusRule: { enabled: true, runbookBaseUrl } } }],
      });
      const groups: Array<{ rules: Array<{ alert?: string; annotations?: { runbook_url?: string } }> }> =
        objects.find((o) => o.kind === 'PrometheusRule')?.spec.groups ?? [];
      return groups.flatMap((g) => g.rules.filter((r) => r.alert).map((r) => r.annotations?.runbook_url));
    };
    const absolute = urlsFor('https://git.example.com/ops/parley/blob/main/');
    expect(absolute.length).toBeGreaterThan(0);
    for (const url of absolute) {
      expect(url).toMatch(
        /^https:\/\/git\.example\.com\/ops\/parley\/blob\/main\/docs\/runbooks\.md#[a-z]+$/,
      );
    }
    for (const url of urlsFor('')) expect(url).toMatch(/^docs\/runbooks\.md#[a-z]+$/);
  });
});
