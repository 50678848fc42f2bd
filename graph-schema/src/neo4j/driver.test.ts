import { type ManagedTransaction, Neo4jError, type QueryResult, type Session } from 'neo4j-driver';
import { describe, expect, it } from 'vitest';
import { type Graph, PipelinedStatements, type ReadClock, readRunner, readTx, rolledBackTx, runAutoCommit, withoutStackCapture, writeTx } from './driver.ts';
import { GraphError } from './errors.ts';

describe('withoutStackCapture', () => {
  it('runs the query without a stack trace and restores the limit afterwards, also when run throws', () => {
    const seen: number[] = [];
    const tx = {
      run(query: string) {
        seen.push(Error.stackTraceLimit);
        if (query === 'bad') throw new Error('refused');
        return { query };
      },
    } as unknown as ManagedTransaction;
    const before = Error.stackTraceLimit;
    const fast = withoutStackCapture(tx);
    expect(fast.run('RETURN 1')).toEqual({ query: 'RETURN 1' });
    expect(() => fast.run('bad')).toThrow('refused');
    expect(seen).toEqual([0, 0]);
    expect(Error.stackTraceLimit).toBe(before);
  });
});

describe('every way into the graph', () => {
  it('runs its statements without the driver capturing a stack (a source-mapped capture costs a request more than its statement)', async () => {
    const seen: [string, number][] = [];
    const run = (how: string) => () => {
      seen.push([how, Error.stackTraceLimit]);
      return Promise.resolve({ records: [] });
    };
    const tx = (how: string) => ({ run: run(how), rollback: async () => undefined });
    const graph = {
      database: 'neo4j',
      driver: {
        session: () => ({
          run: run('session'),
          executeWrite: (work: (t: unknown) => unknown) => work(tx('write')),
          beginTransaction: () => tx('rolled back'),
          close: async () => undefined,
        }),
      },
    } as unknown as Graph;
    await readTx(graph, (t) => t.run('RETURN 1'));
    await writeTx(graph, (t) => t.run('RETURN 1'));
    await rolledBackTx(graph, (t) => t.run('RETURN 1'));
    await runAutoCommit(graph, 'RETURN 1');
    expect(seen).toEqual([
      ['session', 0],
      ['write', 0],
      ['rolled back', 0],
      ['session', 0],
    ]);
  });
});

/** A clock that moves only when told: a statement "takes" time by advancing it, a pause advances it by the pause. */
function fakeClock(): ReadClock & { advance(ms: number): void; pauses: number[] } {
  let t = 1000;
  const pauses: number[] = [];
  return {
    now: () => t,
    advance: (ms) => {
      t += ms;
    },
    pauses,
    sleep: async (ms) => {
      pauses.push(ms);
      t += ms;
    },
  };
}

interface Call {
  query: string;
  timeout: number | undefined;
}

/**
 * A session whose `run` answers each statement by `answer` (which may advance the clock or throw),
 * noting what it was asked: the query and the timeout it was given.
 */
function fakeSession(answer: (query: string, attempt: number) => unknown): { session: Pick<Session, 'run'>; calls: Call[] } {
  const calls: Call[] = [];
  const attempts = new Map<string, number>();
  const session = {
    run(query: string, _params?: unknown, config?: { timeout?: number }) {
      calls.push({ query, timeout: config?.timeout });
      const n = (attempts.get(query) ?? 0) + 1;
      attempts.set(query, n);
      return (async () => answer(query, n) as QueryResult)();
    },
  } as unknown as Pick<Session, 'run'>;
  return { session, calls };
}

const transient = () => new Neo4jError('the database is busy', 'Neo.TransientError.General.DatabaseUnavailable', 'N/A', 'N/A');
const unavailable = () => new Neo4jError('connection closed', 'ServiceUnavailable', 'N/A', 'N/A');

