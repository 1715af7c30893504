import http from 'node:http';

/**
 * Minimal JSON over HTTP for the loopback control APIs of the stand-ins (emulator, simulator,
 * probes), shared by the test harnesses (chaos run, benchmarks). A run has one client: its
 * keep-alive agent bounds the sockets, and `close()` drops them at the end.
 */

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
    url: string,
  ) {
    super(`${url} answered ${status}: ${body.slice(0, 200)}`);
    this.name = 'HttpError';
  }
}

export interface HttpAnswer {
  status: number;
  body: string;
}

export interface HttpClientOptions {
  /** @defaultValue 256 */
  maxSockets?: number;
  /** Default timeout of one request. @defaultValue 10000 */
  timeoutMs?: number;
}

export class HttpClient {
  private readonly agent: http.Agent;
  private readonly timeoutMs: number;

  constructor(options: HttpClientOptions = {}) {
    this.agent = new http.Agent({ keepAlive: true, maxSockets: options.maxSockets ?? 256 });
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  request(method: string, url: string, body?: unknown, timeoutMs = this.timeoutMs): Promise<HttpAnswer> {
    return new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
      const headers: Record<string, string> = payload
        ? { 'content-type': 'application/json', 'content-length': String(payload.length) }
        : {};
      const req = http.request(url, { method, agent: this.agent, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      });
      req.setTimeout(timeoutMs, () =>
        req.destroy(new Error(`${method} ${url} timed out after ${timeoutMs} ms`)),
      );
      req.on('error', reject);
      req.end(payload);
    });
  }

  /** Sends JSON and parses the JSON answer; throws HttpError on non-2xx. */
  async json(method: string, url: string, body?: unknown, timeoutMs?: number): Promise<unknown> {
    const answer = await this.request(method, url, body, timeoutMs);
    if (answer.status < 200 || answer.status >= 300) throw new HttpError(answer.status, answer.body, url);
    return answer.body === '' ? null : (JSON.parse(answer.body) as unknown);
  }

  /** True when GET `url` answers 200 within `timeoutMs`. */
  async answers200(url: string, timeoutMs = 1_000): Promise<boolean> {
    try {
      return (await this.request('GET', url, undefined, timeoutMs)).status === 200;
    } catch {
      return false;
    }
  }

  close(): void {
    this.agent.destroy();
  }
}
