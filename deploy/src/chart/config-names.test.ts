import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chartDir, repoRoot } from '../paths';

/**
 * values.schema.json lists the variables each process may be given through `config`, so that a
 * typo is refused at install time. This keeps that list in step with the README's configuration
 * tables, the documented source of truth: a new variable must be settable through the chart.
 */

// Set by the chart itself from dedicated values (ports, secrets): refused in `config` on purpose.
const SET_BY_CHART = new Set([
  'HOST',
  'PORT',
  'METRICS_HOST',
  'METRICS_PORT',
  'REDIS_URL',
  'TELEGRAM_BOT_TOKEN',
  'TELEGRAM_WEBHOOK_SECRET',
  'OPENAI_API_KEY',
  'LLM_FALLBACK_<N>_API_KEY',
  // A secret: from `secrets.existingSecret` or extraEnv with a secretKeyRef, never a ConfigMap.
  'CANARY_SECRET',
]);

const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8').split('\n');

/** Variable names in the first column of the tables under a `### heading` of the README. */
function documented(heading: string): Set<string> {
  const start = readme.indexOf(`### ${heading}`);
  if (start < 0) throw new Error(`README has no "### ${heading}" section`);
  const names = new Set<string>();
  for (const line of readme.slice(start + 1)) {
    if (line.startsWith('#')) break;
    const first = line.startsWith('|') ? line.split('|')[1] : undefined;
    for (const m of first?.matchAll(/`([A-Z][A-Z0-9_<>]+)`/g) ?? []) names.add(m[1] as string);
  }
  return names;
}

const schema = JSON.parse(readFileSync(join(chartDir, 'values.schema.json'), 'utf8'));
const allowed = (names: string[] | undefined) => new Set<string>(names ?? []);
const shared = allowed(schema.properties.config.propertyNames?.enum);
const gateway = allowed(schema.properties.gateway.properties.config.propertyNames?.enum);
const worker = allowed(schema.properties.worker.properties.config.propertyNames?.enum);

const missing = (docs: Set<string>, ...lists: Set<string>[]) =>
  [...docs].filter((n) => !SET_BY_CHART.has(n) && !lists.some((l) => l.has(n))).sort();

describe('values.schema.json accepts every documented variable', () => {
  it('shared by gateway and worker', () => {
    expect(documented('Shared by gateway and worker').size).toBeGreaterThan(3);
    expect(missing(documented('Shared by gateway and worker'), shared)).toEqual([]);
  });
  it('gateway', () => {
    expect(missing(documented('Gateway'), gateway, shared)).toEqual([]);
  });
  it('worker', () => {
    expect(documented('Worker').size).toBeGreaterThan(20);
    expect(missing(documented('Worker'), worker, shared)).toEqual([]);
  });
});
