/**
 * Issue 12, class 8: only a source system delivers into a source — with a key bound to that
 * source, issued by an admin of the source's owner unit (or above), stored hashed, checked on
 * every request. No user pushes, admins included. Batch metadata follows source visibility.
 */
import { getCatalogEntry, listSourceFiles, readSourceFile, SAMPLE_DIR } from '@onemap/datasets';
import { type Graph, readTx } from '@onemap/graph-schema/server';
import { upsertSources } from '../../server/src/repositories/governance.ts';
import type { FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import { hotelRecord } from '../helpers/hotel-records.ts';
import { as, asSource, sourceKeyFor, useServerApp } from '../helpers/server-app.ts';

let graph: Graph;
let app: FastifyInstance;
useServerApp(
  { INGEST_WORKER: 'embedded', RATE_LIMIT_PER_MINUTE: 1_000_000 },
  (s) => {
    ({ app, graph } = s);
  },
  async (graph) => {
    // The checkpoint source, owned here by the county 620102 (its catalog owner is the province).
    const cp = getCatalogEntry('checkpoint');
    await upsertSources(graph, [
      {
        id: 'checkpoint',
        nameZh: cp.name.zh,
        nameEn: cp.name.en,
        ownerUnit: '620102',
        shareClass: 'unconditional',
        grade: 2,
        updateMode: cp.updateMode,
        frequency: cp.frequency,
      },
    ]);
  },
);

/** The first `n` records of a sample source (some sample days are empty). */
function sampleRecords(source: string, n: number) {
  const entry = getCatalogEntry(source);
  return listSourceFiles(SAMPLE_DIR, entry)
    .flatMap((f) => readSourceFile(f, entry))
    .slice(0, n);
}
const incidentRecords = (n: number) => sampleRecords('incident', n);

async function waitDone(reader: ReturnType<typeof as>, batchId: string) {
  for (let i = 0; i < 600; i++) {
    const r = await reader({ url: `/api/ingest/jobs/${batchId}` });
    if (r.statusCode === 200 && ['done', 'rejected', 'failed'].includes(r.json().status)) return r.json();
    await new Promise((x) => setTimeout(x, 200));
  }
  throw new Error(`batch ${batchId} did not finish`);
}

describe('8: ingest authenticates the source system', () => {
  it('a county admin can no longer push into the province’s non-shared incident source — nor can the province admin', async () => {
    for (const level of ['county', 'province'] as const) {
      const res = await as(
        app,
        level,
        'admin',
        null,
      )({ method: 'POST', url: '/api/ingest/incident', payload: { records: incidentRecords(1) } });
      expect(res.statusCode, `${level} admin`).toBe(403);
      expect(res.json().code).toBe('ONEMAP_ERR_FORBIDDEN');
      const up = await as(
        app,
        level,
        'admin',
        null,
      )({
        method: 'POST',
        url: '/api/ingest/incident/files?name=x.jsonl',
        payload: '{}\n',
        headers: { 'content-type': 'application/x-ndjson' },
      });
      expect(up.statusCode, `${level} admin upload`).toBe(403);
    }
    // Nor can it issue itself a key for a source its unit does not own.
    const issue = await as(
      app,
      'county',
      'admin',
      null,
    )({ method: 'POST', url: '/api/admin/source-keys', payload: { name: 'incident system', sources: ['incident'] } });
    expect(issue.statusCode).toBe(403);
  });

  it('a key delivers only into the sources it is bound to, by push and by upload', async () => {
    const hotelSystem = asSource(app, await sourceKeyFor(app, ['hotel']));
    const wrong = await hotelSystem({
      method: 'POST',
      url: '/api/ingest/incident',
      payload: { records: incidentRecords(1) },
    });
    expect(wrong.statusCode).toBe(403);
    const upload = await hotelSystem({
      method: 'POST',
      url: '/api/ingest/rail/files?name=r.csv',
      payload: 'a,b\n1,2\n',
      headers: { 'content-type': 'text/csv' },
    });
    expect(upload.statusCode).toBe(403);
    const ok = await hotelSystem({
      method: 'POST',
      url: '/api/ingest/hotel',
      payload: { records: [hotelRecord(91001)] },
    });
    expect(ok.statusCode, ok.body).toBe(202);
  });

  it('the owner county’s admin issues keys for its source; another county’s admin cannot; revoking stops the key at once', async () => {
    expect(
      (
        await as(
          app,
          'otherCounty',
          'admin',
          null,
        )({
          method: 'POST',
          url: '/api/admin/source-keys',
          payload: { name: 'checkpoint gateway', sources: ['checkpoint'] },
        })
      ).statusCode,
    ).toBe(403);
    const issued = await as(
      app,
      'county',
      'admin',
      null,
    )({
      method: 'POST',
      url: '/api/admin/source-keys',
      payload: { name: 'checkpoint gateway', sources: ['checkpoint'] },
    });
    expect(issued.statusCode, issued.body).toBe(201);
    const { id, key } = issued.json() as { id: string; key: string };
    expect(key).toMatch(/^osk\.SK-[0-9a-f-]{36}\.[A-Za-z0-9_-]{43}$/);
    // Listed for the county and the province above it, without the secret; not for the other county.
    const listed = (await as(app, 'county', 'admin', null)({ url: '/api/admin/source-keys' })).json().items;
    expect(listed.map((k: { id: string }) => k.id)).toContain(id);
    expect(JSON.stringify(listed)).not.toContain(key.split('.')[2]);
    expect(
      (await as(app, 'province', 'admin', null)({ url: '/api/admin/source-keys' }))
        .json()
        .items.map((k: { id: string }) => k.id),
    ).toContain(id);
    expect(
      (await as(app, 'otherCounty', 'admin', null)({ url: '/api/admin/source-keys' }))
        .json()
        .items.map((k: { id: string }) => k.id),
    ).not.toContain(id);
    expect(
      (await as(app, 'otherCounty', 'admin', null)({ method: 'DELETE', url: `/api/admin/source-keys/${id}` }))
        .statusCode,
    ).toBe(404);
    // Stored hashed: the graph never holds the secret.
    const stored = await readTx(graph, (tx) =>
      tx.run('MATCH (k:SourceKey {id: $id}) RETURN properties(k) AS k', { id }),
    );
    expect(JSON.stringify(stored.records[0]?.get('k'))).not.toContain(key.split('.')[2]);

    const gateway = asSource(app, key);
    const pushed = await gateway({
      method: 'POST',
      url: '/api/ingest/checkpoint',
      payload: { records: sampleRecords('checkpoint', 2) },
    });
    expect(pushed.statusCode, pushed.body).toBe(202);
    // The audit names the key and the principal, not a user.
    const audit = await readTx(graph, (tx) =>
      tx.run(
        "MATCH (a:AuditEntry {route: '/api/ingest/:source'}) WHERE a.user = $u RETURN a.role AS role, a.unit AS unit",
        { u: `source-key:${id}` },
      ),
    );
    expect(audit.records[0]?.toObject()).toEqual({ role: 'source_system', unit: '620102' });

    expect(
      (await as(app, 'county', 'admin', null)({ method: 'DELETE', url: `/api/admin/source-keys/${id}` })).statusCode,
    ).toBe(200);
    const after = await gateway({
      method: 'POST',
      url: '/api/ingest/checkpoint',
      payload: { records: sampleRecords('checkpoint', 3) },
    });
    expect(after.statusCode).toBe(401);
    // A forged or malformed key is refused the same way.
    expect(
      (
        await asSource(
          app,
          `${key.slice(0, -4)}AAAA`,
        )({ method: 'POST', url: '/api/ingest/checkpoint', payload: { records: [{ a: 1 }] } })
      ).statusCode,
    ).toBe(401);
    expect(
      (
        await asSource(
          app,
          'not-a-key',
        )({ method: 'POST', url: '/api/ingest/checkpoint', payload: { records: [{ a: 1 }] } })
      ).statusCode,
    ).toBe(401);
  });

  it('reading batch metadata follows source visibility: a batch of the non-shared incident source is missing for a county admin and for another source’s key', async () => {
    const incidentSystem = asSource(app, await sourceKeyFor(app, ['incident']));
    const res = await incidentSystem({
      method: 'POST',
      url: '/api/ingest/incident',
      payload: { records: incidentRecords(3) },
    });
    expect(res.statusCode, res.body).toBe(202);
    const batchId = res.json().batchId as string;
    const province = as(app, 'province', 'admin', null);
    await waitDone(province, batchId);
    // The key that delivered it reads its own batches.
    expect((await incidentSystem({ url: `/api/ingest/jobs/${batchId}` })).statusCode).toBe(200);
    expect(
      (await province({ url: '/api/ingest/jobs?limit=500' })).json().items.map((b: { batchId: string }) => b.batchId),
    ).toContain(batchId);

    const county = as(app, 'county', 'admin', null);
    const missing = await county({ url: `/api/ingest/jobs/${batchId}` });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().message).toBe(
      (await county({ url: '/api/ingest/jobs/incident.000000000000000000000000' }))
        .json()
        .message.replace('incident.000000000000000000000000', batchId),
    );
    expect((await county({ url: `/api/ingest/jobs/${batchId}/rejects` })).statusCode).toBe(404);
    expect(
      (await county({ url: '/api/ingest/jobs?limit=500' })).json().items.map((b: { source: string }) => b.source),
    ).not.toContain('incident');
    expect((await county({ url: '/api/ingest/jobs?source=incident' })).json().items).toEqual([]);
    const hotelSystem = asSource(app, await sourceKeyFor(app, ['hotel']));
    expect((await hotelSystem({ url: `/api/ingest/jobs/${batchId}` })).statusCode).toBe(404);
    expect(
      (await hotelSystem({ url: '/api/ingest/jobs?limit=500' }))
        .json()
        .items.every((b: { source: string }) => b.source === 'hotel'),
    ).toBe(true);
  });
});
