import type { ServerResponse } from 'node:http';

/** Writes a `text/event-stream` answer in OpenAI's framing: `data: <json>\n\n`, then `data: [DONE]`. */
export class SseWriter {
  constructor(
    private readonly res: ServerResponse,
    private readonly requestId: string,
  ) {}

  /** Sends the status line and headers; called when the first token is ready. */
  open(): void {
    this.res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      'x-request-id': this.requestId,
    });
  }

  send(data: unknown): void {
    this.res.write(`data: ${JSON.stringify(data)}\n\n`);
  }

  /** Ends the stream the way OpenAI does, with the `[DONE]` sentinel. */
  done(): void {
    this.res.end('data: [DONE]\n\n');
  }
}
