/** Connection settings for Neo4j, from the environment with safe local defaults. */
export interface Neo4jConfig {
  uri: string;
  user: string;
  password: string;
  database: string;
}

/** Reads NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD, NEO4J_DATABASE (defaults: the local dev launcher). */
export function neo4jConfigFromEnv(env: NodeJS.ProcessEnv = process.env): Neo4jConfig {
  return {
    uri: env.NEO4J_URI ?? `bolt://127.0.0.1:${env.NEO4J_BOLT_PORT ?? '7687'}`,
    user: env.NEO4J_USER ?? 'neo4j',
    password: env.NEO4J_PASSWORD ?? 'onemap-local',
    database: env.NEO4J_DATABASE ?? 'neo4j',
  };
}
