/** Manual merge, split and confirm: graph changes, redirects, decisions for the pipeline, and undo. */
import { type Graph, readTx } from '@onemap/graph-schema/server';
import type { FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import { as, useServerApp } from '../helpers/server-app.ts';
import { E } from '../helpers/server-fixtures.ts';

let graph: Graph;
let app: FastifyInstance;
useServerApp({ RATE_LIMIT_PER_MINUTE: 1_000_000 }, (s) => {
  ({ app, graph } = s);
});

async function shape(eid: string) {
  return readTx(graph, async (tx) => {
    const r = await tx.run(
      `MATCH (e {eid: $eid}) OPTIONAL MATCH (e)-[r]-() WITH e, r ORDER BY type(r) RETURN labels(e) AS labels, count(r) AS rels, collect(DISTINCT type(r)) AS types`,
      { eid },
    );
    return r.records[0]?.toObject() as { labels: string[]; rels: number; types: string[] } | undefined;
  });
}

describe('merge', () => {
  it('moves everything to the survivor, redirects the old eid, and undo restores both', async () => {
    const analyst = as(app, 'province', 'analyst');
    const beforeP1 = await shape(E.P1);
    const beforeP3 = await shape(E.P3);
    const res = await analyst({ method: 'POST', url: '/api/resolution/merge', payload: { survivor: E.P1, merged: [E.P3], reason: '同一手机号，人工确认为同一人' } });
    expect(res.statusCode, res.body).toBe(201);
    const d = res.json();
    expect(d).toMatchObject({ kind: 'merge', eids: [E.P1, E.P3], by: 'fx_province_analyst', unit: '620000', undone: false });
    expect(JSON.parse(d.purpose).caseNumber).toBe('A6201022026110001');
    // The old eid answers through the redirect.
    const p = await analyst({ url: `/api/entities/${E.P3}` });
    expect(p.statusCode).toBe(200);
    expect(p.json()).toMatchObject({ eid: E.P1, redirectedFrom: E.P3 });
    expect(p.json().sources.find((s: { source: string }) => s.source === 'fx_open').records).toBeGreaterThanOrEqual(3);
    expect((await shape(E.P3))?.labels).toEqual(['MergedEntity']);
    // Undo.
    const undo = await analyst({ method: 'POST', url: `/api/resolution/decisions/${d.id}/undo` });
    expect(undo.statusCode, undo.body).toBe(200);
    expect(undo.json()).toMatchObject({ undone: true, undoneBy: 'fx_province_analyst' });
    expect(await shape(E.P1)).toEqual(beforeP1);
    expect((await shape(E.P3))?.rels).toBe(beforeP3?.rels);
    expect((await shape(E.P3))?.labels.sort()).toEqual(['Entity', 'Person']);
    expect((await analyst({ url: `/api/entities/${E.P3}` })).json()).toMatchObject({ eid: E.P3, redirectedFrom: null });
    // Undoing twice is a conflict.
    expect((await analyst({ method: 'POST', url: `/api/resolution/decisions/${d.id}/undo` })).statusCode).toBe(409);
  });

  it('refuses to merge entities of different kinds', async () => {
    const res = await as(app, 'province', 'analyst')({ method: 'POST', url: '/api/resolution/merge', payload: { survivor: E.P1, merged: [E.phone], reason: '错误操作' } });
    expect(res.statusCode).toBe(409);
  });
});

describe('split', () => {
  it('moves the named records and their edges to a new entity, and undo puts them back', async () => {
    const analyst = as(app, 'province', 'analyst');
    const before = await shape(E.P1);
    const res = await analyst({ method: 'POST', url: '/api/resolution/split', payload: { eid: E.P1, rids: ['fx_cond:1'], reason: '户籍记录属于同名他人' } });
    expect(res.statusCode, res.body).toBe(201);
    const { decision, newEid } = res.json();
    const created = await analyst({ url: `/api/entities/${newEid}` });
    expect(created.statusCode).toBe(200);
    expect(created.json().records.map((r: { rid: string }) => r.rid)).toEqual(['fx_cond:1']);
    // Edges that carry rid fx_cond:1 (WORKS_FOR, RESIDES_AT, HAS_IDENTIFIER) moved with it.
    expect(created.json().identifiers.map((i: { kind: string }) => i.kind)).toEqual(['resident_id']);
    const undo = await analyst({ method: 'POST', url: `/api/resolution/decisions/${decision.id}/undo` });
    expect(undo.statusCode).toBe(200);
    expect(await shape(E.P1)).toEqual(before);
    expect(await shape(newEid)).toBeUndefined();
  });

  it('must leave at least one record', async () => {
    const all = (await as(app, 'province', 'analyst')({ url: `/api/entities/${E.P3}` })).json().records.map((r: { rid: string }) => r.rid);
    const res = await as(app, 'province', 'analyst')({ method: 'POST', url: '/api/resolution/split', payload: { eid: E.P3, rids: all, reason: '全部拆出' } });
    expect(res.statusCode).toBe(400);
  });
});

describe('confirm', () => {
  it('records match and non-match decisions the pipeline can read as constraints', async () => {
    const analyst = as(app, 'county', 'analyst');
    await analyst({ method: 'POST', url: '/api/resolution/confirm', payload: { eids: [E.P1, E.P3], match: false, reason: '不同人' } });
    const list = await analyst({ url: `/api/resolution/decisions?eid=${E.P3}` });
    expect(list.json().items[0]).toMatchObject({ kind: 'confirm_non_match', eids: [E.P1, E.P3], unit: '620102' });
    const stored = await readTx(graph, async (tx) => (await tx.run("MATCH (d:ResolutionDecision {kind: 'confirm_non_match'}) RETURN d.eids AS eids, d.undone AS undone")).records[0]?.toObject());
    expect(stored).toEqual({ eids: [E.P1, E.P3], undone: false });
  });
});
