import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { keepWarmWhileIdle, type WarmUpReport, warmUp } from '../services/warm-up.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * Warms the busiest reads' plans (once: a second call, or the start the server makes when it
     * listens, waits for the same run); resolves when done, stopped or off (`ONEMAP_WARM_UP`).
     * `server/src/main.ts` awaits it before it listens.
     */
    warmUpPlans: () => Promise<void>;
  }
}

/**
 * An event stream (a browser's `EventSource`: the watch stream) stays open for as long as its page
 * does: counted as in flight it would keep the server "busy" and the warm-up waiting for its whole
 * time while nobody waits for an answer.
 */
function isEventStream(accept: string | undefined): boolean {
  return accept?.includes('text/event-stream') ?? false;
}

/** "; refused: <status> <code> <count>, …" when the idle reads met answers the route gives as 4xx, else "". */
function refusedText(refused: Record<string, number>): string {
  const parts = Object.entries(refused).map(([code, n]) => `${code} ${n}`);
  return parts.length ? `; refused: ${parts.join(', ')}` : '';
}

/**
 * Warms the busiest reads' plans (`services/warm-up.ts`; unless `ONEMAP_WARM_UP` is false) when
 * asked (`app.warmUpPlans()`: the server process asks before it listens) or else once the server
 * listens, in the background, and logs what it did; then, once it listens, for `ONEMAP_WARM_UP_SECONDS`,
 * keeps running them with varied inputs whenever no request is in flight (counted here: from
 * `onRequest` to the response or its abort; an event stream is not counted) and this process
 * ingests nothing (`IngestPipeline.busy`: an embedded worker's pushes, files, or its index brought
 * up to the graph), and logs that too.
 * Closing stops both between steps and waits for the step in hand before anything closes the
 * driver under it (`preClose`).
 */
export default fp(
  async (app: FastifyInstance) => {
    if (!app.config.ONEMAP_WARM_UP) {
      app.decorate('warmUpPlans', async () => {});
      return;
    }
    let closing = false;
    let plans: Promise<WarmUpReport> | null = null;
    const warmPlans = () =>
      (plans ??= warmUp(app, () => closing).then((r) => {
        const failed = r.steps.filter((s) => s.error);
        app.log.info(
          { ms: r.ms, reads: r.steps.length, failed: failed.length, stopped: r.stopped, firstError: failed[0]?.error },
          `query plans warmed in ${r.ms} ms (${r.steps.length} reads${failed.length ? `, ${failed.length} failed` : ''}${r.stopped ? ', stopped' : ''})`,
        );
        return r;
      }));
    app.decorate('warmUpPlans', async () => {
      await warmPlans();
    });
    let done: Promise<void> = Promise.resolve();
    const inFlight = new WeakSet<FastifyRequest>();
    let count = 0;
    const finished = async (req: FastifyRequest) => {
      if (inFlight.delete(req)) count--;
    };
    app.addHook('onRequest', async (req) => {
      if (isEventStream(req.headers.accept)) return;
      inFlight.add(req);
      count++;
    });
    app.addHook('onResponse', finished);
    app.addHook('onRequestAbort', finished);
    app.addHook('onListen', async () => {
      done = warmPlans().then(async (r) => {
        const seconds = app.config.ONEMAP_WARM_UP_SECONDS;
        if (r.stopped || seconds <= 0) return;
        const idle = await keepWarmWhileIdle(
          app,
          seconds,
          // idle: no request in flight, and no ingest in hand (an embedded worker's pushes and files
          // are written after their requests are answered: the reads would share Neo4j with them)
          () => count === 0 && !app.pipeline.busy,
          () => closing,
          app.config.ONEMAP_WARM_UP_LANES,
        );
        app.log.info(
          idle,
          `kept warm while idle for ${Math.round(idle.ms / 1000)} s: ${idle.reads} reads, median ${idle.firstMedianMs} ms at first, ${idle.lastMedianMs} ms at the end${idle.stopped ? ', stopped' : ''}${idle.endedEarly ? `, ended early (${idle.endedEarly}${idle.firstError ? `: ${idle.firstError}` : ''})` : ''}${refusedText(idle.refused)}`,
        );
      });
    });
    app.addHook('preClose', async () => {
      closing = true;
      await plans;
      await done;
    });
  },
  { name: 'onemap-warm-up', dependencies: ['onemap-config', 'onemap-graph', 'onemap-access', 'onemap-pipeline'] },
);
