import type { ChainableCommander, Cluster, Redis } from 'ioredis';

/** A single Redis or a Redis Cluster client: every lane operation works on both. */
export type RedisClient = Redis | Cluster;

type ScriptFn = (...args: Array<string | number>) => Promise<unknown>;

export interface LuaScript {
  /** Runs the script on `redis` (defining it there on first use). */
  (redis: RedisClient, keys: string[], args: Array<string | number>): Promise<unknown>;
  /** Defines the script on `redis`; needed before a pipeline of that client can run it. */
  define(redis: RedisClient): void;
  /** Appends a call to a pipeline of a client the script is defined on. */
  inPipeline(pipeline: ChainableCommander, keys: string[], args: Array<string | number>): void;
}

/**
 * A Lua script run with EVALSHA through ioredis' `defineCommand` (the script text travels once
 * per connection, not with every call). Every script here touches the keys of one hash slot
 * only, so it runs on a Redis Cluster too.
 */
export function luaScript(name: string, numberOfKeys: number, lua: string): LuaScript {
  const define = (redis: RedisClient) => {
    if (!(redis as unknown as Record<string, unknown>)[name])
      redis.defineCommand(name, { numberOfKeys, lua });
  };
  const run = (redis: RedisClient, keys: string[], args: Array<string | number>): Promise<unknown> => {
    define(redis);
    return ((redis as unknown as Record<string, ScriptFn>)[name] as ScriptFn).call(redis, ...keys, ...args);
  };
  return Object.assign(run, {
    define,
    inPipeline(pipeline: ChainableCommander, keys: string[], args: Array<string | number>) {
      const fn = (pipeline as unknown as Record<string, ScriptFn | undefined>)[name];
      if (!fn) throw new Error(`script ${name} is not defined on this pipeline's client`);
      fn.call(pipeline, ...keys, ...args);
    },
  });
}
