import type { GatewayConfig } from '@parley/config';
import type { Logger } from '@parley/logging';
import { createTelegramApi } from '@parley/telegram';
import { closeGatewayDeps, createGatewayDeps, type GatewayDeps } from './deps';
import { createGatewayServer, type GatewayState, listen } from './http/server';
import { startPolling } from './polling';

export interface RunningGateway {
  url: string;
  deps: GatewayDeps;
  /** Graceful stop: not ready, no new connections, in-flight requests finish (up to the grace period). */
  close(): Promise<void>;
}

export async function startGateway(config: GatewayConfig, logger: Logger): Promise<RunningGateway> {
  const deps = createGatewayDeps(config, logger);
  const state: GatewayState = { draining: false };
  const server = createGatewayServer(deps, state);
  const { url } = await listen(server, config.http.port, config.http.host);
  logger.info({ url, webhookPath: config.http.webhookPath, mode: config.ingestMode }, 'gateway listening');

  const poller =
    config.ingestMode === 'polling' && config.telegram.botToken
      ? startPolling(
          deps,
          createTelegramApi({ token: config.telegram.botToken, apiRoot: config.telegram.apiRoot }),
        )
      : undefined;

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      state.draining = true;
      await poller?.stop();
      // Readiness fails first; the listener stays open until load balancers have noticed.
      if (config.shutdownDelayMs > 0) await new Promise((r) => setTimeout(r, config.shutdownDelayMs));
      const drained = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const timedOut = await Promise.race([
        drained.then(() => false),
        new Promise<boolean>((r) => setTimeout(() => r(true), config.shutdownGraceMs).unref()),
      ]);
      if (timedOut) {
        logger.warn('grace period over; closing remaining connections');
        server.closeAllConnections();
      }
      await closeGatewayDeps(deps);
    })();
    return closing;
  };
  return { url, deps, close };
}