describe('readRunner: a read as auto-commit statements', () => {
  it('gives every statement what the read has left of its timeout, and stops a statement that would start with nothing left', async () => {
    const clock = fakeClock();
    const { session, calls } = fakeSession((q) => {
      clock.advance(q === 'first' ? 200 : 90);
      return { records: [] };
    });
    const tx = readRunner(session, { readTimeoutMs: 300 }, clock);
    await tx.run('first');
    await tx.run('second');
    clock.advance(20); // the caller's own work between statements is the read's time too
    const err = await tx.run('third').catch((e: unknown) => e);
    expect(calls).toEqual([
      { query: 'first', timeout: 300 },
      { query: 'second', timeout: 100 },
    ]);
    expect(err).toBeInstanceOf(GraphError);
    expect((err as GraphError).code).toBe('ONEMAP_ERR_QUERY_TIMEOUT');
    expect((err as GraphError).message).toContain('300 ms');
  });

  it('runs without a timeout when the graph sets none', async () => {
    const { session, calls } = fakeSession(() => ({ records: [] }));
    await readRunner(session, {}, fakeClock()).run('RETURN 1');
    expect(calls).toEqual([{ query: 'RETURN 1', timeout: undefined }]);
  });

  it('retries only the statement that failed transiently (the read’s work runs once), with the driver’s growing delays, and not counting them against the timeout', async () => {
    const clock = fakeClock();
    const { session, calls } = fakeSession((q, attempt) => {
      clock.advance(10);
      if (q === 'second' && attempt === 1) throw transient();
      if (q === 'second' && attempt === 2) throw unavailable();
      return { records: [q] };
    });
    const tx = readRunner(session, { readTimeoutMs: 100 }, clock);
    expect((await tx.run('first')).records).toEqual(['first']);
    expect((await tx.run('second')).records).toEqual(['second']);
    expect(calls.map((c) => c.query)).toEqual(['first', 'second', 'second', 'second']);
    // each attempt of `second` may run for what the read had left when `second` began (90 ms)
    expect(calls.map((c) => c.timeout)).toEqual([100, 90, 90, 90]);
    expect(clock.pauses).toHaveLength(2);
    expect(clock.pauses[0]).toBeGreaterThanOrEqual(800);
    expect(clock.pauses[0]).toBeLessThanOrEqual(1200);
    expect(clock.pauses[1]).toBeGreaterThanOrEqual(1600);
    expect(clock.pauses[1]).toBeLessThanOrEqual(2400);
  });

  it('gives up once the first failure is readRetryMs ago, as a GraphError naming what failed', async () => {
    const clock = fakeClock();
    const { session, calls } = fakeSession(() => {
      throw unavailable();
    });
    const err = await readRunner(session, { readRetryMs: 5000 }, clock).run('RETURN 1').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GraphError);
    expect((err as GraphError).code).toBe('ONEMAP_ERR_GRAPH_UNAVAILABLE');
    // pauses of about 1, 2 and 4 s: after the third the first failure is over 5 s ago
    expect(calls).toHaveLength(4);
    expect(clock.pauses).toHaveLength(3);
  });

  it('does not retry what is not transient (a query error, a timeout)', async () => {
    for (const code of ['Neo.ClientError.Statement.SyntaxError', 'Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration']) {
      const clock = fakeClock();
      const { session, calls } = fakeSession(() => {
        throw new Neo4jError('no', code, 'N/A', 'N/A');
      });
      const err = await readRunner(session, { readTimeoutMs: 300 }, clock).run('RETURN 1').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(GraphError);
      expect((err as GraphError).code).toBe(code.includes('Timed') ? 'ONEMAP_ERR_QUERY_TIMEOUT' : 'ONEMAP_ERR_GRAPH_QUERY');
      expect(calls).toHaveLength(1);
      expect(clock.pauses).toEqual([]);
    }
  });

  it('runs statements asked for at once one after the other (a session runs one at a time), each answered in order', async () => {
    let open = 0;
    let most = 0;
    const { session } = fakeSession(async (q) => {
      open++;
      most = Math.max(most, open);
      await new Promise((r) => setImmediate(r));
      open--;
      if (q === 'bad') throw new Neo4jError('no', 'Neo.ClientError.Statement.SyntaxError', 'N/A', 'N/A');
      return { records: [q] };
    });
    const tx = readRunner(session, {}, fakeClock());
    const answers = await Promise.allSettled(['a', 'bad', 'c'].map((q) => tx.run(q)));
    expect(most).toBe(1);
    expect(answers.map((a) => (a.status === 'fulfilled' ? a.value.records : (a.reason as GraphError).code))).toEqual([['a'], 'ONEMAP_ERR_GRAPH_QUERY', ['c']]);
    await tx.idle();
  });
});

describe('PipelinedStatements', () => {
  it('sends every statement at once, in order, and settles after all answered', async () => {
    const sent: string[] = [];
    const answers: (() => void)[] = [];
    const tx = {
      run(query: string) {
        sent.push(query);
        return new Promise<void>((resolve) => answers.push(resolve));
      },
    };
    const ahead = new PipelinedStatements(tx as never);
    ahead.send('A');
    ahead.send('B');
    ahead.add((async () => void (await tx.run('C')))());
    expect(sent).toEqual(['A', 'B', 'C']); // none waited for an answer
    let settled = false;
    const done = ahead.settle().then(() => (settled = true));
    answers[0]!();
    answers[1]!();
    await new Promise((r) => setTimeout(r, 5));
    expect(settled).toBe(false);
    answers[2]!();
    await done;
    expect(settled).toBe(true);
  });

  it('throws the first failure in order, never leaves a rejection unobserved', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown) => unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    try {
      const tx = { run: (q: string) => (q === 'ok' ? Promise.resolve() : Promise.reject(new Error(`${q} failed`))) };
      const ahead = new PipelinedStatements(tx as never);
      ahead.send('ok');
      ahead.send('first');
      ahead.send('second');
      await new Promise((r) => setTimeout(r, 5));
      await expect(ahead.settle()).rejects.toThrow('first failed');
      await expect(ahead.settle()).resolves.toBeUndefined(); // settled once: nothing is awaited twice
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
