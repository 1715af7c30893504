import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testRedisUrl } from '@parley/testing';
import { entryArgs, REPO_ROOT, tsxLoaderUrl } from './paths';
import { StackError } from './stack-error';

interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node ...args` with exactly `env` (plus PATH) and collects what it printed. */
function runNode(args: string[], env: Record<string, string>, timeoutMs = 30_000): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`node ${args.join(' ')} did not exit within ${timeoutMs} ms:\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const lines = (text: string) => text.split('\n').filter((l) => l.trim() !== '');
const built = (app: string) => join(REPO_ROOT, 'apps', app, 'dist', 'main.js');
const stackFromSource = [
  '--conditions=@parley/source',
  '--import',
  tsxLoaderUrl(),
  join(REPO_ROOT, 'apps/stack/src/main.ts'),
];

describe('bad configuration', () => {
  it('the gateway exits 1 with one line per bad variable', async () => {
    const result = await runNode([built('gateway')], { PORT: 'eighty' });
    expect(result.code).toBe(1);
    const problems = lines(result.stderr);
    expect(problems).toHaveLength(2);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^invalid configuration: TELEGRAM_WEBHOOK_SECRET is required/),
        expect.stringMatching(/^invalid configuration: PORT must be a TCP port number .*got "eighty"/),
      ]),
    );
    expect(result.stdout).toBe('');
  });

  it('the worker exits 1 naming the missing bot token', async () => {
    const result = await runNode([built('worker')], { OPENAI_BASE_URL: 'http://127.0.0.1:9/v1' });
    expect(result.code).toBe(1);
    expect(lines(result.stderr)).toEqual([
      expect.stringMatching(/^invalid configuration: TELEGRAM_BOT_TOKEN is required/),
    ]);
  });

  it('the stack exits 1 naming its own bad variable before starting anything', async () => {
    const result = await runNode(stackFromSource, { STACK_WORKERS: 'many', STACK_GATEWAY_PORT: '8080' });
    expect(result.code).toBe(1);
    expect(lines(result.stderr)).toEqual([
      'invalid configuration: STACK_WORKERS must be a number of worker processes between 1 and 32 (got "many")',
    ]);
    expect(result.stdout).toBe('');
  });

  it('the stack reports a bad variable meant for the children once, before spawning them', async () => {
    const result = await runNode(stackFromSource, {
      REDIS_URL: testRedisUrl(),
      WORKER_CONCURRENCY: 'lots',
      STACK_GATEWAY_PORT: '0',
      STACK_EMULATOR_PORT: '0',
      STACK_LLM_SIM_PORT: '0',
      STACK_WORKER_METRICS_PORT: '0',
    });
    expect(result.code).toBe(1);
    expect(lines(result.stderr)).toEqual([
      expect.stringMatching(/^invalid configuration: WORKER_CONCURRENCY must be an integer .*got "lots"/),
    ]);
    expect(result.stdout).not.toMatch(/\[(gateway|worker-1)\]/);
  });

  it('a missing build is reported with what to run', () => {
    const emptyRepo = mkdtempSync(join(tmpdir(), 'parley-stack-'));
    try {
      expect(() => entryArgs('gateway', false, emptyRepo)).toThrow(StackError);
      expect(() => entryArgs('worker', false, emptyRepo)).toThrow(
        /worker.*main\.js is missing: run `pnpm build` first/,
      );
      // From source, the build is not needed.
      expect(entryArgs('gateway', true).at(-1)).toBe(join(REPO_ROOT, 'apps/gateway/src/main.ts'));
    } finally {
      rmSync(emptyRepo, { recursive: true, force: true });
    }
  });
});
