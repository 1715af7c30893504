import { isAbsolute, resolve } from 'node:path';

/** Command-line options of the benchmark run. Only main.ts reads process.argv. */

export const BENCHMARK_IDS = ['ingest', 'pipeline', 'inline-bot', 'cache', 'cost'] as const;
export type BenchmarkId = (typeof BENCHMARK_IDS)[number];

export interface BenchOptions {
  quick: boolean;
  /** Absolute directory for latest.json, latest.md and the SVG plots. */
  outDir: string;
  only: BenchmarkId[];
  help: boolean;
}

export const USAGE = `usage: parley-bench [--quick] [--out DIR] [--only ${BENCHMARK_IDS.join(',')}]

  --quick       short run (under 2 minutes on 2 cores); the full run takes up to 20 minutes
  --out DIR     where latest.json, latest.md and the plots go (default: bench/results)
  --only LIST   comma-separated benchmarks to run (default: all)
  --help        this text`;

export class CliError extends Error {
  override name = 'CliError';
}

/**
 * Parses the arguments after the script name. A relative --out is resolved against `cwd`
 * (the directory the user ran the command in).
 */
export function parseArgs(argv: readonly string[], cwd: string, defaultOutDir: string): BenchOptions {
  const options: BenchOptions = {
    quick: false,
    outDir: defaultOutDir,
    only: [...BENCHMARK_IDS],
    help: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? splitOnce(arg) : [arg, undefined];
    const value = (): string => {
      const next = inline ?? argv[++i];
      if (next === undefined || next === '') throw new CliError(`${flag} needs a value`);
      return next;
    };
    switch (flag) {
      case '--':
        break;
      case '--quick':
        options.quick = true;
        break;
      case '--help':
      case '-h':
        options.help = true;
        break;
      case '--out': {
        const dir = value();
        options.outDir = isAbsolute(dir) ? dir : resolve(cwd, dir);
        break;
      }
      case '--only': {
        const ids = value()
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s !== '');
        const unknown = ids.filter((id) => !(BENCHMARK_IDS as readonly string[]).includes(id));
        if (unknown.length > 0 || ids.length === 0) {
          throw new CliError(
            `--only: unknown benchmark ${unknown.join(', ') || '(none)'}; known: ${BENCHMARK_IDS.join(', ')}`,
          );
        }
        options.only = BENCHMARK_IDS.filter((id) => ids.includes(id));
        break;
      }
      default:
        throw new CliError(`unknown argument ${arg}`);
    }
  }
  return options;
}

function splitOnce(arg: string): [string, string] {
  const at = arg.indexOf('=');
  return [arg.slice(0, at), arg.slice(at + 1)];
}
