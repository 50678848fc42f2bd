import { type Graph, openGraph } from '@onemap/graph-schema/server';
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
    // it says how to connect again: the embedded worker's whole sync reads its pages on a thread
    const graph = openGraph(
      { uri: c.NEO4J_URI, user: c.NEO4J_USER, password: c.NEO4J_PASSWORD, database: c.NEO4J_DATABASE },
      { readTimeoutMs: c.QUERY_TIMEOUT_MS || undefined, readRetryMs: c.READ_RETRY_MS },
    );
    app.decorate('graph', graph);
    app.addHook('onClose', async () => graph.driver.close());
  },
  { name: 'onemap-graph', dependencies: ['onemap-config'] },
);
