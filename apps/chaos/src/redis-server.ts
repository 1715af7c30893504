import { isRedisReachable, redisServerArgs } from '@parley/redis';
import { ManagedProcess } from './processes';
import { sleep, waitUntil } from './time';

/**
 * The run's own redis-server: loopback, AOF with `appendfsync always` (an acknowledged write is
 * on disk before the gateway answers 200), no RDB snapshots, never evicting. `crashAndRestart`
 * SIGKILLs it and starts it again on the same port and directory, so it comes back from its AOF.
 */
export class RedisServer {
  readonly url: string;
  readonly process: ManagedProcess;

  constructor(
    readonly port: number,
    readonly dir: string,
    logFile: string,
    binary = 'redis-server',
  ) {
    this.url = `redis://127.0.0.1:${port}`;
    const args = redisServerArgs({ port, dir, appendOnly: true, appendFsync: 'always' });
    this.process = new ManagedProcess({ name: 'redis', command: binary, args, logFile });
  }

  /** Starts it and waits until it answers PING (after loading its AOF). */
  async start(timeoutMs = 30_000): Promise<void> {
    this.process.start();
    let gone = false;
    void this.process.exited().then(() => {
      gone = true;
    });
    const up = await waitUntil(async () => gone || (await isRedisReachable(this.url, 250)), timeoutMs, 50);
    if (gone) {
      throw new Error(
        `redis-server ended at start (is it installed? Debian: apt-get install redis-server); see ${this.process.spec.logFile}`,
      );
    }
    if (!up) throw new Error(`redis-server did not answer on ${this.url} within ${timeoutMs / 1000} s`);
  }

  /** SIGKILL, stay down for `downMs`, start again from the AOF; resolves once it answers. */
  async crashAndRestart(downMs: number): Promise<void> {
    this.process.kill('SIGKILL');
    await this.process.exited();
    await sleep(downMs);
    await this.start();
  }

  stop(): Promise<void> {
    return this.process.stop(5_000);
  }
}
