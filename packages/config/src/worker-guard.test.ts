import { ConfigError } from './errors';
import { loadWorkerConfig } from './worker';

const base = {
  TELEGRAM_BOT_TOKEN: '1000000001:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
  OPENAI_BASE_URL: 'http://127.0.0.1:1/v1',
};

describe('worker access, limits and safety variables', () => {
  it('defaults: everyone allowed, 10 messages a minute, no budgets, canary from the bot token', () => {
    const { guard } = loadWorkerConfig(base);
    expect(guard).toMatchObject({ allowlist: undefined, adminIds: [], ratePerMinute: 10, tokensPerDay: 0 });
    expect(guard.provider).toBeUndefined();
    expect(guard.canarySecret).toBe(base.TELEGRAM_BOT_TOKEN);
    expect(guard.injectionPolicy).toBe('warn');
  });

  it('parses the allowlist into ids and lower-case usernames, and the provider limits', () => {
    const { guard } = loadWorkerConfig({
      ...base,
      ALLOWED_USERS: '42, @Ada_L ,7',
      ADMIN_USER_IDS: '9',
      PROVIDER_TOKENS_PER_MINUTE: '90000',
      CANARY_ENABLED: 'false',
    });
    expect(guard.allowlist).toEqual({ ids: [42, 7], usernames: ['ada_l'] });
    expect(guard.adminIds).toEqual([9]);
    expect(guard.provider).toMatchObject({ tokensPerMinute: 90_000, name: 'default' });
    expect(guard.canarySecret).toBeUndefined();
  });

  const problems = (env: Record<string, string>) => {
    try {
      loadWorkerConfig({ ...base, ...env });
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      return (err as Error).message;
    }
    return '';
  };

  it('names each bad variable on its own line, never echoing a secret', () => {
    expect(problems({ INJECTION_POLICY: 'maybe' })).toMatch(/INJECTION_POLICY must be off, warn or block/);
    const lists = problems({ ADMIN_USER_IDS: 'bob', ALLOWED_USERS: '42,a b', CANARY_SECRET: 'shortsecret' });
    expect(lists).toMatch(/ADMIN_USER_IDS must be a comma-separated list of numeric user ids/);
    expect(lists).toMatch(/ALLOWED_USERS must be a comma-separated list of numeric user ids and @usernames/);
    expect(lists).toMatch(/CANARY_SECRET must be at least 16 characters/);
    expect(lists).not.toContain('shortsecret');
  });
});
