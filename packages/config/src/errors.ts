import type { z } from 'zod';
import { withoutBlanks } from './env';

/** A configuration problem, with one line per bad variable, ready to print before exiting. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.map((p) => `invalid configuration: ${p}`).join('\n'));
    this.name = 'ConfigError';
  }
}

/** Turns zod issues into lines that name the variable and say what is expected. */
export function toConfigError(error: z.ZodError, env: Record<string, string | undefined>): ConfigError {
  const problems = error.issues.map((issue) => {
    const name = String(issue.path[0] ?? '(config)');
    const raw = env[name];
    const got =
      raw === undefined || raw.trim() === ''
        ? 'it is not set'
        : isSecretName(name)
          ? `got a value of ${raw.length} characters`
          : `got ${JSON.stringify(raw.length > 60 ? `${raw.slice(0, 60)}…` : raw)}`;
    return `${name} ${issue.message} (${got})`;
  });
  return new ConfigError(problems);
}

// Secrets are never echoed back, not even in a configuration error.
export const isSecretName = (name: string): boolean => /TOKEN|SECRET|KEY|PASSWORD/i.test(name);

/** Parses an environment with `schema` (blank variables count as unset), or throws ConfigError. */
export function parseEnv<T>(schema: z.ZodType<T>, env: Record<string, string | undefined>): T {
  const parsed = schema.safeParse(withoutBlanks(env));
  if (!parsed.success) throw toConfigError(parsed.error, env);
  return parsed.data;
}
