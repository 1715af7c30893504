import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { writeMetrics } from '@parley/metrics';
import { pingWithTimeout } from '@parley/redis';
import type { GatewayDeps } from '../deps';
import { sendError, sendJson } from './respond';
import { createWebhookHandler } from './webhook-handler';

export interface GatewayState {
  /** Set on SIGTERM: readiness fails so the load balancer stops sending, in-flight requests finish. */
  draining: boolean;
}

/** The gateway's HTTP surface: the webhook, probes and metrics. */
export function createGatewayServer(deps: GatewayDeps, state: GatewayState): Server {
  const webhookPath = deps.config.http.webhookPath;
  const handleWebhook = createWebhookHandler(deps);
  const server = createServer((req, res) => {
    route(req, res).catch((err) => {
      deps.logger.error({ err }, 'unexpected error handling a request');
      if (!res.headersSent) sendError(res, 500, 'internal error');
      else res.destroy();
    });
  });

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    if (path === webhookPath) return handleWebhook(req, res);
    req.resume();
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendError(res, 404, 'not found');
    switch (path) {
      case '/livez':
        // Liveness checks the process only: a dead Redis must not get healthy pods restarted.
        return sendJson(res, 200, { ok: true });
      case '/readyz': {
        if (state.draining) return sendJson(res, 503, { ok: false, redis: 'unknown', draining: true });
        const pings = await Promise.all([
          pingWithTimeout(deps.redis, 500),
          pingWithTimeout(deps.ingestRedis, 500),
        ]);
        const redisOk = pings.every(Boolean);
        return sendJson(res, redisOk ? 200 : 503, {
          ok: redisOk,
          redis: redisOk ? 'up' : 'down',
          draining: false,
        });
      }
      case '/metrics':
        return writeMetrics(deps.registry, req, res);
      default:
        return sendError(res, 404, 'not found');
    }
  }

  // Keep-alive sockets from Telegram are reused; make sure idle ones do not outlive a drain.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.requestTimeout = 30_000;
  return server;
}

export function listen(server: Server, port: number, host: string): Promise<{ port: number; url: string }> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address();
      const actualPort = typeof address === 'object' && address ? address.port : port;
      const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
      resolve({ port: actualPort, url: `http://${shownHost}:${actualPort}` });
    });
  });
}
