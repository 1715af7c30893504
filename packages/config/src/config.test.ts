import { ConfigError } from './errors';
import { loadGatewayConfig } from './gateway';
import { loadWorkerConfig } from './worker';

const token = '123456:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('gateway config', () => {
  it('applies defaults and treats blank values as unset', () => {
    const config = loadGatewayConfig({ TELEGRAM_WEBHOOK_SECRET: 's3cret', PORT: '', REDIS_URL: '  ' });
    expect(config.http.port).toBe(8080);
    expect(config.redisUrl).toBe('redis://127.0.0.1:6379');
    expect(config.http.webhookPath).toBe('/telegram/webhook');
    expect(config.botId).toBe('default');
  });

  it('names a missing secret and a malformed port, one line each', () => {
    const problems = problemsOf(() => loadGatewayConfig({ PORT: 'eighty' }));
    expect(problems).toHaveLength(2);
    expect(problems.find((p) => p.startsWith('TELEGRAM_WEBHOOK_SECRET'))).toMatch(/is required.*not set/);
    expect(problems.find((p) => p.startsWith('PORT'))).toMatch(/TCP port.*got "eighty"/);
  });

  it('never echoes a secret value', () => {
    const problems = problemsOf(() => loadGatewayConfig({ TELEGRAM_WEBHOOK_SECRET: 'has spaces in it!' }));
    expect(problems[0]).toMatch(/^TELEGRAM_WEBHOOK_SECRET must be 1-256 characters/);
    expect(problems[0]).not.toContain('has spaces');
  });

  it('requires a bot token in polling mode', () => {
    const problems = problemsOf(() =>
      loadGatewayConfig({ TELEGRAM_WEBHOOK_SECRET: 'x', INGEST_MODE: 'polling' }),
    );
    expect(problems[0]).toMatch(/^TELEGRAM_BOT_TOKEN .*INGEST_MODE=polling/);
  });
});

describe('worker config', () => {
  it('loads with only a token and a local LLM', () => {
    const config = loadWorkerConfig({
      TELEGRAM_BOT_TOKEN: token,
      OPENAI_BASE_URL: 'http://127.0.0.1:8000/v1',
    });
    expect(config.llm.apiKey).toBeUndefined();
    expect(config.concurrency).toBe(32);
    expect(config.cache.enabled).toBe(true);
    expect(config.history).toEqual({ maxMessages: 20, ttlSeconds: 604_800 });
    expect(config.llm.breaker).toEqual({
      failureThreshold: 5,
      failureRatio: 0.5,
      minimumRequests: 20,
      windowMs: 30_000,
      openMs: 30_000,
    });
  });

  it('requires an API key for OpenAI itself', () => {
    const problems = problemsOf(() => loadWorkerConfig({ TELEGRAM_BOT_TOKEN: token }));
    expect(problems[0]).toMatch(/^OPENAI_API_KEY is required/);
  });

  it('rejects out-of-range numbers and bad booleans with the variable name', () => {
    const problems = problemsOf(() =>
      loadWorkerConfig({
        TELEGRAM_BOT_TOKEN: token,
        OPENAI_API_KEY: 'sk-x',
        WORKER_CONCURRENCY: '0',
        CACHE_ENABLED: 'maybe',
        LLM_TEMPERATURE: '3',
        LLM_BREAKER_FAILURE_RATIO: '0',
        LLM_BREAKER_MIN_REQUESTS: '2.5',
      }),
    );
    expect(problems.map((p) => p.split(' ')[0]).sort()).toEqual([
      'CACHE_ENABLED',
      'LLM_BREAKER_FAILURE_RATIO',
      'LLM_BREAKER_MIN_REQUESTS',
      'LLM_TEMPERATURE',
      'WORKER_CONCURRENCY',
    ]);
  });

  it('rejects a malformed bot token without printing it', () => {
    const problems = problemsOf(() => loadWorkerConfig({ TELEGRAM_BOT_TOKEN: 'nope', OPENAI_API_KEY: 'k' }));
    expect(problems[0]).toMatch(/^TELEGRAM_BOT_TOKEN must look like/);
    expect(problems[0]).not.toContain('nope');
  });

  it('reads a fallback chain with keys from their own variables', () => {
    const config = loadWorkerConfig({
      TELEGRAM_BOT_TOKEN: token,
      OPENAI_API_KEY: 'sk-primary',
      LLM_FALLBACKS: 'llama3@http://ollama:11434/v1, gpt-4o@https://api.openai.com/v1',
      LLM_FALLBACK_2_API_KEY: 'sk-second',
    });
    expect(config.llm.backends.map((b) => [b.name, b.model, b.baseURL, b.apiKey])).toEqual([
      ['primary', 'gpt-4o-mini', 'https://api.openai.com/v1', 'sk-primary'],
      ['fallback-1', 'llama3', 'http://ollama:11434/v1', undefined],
      ['fallback-2', 'gpt-4o', 'https://api.openai.com/v1', 'sk-second'],
    ]);
  });

  it('reads the breaker rate settings', () => {
    const config = loadWorkerConfig({
      TELEGRAM_BOT_TOKEN: token,
      OPENAI_API_KEY: 'k',
      LLM_BREAKER_FAILURE_RATIO: '0.25',
      LLM_BREAKER_MIN_REQUESTS: '50',
    });
    expect(config.llm.breaker).toMatchObject({ failureRatio: 0.25, minimumRequests: 50 });
  });

  it('names a malformed fallback list', () => {
    const problems = problemsOf(() =>
      loadWorkerConfig({ TELEGRAM_BOT_TOKEN: token, OPENAI_API_KEY: 'k', LLM_FALLBACKS: 'llama3' }),
    );
    expect(problems[0]).toMatch(/^LLM_FALLBACKS must be a comma-separated list of model@/);
  });
});

