import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { chartDir } from '../paths';
import { rendererBinary } from './renderer-binary';

/** A rendered Kubernetes object, with the template it came from. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; [key: string]: unknown };
  // biome-ignore lint/suspicious/noExplicitAny: rendered manifests are inspected field by field in tests
  [key: string]: any;
}

export interface RenderOptions {
  /** Values objects, merged in order after the chart's values.yaml (like `-f` files). */
  values?: unknown[];
  /** Values files, merged before `values`. */
  valueFiles?: string[];
  /** `--set a.b=c` overrides, applied last. */
  set?: string[];
  releaseName?: string;
  namespace?: string;
  /** API versions the cluster serves beyond the built-in ones (CRDs: keda.sh/v1alpha1, …). */
  apiVersions?: string[];
  chart?: string;
}

export type RenderResult =
  | { ok: true; objects: Array<{ source: string; object: KubeObject }>; text: string }
  | { ok: false; error: string };

/** Renders the chart the way `helm template` does, with the renderer in deploy/renderer. */
export function renderChart(opts: RenderOptions = {}): RenderResult {
  const run = runRenderer(opts, []);
  if (!run.ok) return run;
  return { ok: true, objects: parseStream(run.stdout), text: run.stdout };
}

/** Renders NOTES.txt (what `helm install` prints). */
export function renderNotes(opts: RenderOptions = {}): string {
  const run = runRenderer(opts, ['--notes']);
  if (!run.ok) throw new Error(run.error);
  return run.stdout;
}

/** Renders and throws on failure: for scenarios that must render. */
export function renderObjects(opts: RenderOptions = {}): KubeObject[] {
  const result = renderChart(opts);
  if (!result.ok) throw new Error(result.error);
  return result.objects.map((o) => o.object);
}

function runRenderer(
  opts: RenderOptions,
  extraArgs: string[],
): { ok: true; stdout: string } | { ok: false; error: string } {
  const dir = mkdtempSync(join(tmpdir(), 'parley-values-'));
  try {
    const args = ['--chart', opts.chart ?? chartDir, ...extraArgs];
    args.push('--name', opts.releaseName ?? 'parley', '--namespace', opts.namespace ?? 'bots');
    for (const file of opts.valueFiles ?? []) args.push('-f', file);
    (opts.values ?? []).forEach((values, i) => {
      const file = join(dir, `values-${i}.json`);
      writeFileSync(file, JSON.stringify(values));
      args.push('-f', file);
    });
    for (const s of opts.set ?? []) args.push('--set', s);
    for (const v of opts.apiVersions ?? []) args.push('--api-versions', v);
    try {
      const stdout = execFileSync(rendererBinary(), args, {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      return { ok: true, stdout };
    } catch (err) {
      const stderr = (err as { stderr?: string }).stderr ?? String(err);
      return { ok: false, error: stderr.replace(/^Error: /, '').trim() };
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Splits the renderer's stream into objects, keeping each one's `# Source:` template. */
export function parseStream(text: string): Array<{ source: string; object: KubeObject }> {
  const out: Array<{ source: string; object: KubeObject }> = [];
  for (const chunk of text.split(/^---\n# Source: /m).slice(1)) {
    const newline = chunk.indexOf('\n');
    const source = chunk.slice(0, newline);
    for (const doc of parseAllDocuments(chunk.slice(newline + 1))) {
      if (doc.errors.length > 0) throw new Error(`${source}: ${doc.errors[0]?.message}`);
      const object = doc.toJS() as KubeObject | null;
      if (object !== null) out.push({ source, object });
    }
  }
  return out;
}
