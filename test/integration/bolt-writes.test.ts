/**
 * The driver's socket writes are coalesced (`coalesceBoltWrites`, graph-schema
 * `src/neo4j/bolt-writes.ts`): a statement whose parameters are half a megabyte reaches the socket in
 * a handful of system calls, not one per 1,400-byte Bolt chunk (~370 without it — a fifth of the
 * real-time leader's CPU on this machine, docs/ingestion.md). Counts, never time. Fails when a driver
 * upgrade moves the internals the coalescing relies on.
 */
import net from 'node:net';
import { boltWritesCoalesced, type Graph, readTx, writeTx } from '@onemap/graph-schema/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestGraph } from '../helpers/graph.ts';

/** Counts the socket-level writes (`_write` one buffer, `_writev` several) while `work` runs. */
async function countSocketWrites(work: () => Promise<unknown>): Promise<{ calls: number; bytes: number }> {
  const proto = net.Socket.prototype as unknown as {
    _write: (chunk: Buffer, enc: string, cb: () => void) => void;
    _writev: (chunks: { chunk: Buffer }[], cb: () => void) => void;
  };
  const { _write, _writev } = proto;
  let calls = 0;
  let bytes = 0;
  proto._write = function (chunk, enc, cb) {
    calls++;
    bytes += chunk.length;
    return _write.call(this, chunk, enc, cb);
  };
  proto._writev = function (chunks, cb) {
    calls++;
    for (const c of chunks) bytes += c.chunk.length;
    return _writev.call(this, chunks, cb);
  };
  try {
    await work();
  } finally {
    proto._write = _write;
    proto._writev = _writev;
  }
  return { calls, bytes };
}

describe('Bolt socket writes', () => {
  let graph: Graph;
  beforeAll(async () => {
    graph = openTestGraph();
    await readTx(graph, (tx) => tx.run('RETURN 1')); // connected: the handshake is not counted
  });
  afterAll(async () => graph.driver.close());

  it('the driver channel is coalescing (a driver upgrade that moved its internals fails here)', () => {
    expect(boltWritesCoalesced()).toBe(true);
  });

  it('a write transaction of half a megabyte of parameters is a few socket writes, and its values arrive whole', async () => {
    const rows = Array.from({ length: 500 }, (_, i) => ({ i, text: `${i}:${'记录'.repeat(170)}` }));
    const payload = Buffer.byteLength(JSON.stringify(rows));
    expect(payload).toBeGreaterThan(250_000);
    let echoed = -1;
    let sum = -1;
    const w = await countSocketWrites(() =>
      writeTx(graph, async (tx) => {
        const r = await tx.run('UNWIND $rows AS row RETURN count(*) AS n, sum(size(row.text)) AS chars', { rows });
        echoed = r.records[0]!.get('n') as number;
        sum = r.records[0]!.get('chars') as number;
      }),
    );
    expect(echoed).toBe(500);
    expect(sum).toBe(rows.reduce((n, r) => n + r.text.length, 0));
    expect(w.bytes).toBeGreaterThan(payload);
    // BEGIN, RUN+PULL, COMMIT: each a burst (one write) — uncoalesced, ~370 writes of 1,400 bytes
    expect(w.calls).toBeLessThanOrEqual(6);
  });

  it('a read statement (RUN and PULL) is one socket write', async () => {
    const w = await countSocketWrites(() => readTx(graph, (tx) => tx.run('RETURN $x AS x', { x: 'y'.repeat(5000) })));
    expect(w.calls).toBeLessThanOrEqual(2);
  });
});
