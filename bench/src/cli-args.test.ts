import { BENCHMARK_IDS, CliError, parseArgs } from './cli-args';

const parse = (...argv: string[]) => parseArgs(argv, '/home/me/repo', '/default/results');

describe('parseArgs', () => {
  it('defaults to the full run of every benchmark into the default directory', () => {
    expect(parse()).toEqual({
      quick: false,
      outDir: '/default/results',
      only: [...BENCHMARK_IDS],
      help: false,
    });
  });

  it('reads --quick and --out relative to the caller directory, ignoring a bare --', () => {
    expect(parse('--', '--quick', '--out', 'bench/results')).toMatchObject({
      quick: true,
      outDir: '/home/me/repo/bench/results',
    });
    expect(parse('--out=/tmp/x').outDir).toBe('/tmp/x');
  });

  it('reads --only in the canonical order', () => {
    expect(parse('--only', 'cost,ingest').only).toEqual(['ingest', 'cost']);
  });

  it('rejects unknown arguments, unknown benchmarks and missing values', () => {
    expect(() => parse('--fast')).toThrow(CliError);
    expect(() => parse('--only', 'ingest,nope')).toThrow(/unknown benchmark nope/);
    expect(() => parse('--out')).toThrow(/--out needs a value/);
  });

  it('reads --help', () => {
    expect(parse('-h').help).toBe(true);
  });
});
