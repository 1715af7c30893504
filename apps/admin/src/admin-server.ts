import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import express, { type Express } from 'express';
import type { AdminQueue } from './admin-queues';
import { basicAuth } from './basic-auth';

export interface AdminServerOptions {
  queues: AdminQueue[];
  username: string;
  password: string;
}

/**
 * Bull Board for Parley's queues behind basic auth. `/livez` alone answers without credentials,
 * so a probe needs no secret; everything else, the board's API included, needs them.
 */
export function createAdminApp(opts: AdminServerOptions): Express {
  const board = new ExpressAdapter();
  board.setBasePath('/');
  createBullBoard({
    // Shards share the queue name `updates`; the board keys queues by name, so each gets its label.
    queues: opts.queues.map(
      ({ queue, label }) =>
        new BullMQAdapter(queue, {
          prefix: label === queue.name ? '' : `${label.slice(queue.name.length + 1)}/`,
        }),
    ),
    serverAdapter: board,
    options: { uiConfig: { boardTitle: 'Parley queues' } },
  });
  const app = express();
  app.disable('x-powered-by');
  app.get('/livez', (_req, res) => {
    res.type('text/plain').send('ok\n');
  });
  app.use(basicAuth({ username: opts.username, password: opts.password, realm: 'parley-admin' }));
  app.use('/', board.getRouter());
  return app;
}
