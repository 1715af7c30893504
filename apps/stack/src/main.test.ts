import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createTestRedis, deleteKeysWithPrefix, testRedisUrl, uniquePrefix, waitFor } from '@parley/testing';
import { REPO_ROOT, tsxLoaderUrl } from './paths';

/**
 * `pnpm stack` as a user runs it: one process, the banner, a conversation, then SIGTERM. Run
 * from source with STACK_FROM_SOURCE=1, which also proves the tsx path of gateway and workers.
 */
describe('the stack command', () => {
  const prefix = uniquePrefix('stack-main');
  const redis = createTestRedis();
  let proc: ChildProcessWithoutNullStreams | undefined;
  const output: string[] = [];

  afterAll(async () => {
    if (proc && proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
    await deleteKeysWithPrefix(redis, prefix);
    redis.disconnect();
  });

  const explain = (err: unknown) => {
    (err as Error).message += `\n--- stack output ---\n${output.slice(-60).join('\n')}`;
    return err;
  };

  it('starts, chats, and stops cleanly on SIGTERM', async () => {
    proc = spawn(
      process.execPath,
      ['--conditions=@parley/source', '--import', tsxLoaderUrl(), join(REPO_ROOT, 'apps/stack/src/main.ts')],
      {
        env: {
          ...process.env,
          REDIS_URL: testRedisUrl(),
          REDIS_KEY_PREFIX: prefix,
          TELEGRAM_BOT_TOKEN: '',
          TELEGRAM_WEBHOOK_URL: '',
          OPENAI_API_KEY: '',
          OPENAI_BASE_URL: '',
          LLM_MODEL: '',
          INGEST_MODE: '',
          STACK_FROM_SOURCE: '1',
          STACK_GATEWAY_PORT: '0',
          STACK_EMULATOR_PORT: '0',
          STACK_LLM_SIM_PORT: '0',
          STACK_WORKER_METRICS_PORT: '0',
          STACK_WORKERS: '1',
          STACK_LLM_SIM_TTFT_MS: '0',
          STACK_LLM_SIM_TOKENS_PER_SECOND: '0',
        },
      },
    );
    const running = proc;
    for (const stream of [running.stdout, running.stderr]) {
      createInterface({ input: stream }).on('line', (line) => output.push(line));
    }
    const exited = new Promise<number | null>((resolve) => running.once('close', (code) => resolve(code)));

    await waitFor(() => output.includes('Press Ctrl+C to stop.'), {
      timeoutMs: 45_000,
      what: 'the banner',
    }).catch((err) => {
      throw explain(err);
    });
    const urlAfter = (label: string) => {
      const line = output.find((l) => l.startsWith(`  ${label}`));
      const url = line?.match(/http:\/\/[^\s]+/)?.[0];
      if (!url) throw explain(new Error(`no "${label}" line in the banner`));
      return url;
    };
    const chatPage = urlAfter('Chat with the bot:');
    const gatewayReady = urlAfter('Gateway webhook:').replace('/telegram/webhook', '/readyz');
    const workerReady = urlAfter('Worker metrics:').replace('/metrics', '/readyz');
    expect(output.some((l) => l.includes('from source (tsx)'))).toBe(true);

    // A conversation over the emulator's HTTP control API, as a test in another process would.
    const sent = await fetch(new URL('/_emulator/messages', chatPage), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'my name is Ada', user_id: 300_001 }),
    });
    expect(sent.status).toBe(200);
    const reply = await waitFor(
      async () => {
        const res = await fetch(new URL('/_emulator/bot-messages?chat_id=300001', chatPage));
        const body = (await res.json()) as { result: Array<{ text: string }> };
        return body.result[0]?.text;
      },
      { timeoutMs: 20_000, what: 'the reply' },
    ).catch((err) => {
      throw explain(err);
    });
    expect(reply).toContain('Nice to meet you, Ada!');

    running.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(output).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^\[stack\] +SIGTERM: stopping/),
        expect.stringMatching(/^\[gateway\] +stopped \(exited with code 0\)$/),
        expect.stringMatching(/^\[worker-1\] +stopped \(exited with code 0\)$/),
      ]),
    );
    // Nothing is left listening: the children and the stand-ins are gone.
    for (const url of [gatewayReady, workerReady, chatPage]) {
      await expect(fetch(url, { signal: AbortSignal.timeout(2_000) })).rejects.toThrow();
    }
  }, 60_000);
});
