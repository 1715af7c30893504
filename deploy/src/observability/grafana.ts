import type { Dashboard, DashboardVariable } from './files';

/**
 * What Grafana does to a panel's PromQL before sending it to Prometheus: template variables
 * replaced by their current values (query variables resolved against the data source, in
 * dashboard order, each seeing the ones before it) and the built-in interval variables.
 */

/** Answers `label_values(...)`: the values of `label` on the series matching `match`. */
export type LabelValuesSource = (label: string, match?: string) => Promise<string[]>;

export interface GrafanaTiming {
  /** Step of the range query: what Grafana calls `$__interval` (at most one point per step). */
  intervalSeconds: number;
  /** The data source's scrape interval setting, which `$__rate_interval` builds on. */
  scrapeIntervalSeconds: number;
  /** Length of the dashboard's time range (`$__range`). */
  rangeSeconds: number;
}

/** `$__rate_interval` as Grafana computes it: max($__interval + scrape interval, 4 × scrape interval). */
export function rateInterval(t: GrafanaTiming): number {
  return Math.max(t.intervalSeconds + t.scrapeIntervalSeconds, 4 * t.scrapeIntervalSeconds);
}

/** Resolves every variable of a dashboard to the value Grafana would select on first load. */
export async function resolveVariables(
  dashboard: Dashboard,
  labelValues: LabelValuesSource,
): Promise<Map<string, string>> {
  const values = new Map<string, string>();
  for (const v of dashboard.templating.list) {
    const value = await resolveVariable(v, values, labelValues);
    if (value !== undefined) values.set(v.name, value);
  }
  return values;
}

async function resolveVariable(
  v: DashboardVariable,
  known: Map<string, string>,
  labelValues: LabelValuesSource,
): Promise<string | undefined> {
  switch (v.type) {
    case 'datasource':
      // Chosen in Grafana's UI; panel queries never contain it, only their datasource uid.
      return undefined;
    case 'textbox':
    case 'constant':
      return queryText(v);
    case 'custom': {
      const first = queryText(v).split(',')[0]?.trim();
      if (!first) throw new Error(`custom variable ${v.name} has no options`);
      return first;
    }
    case 'query': {
      const definition = substitute(v.definition ?? queryText(v), known);
      const options = applyRegex(await runVariableQuery(definition, labelValues), v.regex);
      if (options.length === 0) throw new Error(`variable ${v.name} (${definition}) has no values`);
      // Grafana selects the first option when nothing is saved as current; "All" of a
      // multi-value variable becomes a regex alternation of every option.
      return v.includeAll && v.current?.value === '$__all'
        ? `(${options.map(escapeRegex).join('|')})`
        : (options[0] as string);
    }
    default:
      throw new Error(`variable ${v.name} has type ${v.type}, which this check does not know`);
  }
}

function queryText(v: DashboardVariable): string {
  return typeof v.query === 'string' ? v.query : (v.query?.query ?? '');
}

/** Grafana's Prometheus variable queries: `label_values(label)` and `label_values(match, label)`. */
async function runVariableQuery(definition: string, labelValues: LabelValuesSource): Promise<string[]> {
  const m = /^\s*label_values\(\s*(?:(.+),\s*)?([a-zA-Z_][a-zA-Z0-9_]*)\s*\)\s*$/.exec(definition);
  if (!m) throw new Error(`unsupported variable query: ${definition}`);
  const [, match, label] = m;
  return labelValues(label as string, match?.trim());
}

/** Grafana's variable regex (`/…/flags`): keeps matching values, the first capture group if any. */
function applyRegex(values: string[], regex: string | undefined): string[] {
  let out = values;
  if (regex) {
    const m = /^\/(.*)\/([a-z]*)$/.exec(regex);
    if (!m) throw new Error(`variable regex ${regex} is not /pattern/flags`);
    const re = new RegExp(m[1] as string, m[2]);
    out = values.flatMap((value) => {
      const hit = re.exec(value);
      if (!hit) return [];
      return [hit[1] ?? hit[0]];
    });
  }
  return [...new Set(out)].sort();
}

function escapeRegex(value: string): string {
  return value.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
}

/** Replaces `$name`, `${name}` and `[[name]]` with known values; longest names first. */
export function substitute(text: string, values: Map<string, string>): string {
  let out = text;
  const names = [...values.keys()].sort((a, b) => b.length - a.length);
  for (const name of names) {
    const value = values.get(name) as string;
    out = out
      .replaceAll(`\${${name}}`, value)
      .replaceAll(`[[${name}]]`, value)
      .replace(new RegExp(`\\$${name}(?![a-zA-Z0-9_])`, 'g'), () => value);
  }
  return out;
}

/** A panel query as Grafana sends it: variables and interval macros replaced. */
export function renderPanelQuery(
  expr: string,
  variables: Map<string, string>,
  timing: GrafanaTiming,
): string {
  const builtIns = new Map<string, string>([
    ['__rate_interval', `${rateInterval(timing)}s`],
    ['__interval', `${timing.intervalSeconds}s`],
    ['__range', `${timing.rangeSeconds}s`],
  ]);
  const rendered = substitute(substitute(expr, builtIns), variables);
  const left = /\$\{?[a-zA-Z_]\w*|\[\[\w+\]\]/.exec(rendered);
  if (left) throw new Error(`unknown variable ${left[0]} in ${expr}`);
  return rendered;
}
