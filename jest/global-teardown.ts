import type { LocalRedis } from '../packages/redis/src/local-server';

export default async function globalTeardown(): Promise<void> {
  await (globalThis as { __parleyRedis?: LocalRedis }).__parleyRedis?.stop();
}
