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
  /** Longest a read transaction may run before Neo4j stops it (ONEMAP_ERR_QUERY_TIMEOUT); unset: no limit. */
  readTimeoutMs?: number;
}

/**
 * The transaction `work` gets: `run` without the driver's stack capture. The driver records a stack
 * trace on every `run` to attach to a later error, and where stacks are source-mapped (tsx) that is
 * a measurable share of a short request's CPU (docs/api.md, "Per-request cost"). A failed query
 * still throws, translated into a GraphError with its own stack where `readTx`/`writeTx` catch it.
 */
export function withoutStackCapture(tx: ManagedTransaction): ManagedTransaction {
  const run = tx.run.bind(tx);
  const fast = Object.create(tx) as ManagedTransaction;
  fast.run = ((query: string, parameters?: Record<string, unknown>, config?: unknown) => {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      return (run as (q: string, p?: Record<string, unknown>, c?: unknown) => ReturnType<ManagedTransaction['run']>)(query, parameters, config);
    } finally {
      Error.stackTraceLimit = limit;
    }
  }) as ManagedTransaction['run'];
  return fast;
}

/** Runs `work` in a managed read transaction; driver errors become GraphErrors. */
export async function readTx<T>(graph: Graph, work: (tx: ManagedTransaction) => Promise<T>): Promise<T> {
  const session = graph.driver.session({ database: graph.database, defaultAccessMode: neo4j.session.READ });
  try {
    const config = graph.readTimeoutMs ? { timeout: graph.readTimeoutMs } : undefined;
    return await session.executeRead((tx) => work(withoutStackCapture(tx)), config);
  } catch (e) {
    throw toGraphError(e, { timeoutMs: graph.readTimeoutMs });
  } finally {
    await session.close();
  }
}

/** Runs `work` in a managed write transaction (retried by the driver on transient errors). */
export async function writeTx<T>(graph: Graph, work: (tx: ManagedTransaction) => Promise<T>): Promise<T> {
  const session = graph.driver.session({ database: graph.database, defaultAccessMode: neo4j.session.WRITE });
  try {
    return await session.executeWrite((tx) => work(withoutStackCapture(tx)));
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
