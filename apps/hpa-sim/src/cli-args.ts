import { parseArgs } from 'node:util';
import { z } from 'zod';

export const USAGE = `usage: hpa-sim [options]

Replays a traffic burst through the Kubernetes HPA algorithm for the worker Deployment, searches a
small grid of metric targets and behaviours, and writes hpa-sim.{md,json,svg} to --out.

  --throughput N        updates/s one worker pod answers (default: from --bench-report, else 10)
  --bench-report FILE   benchmark report to read it from (default bench/results/latest.json)
  --service-time S      seconds one update takes once picked: the LLM answer (default 3)
  --base-rate N         updates/s before and after the burst (default 20)
  --burst-factor N      peak as a multiple of the base rate (default 10)
  --burst-start S       seconds until the burst (default 300)
  --burst-duration S    seconds from a burst's start to its ramp down (default 300)
  --ramp S              seconds of each ramp, 0 for a step (default 60)
  --waves N             bursts in the run (default 2)
  --wave-gap S          seconds at the base rate between bursts (default 240)
  --duration S          seconds simulated and plotted (default 2400)
  --pod-startup S       seconds from pod creation to ready (default 30)
  --scrape-interval S   Prometheus scrape interval (default 15)
  --sync-period S       HPA sync period (default 15)
  --tolerance X         HPA tolerance (default 0.1)
  --min-replicas N      (default 2)
  --max-replicas N      (default 60)
  --slo-p95 S           update→reply p95 the burst must stay under (default 10)
  --seed N              first arrival seed (default 1)
  --seeds N             seeds each setting must pass with (default 3)
  --quick               search 12 settings instead of 324
  --out DIR             where the report goes (default apps/hpa-sim/results)`;

const num = (min: number, max: number) => z.coerce.number().min(min).max(max);
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

const argsSchema = z
  .object({
    throughput: num(0.01, 100_000).optional(),
    'bench-report': z.string().optional(),
    'service-time': num(0.01, 600).default(3),
    'base-rate': num(0.01, 1_000_000).default(20),
    'burst-factor': num(1, 1_000).default(10),
    'burst-start': int(0, 86_400).default(300),
    'burst-duration': int(1, 86_400).default(300),
    ramp: int(0, 86_400).default(60),
    waves: int(1, 20).default(2),
    'wave-gap': int(0, 86_400).default(240),
    duration: int(60, 86_400).default(2_400),
    'pod-startup': int(0, 3_600).default(30),
    'scrape-interval': int(1, 600).default(15),
    'sync-period': int(1, 600).default(15),
    tolerance: num(0, 1).default(0.1),
    'min-replicas': int(1, 10_000).default(2),
    'max-replicas': int(1, 10_000).default(60),
    'slo-p95': num(0.01, 86_400).default(10),
    seed: int(0, 2 ** 31).default(1),
    seeds: int(1, 20).default(3),
    quick: z.boolean().default(false),
    out: z.string().optional(),
  })
  .refine((a) => a['max-replicas'] >= a['min-replicas'], {
    message: '--max-replicas must be at least --min-replicas',
  });

export type SimArgs = z.infer<typeof argsSchema>;

export class UsageError extends Error {}

export function parseSimArgs(argv: string[]): SimArgs {
  const strings = Object.fromEntries(
    Object.keys(argsSchema.shape).map((name) => [
      name,
      { type: name === 'quick' ? ('boolean' as const) : ('string' as const) },
    ]),
  );
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({ args: argv, options: { ...strings, help: { type: 'boolean', short: 'h' } } }));
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\n\n${USAGE}`);
  }
  if (values.help) throw new UsageError(USAGE);
  const parsed = argsSchema.safeParse(values);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (i) => `${i.path.length ? `--${String(i.path[0])} ` : ''}${i.message}`,
    );
    throw new UsageError(`${problems.join('\n')}\n\n${USAGE}`);
  }
  return parsed.data;
}
