/**
 * Entity corrections feed back into resolution: an analyst's split (POST /api/resolution/split)
 * becomes a cannot-link that later batches respect — re-delivering the same records and a new
 * record for the same person do not glue the split records back together. Own ids: `Q-SPLIT-*`.
 */
import type { Graph } from '@onemap/graph-schema/server';
import type { FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import { hotelRecord } from '../helpers/hotel-records.ts';
import { as, asSource, sourceKeyFor, useServerApp } from '../helpers/server-app.ts';

let app: FastifyInstance;
let graph: Graph;
const RUN = String(Date.now() % 1_000_000);
// One person (same resident id, name, birth date) in every record.
const rec = (n: number, over: Record<string, string | number> = {}) =>
  hotelRecord(8123, { record_id: `Q-SPLIT-${n}`, room_no: `${RUN}${n}`, ...over });

useServerApp({ INGEST_WORKER: 'embedded' }, (s) => {
  ({ app, graph } = s);
});

async function push(records: Record<string, string | number>[]) {
  // The hotel system delivers with its own key (issued by the province, above the source's owner).
  const hotelSystem = asSource(app, await sourceKeyFor(app, ['hotel']));
  const res = await hotelSystem({ method: 'POST', url: '/api/ingest/hotel', payload: { records } });
  expect(res.statusCode).toBe(202);
  for (let i = 0; i < 600; i++) {
    const r = await hotelSystem({ url: `/api/ingest/jobs/${res.json().batchId}` });
    if (r.statusCode === 200 && ['done', 'rejected', 'failed'].includes(r.json().status)) return r.json();
    await new Promise((x) => setTimeout(x, 200));
  }
  throw new Error('batch did not finish');
}

async function guestEid(rid: string): Promise<string> {
  const s = graph.driver.session({ database: graph.database });
  try {
    const r = await s.run(
      "MATCH (:SourceRecord {rid: $rid})-[:RESOLVED_TO {role: 'guest'}]->(e:Person) RETURN e.eid AS eid",
      { rid },
    );
    expect(r.records).toHaveLength(1);
    return String(r.records[0]!.get('eid'));
  } finally {
    await s.close();
  }
}

describe('a confirmed split survives re-ingestion', () => {
  it('split records stay apart when the same records are delivered again and when a new record of the person arrives', async () => {
    await push([rec(1), rec(2)]);
    const eid = await guestEid('hotel:Q-SPLIT-1');
    expect(await guestEid('hotel:Q-SPLIT-2')).toBe(eid);

    const analyst = as(app, 'province', 'analyst');
    const split = await analyst({
      method: 'POST',
      url: '/api/resolution/split',
      payload: { eid, rids: ['hotel:Q-SPLIT-2'], reason: '同号不同人,经核实为两人' },
    });
    expect(split.statusCode).toBe(201);
    const newEid = split.json().newEid as string;
    expect(await guestEid('hotel:Q-SPLIT-2')).toBe(newEid);

    // The same records delivered again (a changed room number makes it a new delivery of both).
    await push([rec(1, { room_no: `${RUN}r1` }), rec(2, { room_no: `${RUN}r2` })]);
    const a = await guestEid('hotel:Q-SPLIT-1');
    const b = await guestEid('hotel:Q-SPLIT-2');
    expect(a).not.toBe(b);
    expect(b).toBe(newEid);

    // A new record of the same person joins one side, never both.
    await push([rec(3)]);
    const c = await guestEid('hotel:Q-SPLIT-3');
    expect([a, b]).toContain(c);
    expect(await guestEid('hotel:Q-SPLIT-1')).not.toBe(await guestEid('hotel:Q-SPLIT-2'));
  });
});