describe('redis topology and queue shards', () => {
  const worker = (extra: Record<string, string>) =>
    loadWorkerConfig({ TELEGRAM_BOT_TOKEN: token, OPENAI_BASE_URL: 'http://127.0.0.1:8000/v1', ...extra });

  it('defaults to one server and one shard, with the whole concurrency on it', () => {
    const config = worker({});
    expect(config.redisCluster).toBeUndefined();
    expect(config.queueShards).toBe(1);
    expect(config.shardConcurrency).toBe(32);
  });

  it('splits the concurrency over the shards unless told otherwise', () => {
    expect(worker({ UPDATE_QUEUE_SHARDS: '5' }).shardConcurrency).toBe(7);
    expect(worker({ UPDATE_QUEUE_SHARDS: '5', WORKER_SHARD_CONCURRENCY: '16' }).shardConcurrency).toBe(16);
  });

  it('reads cluster nodes, with credentials and TLS from REDIS_URL', () => {
    const config = loadGatewayConfig({
      TELEGRAM_WEBHOOK_SECRET: 's',
      REDIS_URL: 'rediss://app:p%40ss@redis-0:6379',
      REDIS_CLUSTER_NODES: 'redis-0:6379, redis-1:6380,[::1]:7000',
    });
    expect(config.redisCluster).toEqual({
      nodes: [
        { host: 'redis-0', port: 6379 },
        { host: 'redis-1', port: 6380 },
        { host: '::1', port: 7000 },
      ],
      username: 'app',
      password: 'p@ss',
      tls: true,
    });
  });

  it('names malformed values, one line each', () => {
    const problems = problemsOf(() =>
      loadGatewayConfig({
        TELEGRAM_WEBHOOK_SECRET: 's',
        REDIS_CLUSTER_NODES: 'redis://a:1',
        UPDATE_QUEUE_SHARDS: '0',
      }),
    );
    expect(problems).toHaveLength(2);
    expect(problems.find((p) => p.startsWith('REDIS_CLUSTER_NODES'))).toMatch(/host:port/);
    expect(problems.find((p) => p.startsWith('UPDATE_QUEUE_SHARDS'))).toMatch(/between 1 and 128/);
  });
});
