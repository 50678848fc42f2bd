import neo4j, { type Driver, type ManagedTransaction, type QueryResult, type Session } from 'neo4j-driver';
import { coalesceBoltWrites } from './bolt-writes.ts';
import type { Neo4jConfig } from './config.ts';
import { GraphError, GraphErrorCode, toGraphError } from './errors.ts';

/** The driver's fetch size meaning "every record in one PULL". */
const FETCH_ALL = -1;

/**
 * The one driver of a process. Integers come back as JS numbers (safe for our counts and ids).
 * Its socket writes are coalesced, one system call per burst of messages (`coalesceBoltWrites`).
 */
export function createDriver(config: Neo4jConfig): Driver {
  coalesceBoltWrites();
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
  /** Longest a read (`readTx`: all its statements) may run before Neo4j stops it (ONEMAP_ERR_QUERY_TIMEOUT); unset: no limit. */
  readTimeoutMs?: number;
  /** How long a read keeps retrying transient failures, from its first (unset: `DEFAULT_READ_RETRY_MS`; 0: no retry). */
  readRetryMs?: number;
  /**
   * How to open another driver to the same database: a worker thread cannot share this one (a
   * driver lives in its thread). Unset: what would run on a thread runs on the caller's.
   */
  connection?: Neo4jConfig;
}

/**
 * A Graph on the database `config` names, with its own driver, that says how to connect again
 * (`connection`): what a worker thread of the process opens (a whole sync's pages, `readRecordsSinceAhead`).
 */
export function openGraph(config: Neo4jConfig, opts: Pick<Graph, 'readTimeoutMs' | 'readRetryMs'> = {}): Graph {
  return { driver: createDriver(config), database: config.database, ...opts, connection: config };
}

/**
 * Calls `start` — a driver call that records a stack trace to attach to a later error — with stack
 * capture off. Where stacks are source-mapped (tsx) that capture is a measurable share of a short
 * request's CPU (docs/api.md, "Per-request cost"). A failed query still throws, translated into a
 * GraphError with its own stack.
 */
function withoutStack<T>(start: () => T): T {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return start();
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/** The transaction `work` gets: `run` without the driver's stack capture (see `withoutStack`). */
export function withoutStackCapture(tx: ManagedTransaction): ManagedTransaction {
  const run = tx.run.bind(tx) as (q: string, p?: Record<string, unknown>, c?: unknown) => ReturnType<ManagedTransaction['run']>;
  const fast = Object.create(tx) as ManagedTransaction;
  fast.run = ((query: string, parameters?: Record<string, unknown>, config?: unknown) => withoutStack(() => run(query, parameters, config))) as ManagedTransaction['run'];
  return fast;
}

/**
 * What a read's `work` gets: `run` one statement and get its whole answer. A managed transaction
 * fits it too, so a repository function reads alike inside a read or a write.
 */
export interface ReadRunner {
  run(query: string, parameters?: Record<string, unknown>): Promise<QueryResult>;
}

/** How long a read keeps retrying a transient failure when the graph does not say (the driver's own default for managed transactions). */
export const DEFAULT_READ_RETRY_MS = 30_000;
/** The retry delays of the driver's managed transactions: 1 s, doubling, ±20 %. */
const RETRY_DELAY = { initialMs: 1000, multiplier: 2, jitter: 0.2 } as const;

/** A clock and a pause, apart so a test can drive them. */
export interface ReadClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}
const realClock: ReadClock = { now: () => performance.now(), sleep: (ms) => new Promise((r) => setTimeout(r, ms)) };

/**
 * The statements of one read, each an auto-commit statement on `session` (a READ session): one
 * round trip a statement (RUN and PULL pipelined), where a managed transaction waits for BEGIN
 * and for COMMIT besides. What `executeRead` gave is kept:
 * - a transient failure (Neo4j TransientError, ServiceUnavailable, SessionExpired: the driver's
 *   `isRetryableError`) is retried with the driver's delays while the read's first failure is less
 *   than `readRetryMs` ago (default 30 s); only the failed statement runs again — a read statement
 *   has no effect to repeat, and `work` runs once;
 * - `readTimeoutMs` bounds the read, not each statement: every statement may run for what the read
 *   has left (time lost to a failed attempt and its retry delay not counted); a statement that
 *   would start with nothing left fails as Neo4j would stop it, `ONEMAP_ERR_QUERY_TIMEOUT`;
 * - a failure is a GraphError (`toGraphError`).
 * Statements run one after the other (a session runs one at a time): a second `run` before the
 * first answered waits for it.
 * Unlike a transaction the statements do not see one snapshot — nor did they: Neo4j's read
 * transactions are read-committed, a later statement already saw what committed meanwhile
 * (non-repeatable reads; docs/api.md, "Reads without BEGIN and COMMIT").
 */
