import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { warmUp } from '../services/warm-up.ts';

/**
 * Once the server listens (unless `ONEMAP_WARM_UP` is false), warms its busiest reads' plans in
 * the background (`services/warm-up.ts`) and logs what it did. Closing stops it between steps and
 * waits for the step in hand before anything closes the driver under it (`preClose`).
 */
export default fp(
  async (app: FastifyInstance) => {
    if (!app.config.ONEMAP_WARM_UP) return;
    let closing = false;
    let done: Promise<void> = Promise.resolve();
    app.addHook('onListen', async () => {
      done = warmUp(app, () => closing).then((r) => {
        const failed = r.steps.filter((s) => s.error);
        app.log.info(
          { ms: r.ms, reads: r.steps.length, failed: failed.length, stopped: r.stopped, firstError: failed[0]?.error },
          `query plans warmed in ${r.ms} ms (${r.steps.length} reads${failed.length ? `, ${failed.length} failed` : ''}${r.stopped ? ', stopped' : ''})`,
        );
      });
    });
    app.addHook('preClose', async () => {
      closing = true;
      await done;
    });
  },
  { name: 'onemap-warm-up', dependencies: ['onemap-config', 'onemap-graph', 'onemap-access'] },
);
