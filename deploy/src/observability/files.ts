import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { chartDir, repoRoot } from '../paths';

/** The observability files the chart ships: dashboards, rule files, autoscaling queries, runbooks. */

export const dashboardsDir = join(chartDir, 'dashboards');
export const rulesDir = join(chartDir, 'rules');
export const ruleTestsDir = join(rulesDir, 'tests');
export const autoscalingQueriesFile = join(chartDir, 'autoscaling-queries.yaml');
export const runbooksFile = join(repoRoot, 'docs', 'runbooks.md');

export interface DashboardTarget {
  refId: string;
  expr: string;
  legendFormat?: string;
  datasource?: { type?: string; uid?: string };
}

export interface DashboardPanel {
  id: number;
  type: string;
  title: string;
  description?: string;
  datasource?: { type?: string; uid?: string };
  gridPos: { h: number; w: number; x: number; y: number };
  targets?: DashboardTarget[];
  panels?: DashboardPanel[];
}

export interface DashboardVariable {
  name: string;
  type: string;
  query?: string | { query: string };
  definition?: string;
  regex?: string;
  current?: { text?: string; value?: string | string[] };
  includeAll?: boolean;
  multi?: boolean;
}

export interface Dashboard {
  uid: string;
  title: string;
  templating: { list: DashboardVariable[] };
  panels: DashboardPanel[];
}

export function ruleFiles(): string[] {
  return yamlFiles(rulesDir);
}

export function ruleTestFiles(): string[] {
  return yamlFiles(ruleTestsDir);
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => join(dir, f));
}

export interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export function loadRules(): Array<{ file: string; group: string; rule: Rule }> {
  return ruleFiles().flatMap((file) => {
    const doc = parse(readFileSync(file, 'utf8')) as { groups: Array<{ name: string; rules: Rule[] }> };
    return doc.groups.flatMap((g) => g.rules.map((rule) => ({ file, group: g.name, rule })));
  });
}

export function loadDashboards(): Array<{ file: string; dashboard: Dashboard }> {
  return readdirSync(dashboardsDir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => ({
      file: f,
      dashboard: JSON.parse(readFileSync(join(dashboardsDir, f), 'utf8')) as Dashboard,
    }));
}

/** Panels of a dashboard, those inside collapsed rows included (rows themselves excluded). */
export function panelsOf(dashboard: Dashboard): DashboardPanel[] {
  return dashboard.panels.flatMap((p) => (p.type === 'row' ? (p.panels ?? []) : [p]));
}

/** autoscaling-queries.yaml: query name → PromQL with `$selector` where the chart puts label matchers. */
export function loadAutoscalingQueries(): Record<string, string> {
  const doc = parse(readFileSync(autoscalingQueriesFile, 'utf8')) as Record<string, unknown>;
  return Object.fromEntries(
    Object.entries(doc).map(([name, query]) => {
      if (typeof query !== 'string') throw new Error(`autoscaling query ${name} is not a string`);
      return [name, query.trim()];
    }),
  );
}

/** Fills an autoscaling query's `$selector` the way the chart does for one component. */
export function fillSelector(query: string, selector: string): string {
  return query.replaceAll('$selector', selector);
}

/** The component an autoscaling query reads, from its name (`worker_…`, `gateway_…`). */
export function componentOfQuery(name: string): 'gateway' | 'worker' {
  if (name.startsWith('gateway_')) return 'gateway';
  if (name.startsWith('worker_')) return 'worker';
  throw new Error(`autoscaling query ${name} should start with worker_ or gateway_`);
}
