import { describeExit, type ExitInfo } from './children';
import { StackError } from './stack-error';

export interface ReadinessOptions {
  /** Shown in errors: gateway, worker-1, ... */
  name: string;
  timeoutMs: number;
  /** The process behind the URL; when it ends first, waiting is pointless. */
  exited: Promise<ExitInfo>;
  /** Aborted when the stack is asked to stop while it starts. */
  signal?: AbortSignal;
}

/** Polls `url` (a /readyz probe) until it answers 200. */
export async function waitUntilReady(url: string, opts: ReadinessOptions): Promise<void> {
  let exit: ExitInfo | undefined;
  void opts.exited.then((info) => {
    exit = info;
  });
  const deadline = Date.now() + opts.timeoutMs;
  while (Date.now() < deadline) {
    if (opts.signal?.aborted) throw new StackError('interrupted while starting');
    if (exit) {
      throw new StackError(`${opts.name} ${describeExit(exit)} before it was ready; see its output above`);
    }
    if (await answers200(url)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new StackError(`${opts.name} did not become ready (${url}) within ${opts.timeoutMs / 1000} s`);
}

async function answers200(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    await res.arrayBuffer();
    return res.status === 200;
  } catch {
    return false;
  }
}
