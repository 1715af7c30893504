import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { invokeMethod } from './bot-api/dispatcher';
import { ControlApi } from './control-api';
import type { EmulatorCore } from './core';
import { BodyTooLargeError, MalformedBodyError, parseParams, readBody } from './http/body';
import { sendFile } from './http/file-download';
import { sendError, sendJson } from './http/respond';
import { CHAT_PAGE_HTML } from './page/chat-page';

/** `/bot<token>/<method>`, the Bot API's URL shape. */
const BOT_API_PATH = /^\/bot([^/]+)\/([^/]+)\/?$/;
/** `/file/bot<token>/<file_path>`, where getFile's files are downloaded. */
const FILE_PATH = /^\/file\/bot([^/]+)\/(.+)$/;

/**
 * The emulator's HTTP front: the Bot API under /bot<token>/<method>, the control API under
 * /_emulator/, and the chat page at /. Tracks open requests so that close() can end long polls and
 * event streams instead of waiting for them.
 */
export class EmulatorServer {
  private readonly server: http.Server;
  private readonly control: ControlApi;
  /** Aborted on close: long polls and event streams listen to it. */
  private readonly shutdown = new AbortController();

  constructor(private readonly core: EmulatorCore) {
    this.control = new ControlApi(core, this.shutdown.signal);
    this.server = http.createServer((req, res) => {
      this.route(req, res).catch((err: unknown) => {
        core.options.logger.error({ err }, 'request failed');
        if (!res.headersSent) sendError(res, 500, 'Internal Server Error');
        else res.destroy();
      });
    });
    // Long polls may last longer than Node's default request timeout.
    this.server.requestTimeout = 0;
    this.server.keepAliveTimeout = 65_000;
  }

  listen(port: number, host: string): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve(this.server.address() as AddressInfo);
      });
    });
  }

  async close(): Promise<void> {
    this.shutdown.abort();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    // Give aborted long polls a moment to answer, then drop every connection still open.
    await new Promise((resolve) => setImmediate(resolve));
    this.server.closeAllConnections();
    await closed;
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://emulator.local');
    const path = url.pathname;

    if (path === '/' || path === '/index.html') {
      if (req.method !== 'GET' && req.method !== 'HEAD') return sendError(res, 405, 'Method Not Allowed');
      res.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-store',
        'content-length': Buffer.byteLength(CHAT_PAGE_HTML),
      });
      res.end(req.method === 'HEAD' ? undefined : CHAT_PAGE_HTML);
      return;
    }

    if (path === '/favicon.ico') {
      res.writeHead(204).end();
      return;
    }

    if (path === '/_emulator' || path.startsWith('/_emulator/')) return this.control.handle(req, res, url);

    const download = FILE_PATH.exec(path);
    if (download) {
      // Only bots that exist can have files; an unknown token finds nothing, like a wrong path.
      const bot = this.core.state.bots.get(safeDecode(download[1] ?? ''));
      const file = bot && this.core.files.byPath(bot.id, safeDecode(download[2] ?? ''));
      return sendFile(req, res, file);
    }

    const match = BOT_API_PATH.exec(path);
    if (!match) return sendError(res, 404, 'Not Found');
    const [, rawToken = '', rawMethod = ''] = match;

    let params: Record<string, unknown>;
    try {
      params = parseParams(req.headers['content-type'], url.searchParams, await readBody(req));
    } catch (err) {
      if (err instanceof BodyTooLargeError) return sendError(res, 413, 'Request Entity Too Large');
      if (err instanceof MalformedBodyError) return sendError(res, 400, `Bad Request: ${err.message}`);
      throw err;
    }

    // The call is cancelled when the client goes away (a long poll must not outlive it) or on close.
    const cancel = new AbortController();
    const onClose = () => {
      if (!res.writableFinished) cancel.abort();
    };
    res.on('close', onClose);
    const onShutdown = () => cancel.abort();
    this.shutdown.signal.addEventListener('abort', onShutdown, { once: true });
    try {
      const { status, body } = await invokeMethod(
        this.core,
        safeDecode(rawToken),
        safeDecode(rawMethod),
        params,
        {
          signal: cancel.signal,
          via: 'http',
        },
      );
      if (!res.destroyed) sendJson(res, status, body);
    } finally {
      this.shutdown.signal.removeEventListener('abort', onShutdown);
      res.off('close', onClose);
    }
  }
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
