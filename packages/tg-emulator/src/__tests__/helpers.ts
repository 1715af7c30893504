import http, { type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Test tokens: well-formed like Telegram's. */
export const TOKEN = '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw';
export const OTHER_TOKEN = '987654321:BBHdqTcvCH1vGWJxfSeofSAs0K5PALDsbx';

export interface ReceivedRequest {
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
  /** Answers the request (only for requests held by a manual receiver). */
  respond(status: number, body?: unknown): void;
}

export interface Receiver {
  url: string;
  requests: ReceivedRequest[];
  /** The next request not yet taken by nextRequest(), waiting up to `timeoutMs`. */
  nextRequest(timeoutMs?: number): Promise<ReceivedRequest>;
  close(): Promise<void>;
}

/**
 * A webhook endpoint on loopback. With `answer`, every request is answered at once with its
 * result; without, requests wait until the test calls respond().
 */
export async function startReceiver(
  answer?: (req: ReceivedRequest, index: number) => number | { status: number; body: unknown },
): Promise<Receiver> {
  const requests: ReceivedRequest[] = [];
  let taken = 0;
  const waiters: Array<() => void> = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const received: ReceivedRequest = {
        headers: req.headers,
        body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
        respond: (status, body) => {
          if (res.writableEnded) return;
          if (body === undefined) res.writeHead(status).end();
          else res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
        },
      };
      requests.push(received);
      for (const wake of waiters.splice(0)) wake();
      if (answer) {
        const outcome = answer(received, requests.length - 1);
        if (typeof outcome === 'number') received.respond(outcome);
        else received.respond(outcome.status, outcome.body);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhook`,
    requests,
    nextRequest: (timeoutMs = 3_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const next = requests[taken];
          if (!next) return false;
          taken++;
          clearTimeout(timer);
          resolve(next);
          return true;
        };
        const timer = setTimeout(
          () => reject(new Error(`no webhook request within ${timeoutMs} ms`)),
          timeoutMs,
        );
        if (check()) return;
        const wait = () => {
          if (!check()) waiters.push(wait);
        };
        waiters.push(wait);
      }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Polls `predicate` until it holds, failing after `timeoutMs`. */
export async function waitFor(
  predicate: () => boolean | Promise<boolean>,
  timeoutMs = 3_000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** POSTs JSON and returns status and parsed body. */
export async function postJson(
  url: string,
  body: unknown,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

export async function getJson(url: string): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(url);
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}
