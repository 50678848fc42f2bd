import neo4j, { type Driver, type ManagedTransaction } from 'neo4j-driver';
import type { Neo4jConfig } from './config.ts';
import { toGraphError } from './errors.ts';

/** The one driver of a process. Integers come back as JS numbers (safe for our counts and ids). */
export function createDriver(config: Neo4jConfig): Driver {
  return neo4j.driver(config.uri, neo4j.auth.basic(config.user, config.password), {
    disableLosslessIntegers: true,
    connectionAcquisitionTimeout: 20_000,
    maxTransactionRetryTime: 30_000,
  });
}

/** A driver plus the database it works on; what repositories take. */
export interface Graph {
  driver: Driver;
  database: string;
}

/** Runs `work` in a managed read transaction; driver errors become GraphErrors. */
export async function readTx<T>(graph: Graph, work: (tx: ManagedTransaction) => Promise<T>): Promise<T> {
  const session = graph.driver.session({ database: graph.database, defaultAccessMode: neo4j.session.READ });
  try {
    return await session.executeRead(work);
  } catch (e) {
    throw toGraphError(e);
  } finally {
    await session.close();
  }
}

/** Runs `work` in a managed write transaction (retried by the driver on transient errors). */
export async function writeTx<T>(graph: Graph, work: (tx: ManagedTransaction) => Promise<T>): Promise<T> {
  const session = graph.driver.session({ database: graph.database, defaultAccessMode: neo4j.session.WRITE });
  try {
    return await session.executeWrite(work);
  } catch (e) {
    throw toGraphError(e);
  } finally {
    await session.close();
  }
}

/** Runs one auto-commit statement (needed for schema commands, which cannot share a transaction). */
export async function runAutoCommit(graph: Graph, cypher: string, params: Record<string, unknown> = {}) {
  const session = graph.driver.session({ database: graph.database });
  try {
    return await session.run(cypher, params);
  } catch (e) {
    throw toGraphError(e);
  } finally {
    await session.close();
  }
}