export function readRunner(session: Pick<Session, 'run'>, limits: Pick<Graph, 'readTimeoutMs' | 'readRetryMs'>, clock: ReadClock = realClock): ReadRunner & { idle(): Promise<void> } {
  const retryMs = limits.readRetryMs ?? DEFAULT_READ_RETRY_MS;
  const timeoutMs = limits.readTimeoutMs;
  let deadline = timeoutMs ? clock.now() + timeoutMs : Number.POSITIVE_INFINITY;
  let firstFailure: number | null = null;
  let delayMs: number = RETRY_DELAY.initialMs;
  let tail: Promise<unknown> = Promise.resolve();

  async function attempt(query: string, parameters: Record<string, unknown> | undefined): Promise<QueryResult> {
    for (;;) {
      const started = clock.now();
      const left = deadline - started;
      if (left <= 0) throw new GraphError(GraphErrorCode.QueryTimeout, { limitMs: timeoutMs ?? 'the allowed' });
      try {
        // whole milliseconds, at least 1 (0 would mean no limit); rounded, not ceiled: `left` carries
        // the float noise of the retry pauses (90.0000001 must not become 91)
        const config = Number.isFinite(left) ? { timeout: Math.max(1, Math.round(left)) } : undefined;
        return await withoutStack(() => session.run(query, parameters, config));
      } catch (e) {
        firstFailure ??= clock.now(); // as the driver: the retry window opens at the first failure
        if (!neo4j.isRetryableError(e) || clock.now() - firstFailure >= retryMs) throw toGraphError(e, { timeoutMs });
        const wait = delayMs * (1 + RETRY_DELAY.jitter * (2 * Math.random() - 1));
        delayMs *= RETRY_DELAY.multiplier;
        await clock.sleep(wait);
        deadline += clock.now() - started; // the failed attempt and the pause are not the read's time
      }
    }
  }

  return {
    run(query, parameters) {
      const answer = tail.then(() => attempt(query, parameters));
      tail = answer.catch(() => undefined);
      return answer;
    },
    /** Resolves once every statement asked for has answered or failed (before the session closes). */
    idle: () => tail.then(() => undefined),
  };
}

/**
 * Runs `work`'s reads as auto-commit statements on one READ session (`readRunner`: one round trip
 * a statement, transient failures retried, `readTimeoutMs` shared by the statements); driver
 * errors become GraphErrors. Writes go through `writeTx`.
 */
export async function readTx<T>(graph: Graph, work: (tx: ReadRunner) => Promise<T>): Promise<T> {
  // the whole answer in one PULL: every read collects all its records anyway
  const session = graph.driver.session({ database: graph.database, defaultAccessMode: neo4j.session.READ, fetchSize: FETCH_ALL });
  const runner = readRunner(session, graph);
  try {
    return await work(runner);
  } catch (e) {
    throw toGraphError(e, { timeoutMs: graph.readTimeoutMs });
  } finally {
    await runner.idle();
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

/**
 * Runs `work` in a write transaction that is always rolled back: its statements run (Neo4j plans
 * them, takes their locks, sees their writes) and nothing stays. For rehearsing a write path on a
 * service just started (the server's audit append, the resolve leader's group write).
 */
export async function rolledBackTx<T>(graph: Graph, work: (tx: ManagedTransaction) => Promise<T>): Promise<T> {
  const session = graph.driver.session({ database: graph.database, defaultAccessMode: neo4j.session.WRITE });
  const tx = session.beginTransaction();
  try {
    // an explicit transaction runs statements as a managed one does; it is never committed here
    return await work(withoutStackCapture(tx as unknown as ManagedTransaction));
  } finally {
    await tx.rollback().catch(() => undefined);
    await session.close();
  }
}

/**
 * Statements of one transaction sent without waiting for each answer: the driver sends each RUN and
 * PULL at once and the server answers in order, so N statements cost one round trip, not N, and
 * (the socket corked for the tick, `coalesceBoltWrites`) one socket write. For statements whose
 * answers the caller does not read; they run on the server in the order they were sent. `add`
 * takes the promise of a helper that sends its statements when called (an async function's code up
 * to its first `await` runs at once). `settle` waits for every one and throws the first failure in
 * order; call it before the transaction ends, on failure too (nothing is left unobserved).
 * @example
 * const ahead = new PipelinedStatements(tx);
 * ahead.send(WRITE_ROWS, { rows }); // a repository's statement, its answer not read
 * ahead.add(addSourcesToEntities(tx, list));
 * await ahead.settle();
 */
export class PipelinedStatements {
  private readonly sent: Promise<unknown>[] = [];

  constructor(private readonly tx: Pick<ManagedTransaction, 'run'>) {}

  send(query: string, parameters?: Record<string, unknown>): void {
    this.add(Promise.resolve(this.tx.run(query, parameters)));
  }

  add(answer: Promise<unknown> | undefined): void {
    if (!answer) return;
    answer.catch(() => undefined); // observed in settle, in order
    this.sent.push(answer);
  }

  async settle(): Promise<void> {
    for (const answer of this.sent.splice(0)) await answer;
  }
}

/** Runs one auto-commit statement (needed for schema commands, which cannot share a transaction). */
export async function runAutoCommit(graph: Graph, cypher: string, params: Record<string, unknown> = {}) {
  const session = graph.driver.session({ database: graph.database });
  try {
    // the server's audit append is one of these on every request: no stack capture (`withoutStack`)
    return await withoutStack(() => session.run(cypher, params));
  } catch (e) {
    throw toGraphError(e);
  } finally {
    await session.close();
  }
}
