import http from 'node:http';

/** Minimal JSON over HTTP for the loopback control APIs, over one keep-alive agent. */

export class HttpClient {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 512 });

  request(
    method: string,
    url: string,
    body?: unknown,
    timeoutMs = 30_000,
  ): Promise<{ status: number; body: string }> {
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

  /** Sends JSON and parses the JSON answer; throws on a non-2xx status. */
  async json(method: string, url: string, body?: unknown): Promise<unknown> {
    const answer = await this.request(method, url, body);
    if (answer.status < 200 || answer.status >= 300) {
      throw new Error(`${method} ${url} answered ${answer.status}: ${answer.body.slice(0, 200)}`);
    }
    return answer.body === '' ? null : (JSON.parse(answer.body) as unknown);
  }

  close(): void {
    this.agent.destroy();
  }
}
