import type { HttpClient } from '@parley/testing';
import type { ManagedProcess } from './processes';
import { waitUntil } from './time';

/** Polls `url` until it answers 200; fails when the process ends first or after 30 s. */
export async function ready(
  http: HttpClient,
  proc: ManagedProcess,
  url: string,
  signal: AbortSignal,
): Promise<void> {
  let exited = false;
  void proc.exited().then(() => {
    exited = true;
  });
  const ok = await waitUntil(async () => exited || (await http.answers200(url, 1_000)), 30_000, 100, signal);
  if (signal.aborted) throw new Error(`interrupted while waiting for ${proc.name}`);
  if (exited) throw new Error(`${proc.name} ended before it was ready; see ${proc.spec.logFile}`);
  if (!ok) throw new Error(`${proc.name} was not ready at ${url} within 30 s; see ${proc.spec.logFile}`);
}
