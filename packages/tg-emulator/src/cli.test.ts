import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

/** Runs src/cli.ts through tsx, as `node dist/cli.js` would run the build. */
function runCli(args: string[], env: Record<string, string> = {}): ChildProcess {
  const tsx = join(__dirname, '../../../node_modules/.bin/tsx');
  return spawn(tsx, [join(__dirname, 'cli.ts'), ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const end = out.indexOf('\n');
      if (end >= 0) resolve(out.slice(0, end));
    });
    child.once('exit', () => reject(new Error(`exited before printing a line; stdout: ${out}`)));
  });
}

describe('tg-emulator CLI', () => {
  it('listens, serves the Bot API and exits 0 on SIGTERM', async () => {
    const child = runCli(['--port', '0', '--token', '123:AAAAAAAAAAAAAAAA'], {
      TG_EMULATOR_HOST: '127.0.0.1',
    });
    const exited = exitOf(child);
    try {
      const line = await firstLine(child);
      const match = /^tg-emulator listening on (http:\/\/127\.0\.0\.1:\d+) \(chat page: \1\/\)$/.exec(line);
      expect(match).not.toBeNull();
      const res = await fetch(`${match?.[1]}/bot123:AAAAAAAAAAAAAAAA/getMe`);
      expect(await res.json()).toMatchObject({ ok: true, result: { id: 123 } });
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });

  it('exits 2 with a one-line error for bad arguments', async () => {
    const child = runCli(['--port', 'abc']);
    let err = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    expect(await exitOf(child)).toBe(2);
    expect(err).toBe('tg-emulator: --port must be an integer, got "abc"\n');
  });
});
