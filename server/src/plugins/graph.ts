import { type Graph, createDriver } from '@onemap/graph-schema/server';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

declare module 'fastify' {
  interface FastifyInstance {
    graph: Graph;
  }
}

/** One Neo4j driver for the process; closed on shutdown. Startup does not fail when Neo4j is down: /health says so. */
export default fp(
  async (app: FastifyInstance) => {
    const c = app.config;
    const driver = createDriver({ uri: c.NEO4J_URI, user: c.NEO4J_USER, password: c.NEO4J_PASSWORD, database: c.NEO4J_DATABASE });
    app.decorate('graph', { driver, database: c.NEO4J_DATABASE, readTimeoutMs: c.QUERY_TIMEOUT_MS || undefined, readRetryMs: c.READ_RETRY_MS });
    app.addHook('onClose', async () => driver.close());
  },
  { name: 'onemap-graph', dependencies: ['onemap-config'] },
);
