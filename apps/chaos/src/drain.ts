import type { Driver } from './driver';
import type { QueueWatch } from './queue-watch';
import type { ReplyTracker } from './replies';
import type { StopReason } from './run-chaos';
import { sleep } from './time';

export interface DrainInput {
  driver: Driver;
  tracker: ReplyTracker;
  watch: QueueWatch;
  quietMs: number;
  signal: AbortSignal;
  /** Asks the emulator itself whether every sent token has been answered. */
  verifyNow: () => Promise<boolean>;
}

/**
 * Waits until every sent token has been answered and the queues have been empty on two checks in
 * a row (a job recovered late could still send a duplicate). Gives up after `quietMs` without a
 * new bot message, but not while jobs are still queued or running: the system still has work it
 * will do (a killed worker's job waits for the stalled-job check), so the run waits for it, up to
 * the duration limit. Returns undefined when `signal` ended it (the caller knows why).
 */
export async function drain(d: DrainInput): Promise<StopReason | undefined> {
  const start = Date.now();
  let idleChecks = 0;
  let lastConfirm = 0;
  let confirmed = false;
  while (!d.signal.aborted) {
    const now = Date.now();
    let allAnswered: boolean = confirmed || d.driver.sent.every((s) => d.tracker.firstSeen.has(s.token));
    // The event stream may have missed a message (a reconnect): ask the emulator now and then.
    if (!allAnswered && now - lastConfirm >= 5_000) {
      lastConfirm = now;
      allAnswered = await d.verifyNow().catch(() => false);
    }
    confirmed ||= allAnswered;
    const unfinished = await d.watch.unfinishedJobs();
    if (allAnswered) {
      idleChecks = unfinished === 0 ? idleChecks + 1 : 0;
      if (idleChecks >= 2) return 'all-answered';
    }
    const quiet = now - Math.max(d.tracker.lastReplyAt, start) >= d.quietMs;
    if (quiet && (unfinished === 0 || unfinished === undefined)) return 'quiet-timeout';
    await sleep(1_000, d.signal);
  }
  return undefined;
}
