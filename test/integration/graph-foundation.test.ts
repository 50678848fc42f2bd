import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  createDriver,
  createUnits,
  describeSchema,
  findUnit,
  type Graph,
  GraphError,
  GraphErrorCode,
  MIGRATIONS_DIR,
  migrate,
  readTx,
  writeTx,
} from '@onemap/graph-schema/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BoltProxy, startBoltProxy } from '../helpers/bolt-proxy.ts';
import { testEnv } from '../helpers/env.ts';
import { clearGraph, openTestGraph } from '../helpers/graph.ts';

let graph: Graph;
beforeAll(async () => {
  graph = openTestGraph();
  await clearGraph(graph);
});
afterAll(async () => graph.driver.close());

describe('the real Neo4j through Bolt', () => {
  it('writes a node and reads it back with parameters', async () => {
    const name = `兰州 ${Date.now()}`;
    await writeTx(graph, (tx) => tx.run('CREATE (:Probe {name: $name, n: $n})', { name, n: 42 }));
    const got = await readTx(graph, async (tx) => {
      const r = await tx.run('MATCH (p:Probe {name: $name}) RETURN p.n AS n, p.name AS name', { name });
      return r.records.map((x) => ({ n: x.get('n'), name: x.get('name') }));
    });
    expect(got).toEqual([{ n: 42, name }]);
  });

  it('surfaces a uniqueness violation as a typed repository error', async () => {
    const unit = { code: '620102', name: '城关区', level: 'county' as const, parent: '620100' };
    await createUnits(graph, [unit]);
    const err = await createUnits(graph, [unit]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GraphError);
    expect((err as GraphError).code).toBe(GraphErrorCode.UniqueViolation);
    expect((err as GraphError).message).toContain('Unit');
    expect(await findUnit(graph, '620102')).toEqual(unit);
  });
});

describe('read timeout', () => {
  it('a read running past the graph’s readTimeoutMs is stopped by Neo4j and named QUERY_TIMEOUT with its limit', async () => {
    const limited: Graph = { ...graph, readTimeoutMs: 300 };
    const t0 = Date.now();
    const err = await readTx(limited, (tx) => tx.run('UNWIND range(1, 5000000000) AS x WITH x WHERE x < 0 RETURN count(*) AS n')).catch((e) => e);
    expect(err).toBeInstanceOf(GraphError);
    expect(err.code).toBe(GraphErrorCode.QueryTimeout);
    expect(err.statusCode).toBe(503);
    expect(err.message).toContain('300 ms');
    expect(Date.now() - t0).toBeLessThan(60_000);
    // The same graph without the limit still reads.
    expect((await readTx(limited, (tx) => tx.run('RETURN 1 AS one'))).records[0]?.get('one')).toBe(1);
  }, 90_000);
});

describe('read retry: a read through a Bolt proxy that cuts its connection', () => {
  let proxy: BoltProxy;
  let viaProxy: Graph;
  beforeAll(async () => {
    proxy = await startBoltProxy(testEnv.NEO4J_URI);
    viaProxy = { driver: createDriver({ uri: proxy.uri, database: testEnv.NEO4J_DATABASE, user: testEnv.NEO4J_USER, password: testEnv.NEO4J_PASSWORD }), database: testEnv.NEO4J_DATABASE };
  });
  afterAll(async () => {
    await viaProxy?.driver.close();
    await proxy?.close();
  });

  it('runs the statement whose connection was lost again on a new one — only that statement: the read’s work runs once', async () => {
    let works = 0;
    proxy.reset();
    const got = await readTx(viaProxy, async (tx) => {
      works++;
      const first = (await tx.run('RETURN 1 AS n')).records[0]?.get('n');
      proxy.cutRuns(1);
      const second = (await tx.run('RETURN 2 AS n')).records[0]?.get('n');
      return [first, second];
    });
    expect(got).toEqual([1, 2]);
    expect(works).toBe(1);
    expect(proxy.counts.messages.RUN).toBe(3); // 1, 2 (cut), 2 again
  }, 90_000);

  it('gives up after the graph’s readRetryMs, as GRAPH_UNAVAILABLE (503), having retried', async () => {
    proxy.reset();
    proxy.cutRuns(1_000);
    const err = await readTx({ ...viaProxy, readRetryMs: 2_500 }, (tx) => tx.run('RETURN 1 AS n')).catch((e: unknown) => e);
    proxy.cutRuns(0);
    expect(err).toBeInstanceOf(GraphError);
    expect((err as GraphError).code).toBe(GraphErrorCode.Unavailable);
    expect((err as GraphError).statusCode).toBe(503);
    expect(proxy.counts.messages.RUN).toBeGreaterThan(1);
    // and the graph reads again once the connection holds
    expect((await readTx(viaProxy, (tx) => tx.run('RETURN 1 AS one'))).records[0]?.get('one')).toBe(1);
  }, 90_000);

  it('does not retry a statement Neo4j refused (not transient)', async () => {
    proxy.reset();
    const err = await readTx(viaProxy, (tx) => tx.run('RETURN nosuchfunction(1)')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GraphError);
    expect((err as GraphError).code).toBe(GraphErrorCode.Query);
    expect(proxy.counts.messages.RUN).toBe(1);
  });
});

describe('migrations', () => {
  it('applied twice leave the schema identical and record versions with checksums', async () => {
    const before = await describeSchema(graph);
    const second = await migrate(graph);
    expect(second.applied).toEqual([]);
    expect(second.alreadyApplied.length).toBeGreaterThanOrEqual(3);
    expect(await describeSchema(graph)).toEqual(before);
    expect(before.join('\n')).toContain('identifier_kind_value');
    expect(before.join('\n')).toContain('entity_search');
    const recorded = await readTx(graph, async (tx) => {
      const r = await tx.run('MATCH (m:__OneMapMigration) RETURN m.version AS v, m.checksum AS c ORDER BY v');
      return r.records.map((x) => [x.get('v'), (x.get('c') as string).length]);
    });
    expect(recorded.slice(0, 3)).toEqual([
      [1, 64],
      [2, 64],
      [3, 64],
    ]);
  });

  it('refuses an already-applied migration whose file was edited', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'onemap-mig-'));
    for (const f of fs.readdirSync(MIGRATIONS_DIR)) fs.copyFileSync(path.join(MIGRATIONS_DIR, f), path.join(dir, f));
    const first = fs.readdirSync(dir).sort()[0] as string;
    fs.appendFileSync(path.join(dir, first), '\n// edited after it was applied\n');
    const err = await migrate(graph, dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GraphError);
    expect((err as GraphError).code).toBe(GraphErrorCode.MigrationChanged);
    expect((err as GraphError).message).toContain(first);
  });
});
