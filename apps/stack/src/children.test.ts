import { waitFor } from '@parley/testing';
import { SupervisedChild, type SupervisorOptions } from './children';
import type { StackOutput } from './output';

/** Real child processes (node -e scripts), so spawning, signals and exit codes are the real thing. */
function supervise(script: string, overrides: Partial<SupervisorOptions> = {}) {
  const lines: string[] = [];
  const out: StackOutput = { write: (line) => lines.push(line), color: false };
  const giveUps: string[] = [];
  const child = new SupervisedChild(
    { name: 'demo', args: ['-e', script], env: { PATH: process.env.PATH ?? '' } },
    {
      out,
      index: 0,
      restartDelayMs: 20,
      maxRestartsPerMinute: 3,
      onGiveUp: (reason) => giveUps.push(reason),
      ...overrides,
    },
  );
  return { child, lines, giveUps };
}

describe('supervised children', () => {
  const started: SupervisedChild[] = [];
  afterEach(() => {
    for (const child of started.splice(0)) child.killNow();
  });

  it('prefixes every output line and renders pino JSON compactly', async () => {
    const { child, lines } = supervise(`
      console.log(JSON.stringify({ level: 30, time: Date.now(), pid: 1, hostname: 'h', service: 'demo', msg: 'hello', userId: 5 }));
      console.error('a plain line');
    `);
    started.push(child);
    child.start();
    expect(await child.exited()).toEqual({ code: 0, signal: null });
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^\[demo\] +\d\d:\d\d:\d\d\.\d{3} INFO {2}hello userId=5$/),
        expect.stringMatching(/^\[demo\] +a plain line$/),
      ]),
    );
    expect(lines.at(-1)).toMatch(/^\[demo\] +exited with code 0$/);
  });

  it('does not restart while the stack starts', async () => {
    const { child, lines } = supervise('process.exit(3)');
    started.push(child);
    child.start();
    await child.exited();
    await new Promise((r) => setTimeout(r, 200));
    expect(lines.filter((l) => l.includes('exited with code 3'))).toHaveLength(1);
    expect(lines.join('\n')).not.toContain('restarting');
  });

  it('restarts a crashing child after the delay, then gives up past the budget', async () => {
    const { child, lines, giveUps } = supervise('process.exit(3)');
    started.push(child);
    child.restartOnExit = true;
    child.start();
    await waitFor(() => giveUps.length > 0, { timeoutMs: 10_000, what: 'giving up' });
    expect(lines.filter((l) => l.includes('exited with code 3; restarting in 0.02 s'))).toHaveLength(3);
    expect(lines.filter((l) => l.includes('restarted (pid'))).toHaveLength(3);
    expect(lines.at(-1)).toContain('restarted 3 times within a minute, giving up');
    expect(giveUps).toEqual(['demo keeps exiting (exited with code 3)']);
  });

  it('stops with SIGTERM, and kills what ignores it after the timeout', async () => {
    const { child, lines } = supervise(`
      process.on('SIGTERM', () => console.log('ignoring SIGTERM'));
      setInterval(() => {}, 1000);
      console.log('up');
    `);
    started.push(child);
    child.restartOnExit = true;
    child.start();
    await waitFor(() => lines.some((l) => l.endsWith('up')), { what: 'the child to start' });
    await child.stop(300);
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/ignoring SIGTERM$/),
        expect.stringMatching(/did not stop within 0\.3 s; killing it$/),
        expect.stringMatching(/stopped \(was killed by SIGKILL\)$/),
      ]),
    );
    // A stopped child is not brought back.
    await new Promise((r) => setTimeout(r, 100));
    expect(lines.join('\n')).not.toContain('restarting');
  });

  it('a child that stops on SIGTERM is not killed', async () => {
    const { child, lines } = supervise(`
      process.on('SIGTERM', () => { console.log('bye'); process.exit(0); });
      setInterval(() => {}, 1000);
      console.log('up');
    `);
    started.push(child);
    child.start();
    await waitFor(() => lines.some((l) => l.endsWith('up')), { what: 'the child to start' });
    await child.stop(5_000);
    expect(lines.slice(-2)).toEqual([
      expect.stringMatching(/bye$/),
      expect.stringMatching(/stopped \(exited with code 0\)$/),
    ]);
  });
});
