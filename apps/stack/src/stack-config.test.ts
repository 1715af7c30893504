import { ConfigError } from '@parley/config';
import { DEFAULT_SUPERVISION, loadStackConfig } from './stack-config';

const TOKEN = '123456:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadStackConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.message.split('\n');
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('stack configuration', () => {
  it('has local defaults and treats blank values as unset', () => {
    const config = loadStackConfig({ STACK_GATEWAY_PORT: '', OPENAI_API_KEY: ' ' });
    expect(config.redisUrl).toBe('redis://127.0.0.1:6379');
    expect(config.host).toBe('127.0.0.1');
    expect(config.ports).toEqual({ gateway: 8080, emulator: 8081, llmSim: 8082, workerMetrics: 9464 });
    expect(config.workers).toBe(1);
    expect(config.fromSource).toBe(false);
    expect(config.llm.apiKey).toBeUndefined();
    expect(config.llmSim).toEqual({ ttftMs: 300, tokensPerSecond: 60 });
    expect(config.telegram.webhookPath).toBe('/telegram/webhook');
    expect(config.redisDir).toMatch(/[/\\]\.parley[/\\]redis$/);
    expect(config.supervision).toEqual(DEFAULT_SUPERVISION);
  });

  it('reads every STACK_ variable', () => {
    const config = loadStackConfig({
      STACK_HOST: '0.0.0.0',
      STACK_GATEWAY_PORT: '0',
      STACK_EMULATOR_PORT: '18081',
      STACK_LLM_SIM_PORT: '18082',
      STACK_WORKER_METRICS_PORT: '19464',
      STACK_WORKERS: '3',
      STACK_FROM_SOURCE: 'yes',
      STACK_LLM_SIM_TTFT_MS: '0',
      STACK_LLM_SIM_TOKENS_PER_SECOND: '0',
      STACK_REDIS_DIR: '/tmp/r',
    });
    expect(config.host).toBe('0.0.0.0');
    expect(config.ports).toEqual({ gateway: 0, emulator: 18081, llmSim: 18082, workerMetrics: 19464 });
    expect(config.workers).toBe(3);
    expect(config.fromSource).toBe(true);
    expect(config.llmSim).toEqual({ ttftMs: 0, tokensPerSecond: 0 });
    expect(config.redisDir).toBe('/tmp/r');
  });

  it('passes every variable but STACK_* through to the children unchanged', () => {
    const config = loadStackConfig({
      SYSTEM_PROMPT: 'You are Marvin',
      HISTORY_MAX_MESSAGES: '4',
      LOG_LEVEL: 'debug',
      REDIS_URL: 'redis://127.0.0.1:6390',
      STACK_WORKERS: '2',
    });
    expect(config.passThrough).toEqual({
      SYSTEM_PROMPT: 'You are Marvin',
      HISTORY_MAX_MESSAGES: '4',
      LOG_LEVEL: 'debug',
      REDIS_URL: 'redis://127.0.0.1:6390',
    });
  });

  it('names each bad variable on its own line and never echoes a secret', () => {
    const problems = problemsOf({
      STACK_GATEWAY_PORT: 'eighty',
      STACK_WORKERS: '0',
      REDIS_URL: 'http://localhost',
      TELEGRAM_BOT_TOKEN: 'not-a-token',
    });
    expect(problems).toHaveLength(4);
    for (const line of problems) expect(line).toMatch(/^invalid configuration: [A-Z_]+ /);
    expect(problems.map((p) => p.split(' ')[2]).sort()).toEqual([
      'REDIS_URL',
      'STACK_GATEWAY_PORT',
      'STACK_WORKERS',
      'TELEGRAM_BOT_TOKEN',
    ]);
    expect(problems.join('\n')).toContain('got "eighty"');
    expect(problems.join('\n')).not.toContain('not-a-token');
  });

  it('rejects combinations that cannot work', () => {
    expect(problemsOf({ TELEGRAM_WEBHOOK_URL: 'https://bot.example.com' })[0]).toMatch(
      /^invalid configuration: TELEGRAM_WEBHOOK_URL needs TELEGRAM_BOT_TOKEN/,
    );
    expect(problemsOf({ TELEGRAM_BOT_TOKEN: TOKEN, INGEST_MODE: 'webhook' })[0]).toMatch(
      /^invalid configuration: TELEGRAM_WEBHOOK_URL is required with INGEST_MODE=webhook/,
    );
    expect(
      problemsOf({
        TELEGRAM_BOT_TOKEN: TOKEN,
        INGEST_MODE: 'polling',
        TELEGRAM_WEBHOOK_URL: 'https://bot.example.com',
      })[0],
    ).toMatch(/^invalid configuration: INGEST_MODE /);
    expect(
      problemsOf({ TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_WEBHOOK_URL: 'http://bot.example.com' })[0],
    ).toMatch(/^invalid configuration: TELEGRAM_WEBHOOK_URL must be the public https:\/\//);
  });

  it('keeps a real bot with a public URL, and one without', () => {
    const withUrl = loadStackConfig({
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_WEBHOOK_URL: 'https://bot.example.com',
    });
    expect(withUrl.telegram).toMatchObject({ botToken: TOKEN, webhookUrl: 'https://bot.example.com' });
    expect(loadStackConfig({ TELEGRAM_BOT_TOKEN: TOKEN }).telegram.webhookUrl).toBeUndefined();
  });
});
