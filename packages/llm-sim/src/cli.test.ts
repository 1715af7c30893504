import { type ChildProcess, execFile, spawn } from 'node:child_process';
import path from 'node:path';

/** The CLI run from source, as `node dist/cli.js` would run it after a build. */
const packageDir = path.join(__dirname, '..');
const cliArgs = (args: string[]) => ['--import', 'tsx', path.join('src', 'cli.ts'), ...args];

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const newline = out.indexOf('\n');
      if (newline >= 0) resolve(out.slice(0, newline));
    });
    child.once('exit', (code) => reject(new Error(`exited with ${code} before printing`)));
  });
}

describe('llm-sim CLI', () => {
  it('prints where it listens, serves the models and exits 0 on SIGTERM', async () => {
    const child = spawn(process.execPath, cliArgs(['--port', '0', '--model', 'm-1', '--model', 'm-2']), {
      cwd: packageDir,
      env: { ...process.env, LLM_SIM_TTFT_MS: '0' },
    });
    children.push(child);
    const line = await firstLine(child);
    const match = /^llm-sim listening on (http:\/\/127\.0\.0\.1:\d+\/v1) \(models: m-1, m-2\)$/.exec(line);
    expect(match).not.toBeNull();
    const res = await fetch(`${match?.[1]}/models`);
    expect(((await res.json()) as { data: Array<{ id: string }> }).data.map((m) => m.id)).toEqual([
      'm-1',
      'm-2',
    ]);
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 20_000);

  it('exits 2 with a one-line message on a bad value', async () => {
    const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        cliArgs(['--capacity', 'lots']),
        { cwd: packageDir },
        (err, _stdout, stderr) =>
          resolve({ code: err ? ((err as { code?: number }).code ?? null) : 0, stderr }),
      );
    });
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('invalid --capacity "lots"');
  }, 20_000);
});
