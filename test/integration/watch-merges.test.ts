/**
 * A watch is of a real-world entity: when the watched entity is merged into another (an analyst's
 * merge, a chain of them), the survivor's events reach the watch; when the merge is undone, the
 * original eid's do again. The per-viewer checks stay: a source the viewer may not see sends nothing.
 * Regression: the stream routed by the watch's eid, the survivor's events carried the survivor's
 * eid, and the watch went silent after a merge.
 */
import { type Graph, readTx, writeTx } from '@onemap/graph-schema/server';
import { publishEvents } from '@onemap/resolver/pipeline';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEnv } from '../helpers/env.ts';
import { clearGraph, openTestGraph } from '../helpers/graph.ts';
import { as, buildTestApp } from '../helpers/server-app.ts';
import { openWatchStream } from '../helpers/watch-stream.ts';
import { FX, seedServerFixture } from '../helpers/server-fixtures.ts';

const CHANNEL = `onemap:events:watch-merges-${process.pid}`;
/** Persons of this file, each known through the open source (the station sees them, not the closed source). */
const WM = { X1: 'P-WMX1', Y1: 'P-WMY1', X2: 'P-WMX2', Y2: 'P-WMY2', Z2: 'P-WMZ2' } as const;

let graph: Graph;
let app: FastifyInstance;
let pub: Redis;
beforeAll(async () => {
  graph = openTestGraph();
  await clearGraph(graph);
  await seedServerFixture(graph);
  await writeTx(graph, (tx) =>
    tx.run(
      `UNWIND $eids AS eid
       CREATE (p:Entity:Person {eid: eid, name: '监控' + eid, unitCode: '620102', searchText: eid, provenance: '{}'})
       CREATE (r:SourceRecord {rid: $open + ':' + eid, source: $open, recordId: eid, receivedAt: datetime('2026-10-02T00:00:00Z'), hash: eid,
                               attrs: '{"person":{"name":"监控' + eid + '"}}'})
       CREATE (r)-[:RESOLVED_TO {role: 'person', decision: 'anchor', score: 1.0, at: datetime()}]->(p)`,
      { eids: Object.values(WM), open: FX.open },
    ),
  );
  app = await buildTestApp({ EVENTS_CHANNEL: CHANNEL, RATE_LIMIT_PER_MINUTE: 1_000_000 });
  await app.listen({ host: '127.0.0.1', port: 0 });
  pub = new Redis(testEnv.REDIS_URL);
});
afterAll(async () => {
  pub?.disconnect();
  await app?.close();
  await graph?.driver.close();
});

const officer = () => as(app, 'station', 'officer');
const analyst = () => as(app, 'province', 'analyst');
const event = (eid: string, source: string, rid: string) => ({
  type: 'trace' as const,
  eid,
  at: '2026-11-07T10:00:00Z',
  source,
  rid,
});

async function merge(survivor: string, merged: string): Promise<string> {
  const res = await analyst()({
    method: 'POST',
    url: '/api/resolution/merge',
    payload: { survivor, merged: [merged], reason: '同一人（监控合并测试）' },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id as string;
}

/** The station officer watches `eid` and opens the stream, collecting what arrives. */
async function watchAndOpen(eid: string) {
  const user = officer();
  expect((await user({ method: 'POST', url: '/api/watches', payload: { eid } })).statusCode).toBe(201);
  const { text, waitFor, close } = await openWatchStream(app, user);
  /**
   * Publishes `events` the way the pipeline does (`publishEvents`: only events of watched
   * entities, named with the watches that follow them) until the last one arrives: the server's
   * subscriber connects with the first stream. Events are checked in order, so once the last has
   * arrived, every one before it was delivered or dropped.
   */
  const deliver = async (...events: ReturnType<typeof event>[]) => {
    const last = events.at(-1);
    if (!last) throw new Error('nothing to deliver');
    for (let i = 0; i < 40 && !text().includes(last.rid); i++) {
      await publishEvents(graph, pub, events, CHANNEL);
      await waitFor(() => text().includes(last.rid), 250);
    }
    return text().includes(last.rid);
  };
  return { text, deliver, close };
}

/** What the audit says the stream delivered, by rid. */
async function auditedRids(): Promise<string[]> {
  return readTx(graph, async (tx) =>
    (
      await tx.run(
        "MATCH (a:AuditEntry {route: '/api/watches/stream'}) WHERE a.paramsJson CONTAINS '\"delivered\"' RETURN a.paramsJson AS p",
      )
    ).records.map((r) => JSON.parse(r.get('p')).delivered.rid as string),
  );
}

describe('a watch follows its entity through merges', () => {
  it("a merged-away entity's watch gets the survivor's events, from visible sources only; after the undo, the original eid's again", async () => {
    const s = await watchAndOpen(WM.X1);
    try {
      const decision = await merge(WM.Y1, WM.X1);
      // The survivor's event from the closed source (the station may not see it) comes first: dropped.
      const hidden = event(WM.Y1, FX.closed, `${FX.closed}:wm-hidden`);
      expect(await s.deliver(hidden, event(WM.Y1, FX.open, `${FX.open}:wm-survivor`))).toBe(true);
      expect(s.text()).toContain(`"eid":"${WM.Y1}"`);
      expect(s.text()).not.toContain(hidden.rid);
      // The routing (which watches the event is for) is not sent on.
      expect(s.text()).not.toContain('watchEids');

      const undo = await analyst()({ method: 'POST', url: `/api/resolution/decisions/${decision}/undo` });
      expect(undo.statusCode, undo.body).toBe(200);
      // Y1 is someone else again: its events are no longer the watch's; X1's are.
      expect(
        await s.deliver(event(WM.Y1, FX.open, `${FX.open}:wm-other`), event(WM.X1, FX.open, `${FX.open}:wm-back`)),
      ).toBe(true);
      expect(s.text()).not.toContain(`${FX.open}:wm-other`);
    } finally {
      s.close();
    }
    // Every event sent was audited; the hidden one was neither sent nor audited.
    const audited = await auditedRids();
    expect(audited).toContain(`${FX.open}:wm-survivor`);
    expect(audited).toContain(`${FX.open}:wm-back`);
    expect(audited).not.toContain(`${FX.closed}:wm-hidden`);
    expect(audited).not.toContain(`${FX.open}:wm-other`);
  });

  it('through a chain of merges (X into Y, then Y into Z) the list shows the current eid and the stream delivers its events', async () => {
    const s = await watchAndOpen(WM.X2);
    try {
      await merge(WM.Y2, WM.X2);
      await merge(WM.Z2, WM.Y2);
      const mine = (
        (await officer()({ url: '/api/watches' })).json().items as { eid: string; currentEid: string }[]
      ).find((w) => w.eid === WM.X2);
      expect(mine?.currentEid).toBe(WM.Z2);
      expect(await s.deliver(event(WM.Z2, FX.open, `${FX.open}:wm-chain`))).toBe(true);
      expect(s.text()).toContain(`"eid":"${WM.Z2}"`);
    } finally {
      s.close();
    }
  });
});
