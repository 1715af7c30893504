import { createServer, type Server } from 'node:http';
import { type Registry, writeMetrics } from '@parley/metrics';

/** The worker's own small HTTP surface: metrics for Prometheus and probes for Kubernetes. */
export function createWorkerHttpServer(registry: Registry, isReady: () => Promise<boolean>): Server {
  return createServer((req, res) => {
    req.resume();
    const path = (req.url ?? '/').split('?')[0];
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (path === '/metrics') return void writeMetrics(registry, req, res);
    if (path === '/livez') return json(200, { ok: true });
    if (path === '/readyz') {
      return void isReady().then(
        (ok) => json(ok ? 200 : 503, { ok }),
        () => json(503, { ok: false }),
      );
    }
    json(404, { ok: false, error: 'not found' });
  });
}
