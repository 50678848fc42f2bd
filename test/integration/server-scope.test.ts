/**
 * Issue 12, scope classes: what one unit's users may not reach of another unit's through the API —
 * the audit trail (6), resolution decisions (9), unknown routes audited without the caller (16).
 * Each test is named after the hole it closes.
 */
import { type Graph, readTx, writeTx } from '@onemap/graph-schema/server';
import type { FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import { as, tokenFor, useServerApp } from '../helpers/server-app.ts';
import { E, username } from '../helpers/server-fixtures.ts';

let graph: Graph;
let app: FastifyInstance;
useServerApp({ RATE_LIMIT_PER_MINUTE: 1_000_000 }, (s) => {
  ({ app, graph } = s);
});

let n = 0;
const nonce = () => `scope${process.pid}x${Date.now()}x${n++}`;
const FULL_ID = '620102198805051234';

/** The entries an auditor gets that carry `probe` in their parameters. */
async function auditorSees(level: Parameters<typeof as>[1], probe: string) {
  const res = await as(app, level, 'auditor', null)({ url: '/api/audit/entries?limit=1000' });
  expect(res.statusCode, res.body).toBe(200);
  return (
    res.json().items as {
      seq: number;
      user: string | null;
      unit: string | null;
      paramsJson: string;
      purposeJson: string | null;
    }[]
  ).filter((e) => e.paramsJson.includes(probe));
}

describe('6: the audit trail is scoped to the auditor’s unit and below', () => {
  it('a station auditor no longer reads the county’s and other cities’ searches for full resident IDs', async () => {
    const probe = nonce();
    expect((await as(app, 'county', 'analyst')({ url: `/api/search?q=${FULL_ID}&probe=${probe}` })).statusCode).toBe(
      200,
    );
    expect((await as(app, 'otherCity', 'officer')({ url: `/api/search?q=${FULL_ID}&probe=${probe}` })).statusCode).toBe(
      200,
    );
    expect((await as(app, 'station', 'officer')({ url: `/api/search?q=${FULL_ID}&probe=${probe}` })).statusCode).toBe(
      200,
    );

    const station = await auditorSees('station', probe);
    expect(station.map((e) => e.user)).toEqual([username('station', 'officer')]);
    const county = await auditorSees('county', probe);
    expect(county.map((e) => e.user).sort()).toEqual(
      [username('county', 'analyst'), username('station', 'officer')].sort(),
    );
    const otherCity = await auditorSees('otherCity', probe);
    expect(otherCity.map((e) => e.user)).toEqual([username('otherCity', 'officer')]);
    const province = await auditorSees('province', probe);
    expect(province).toHaveLength(3);
  });

  it('identifiers inside audited parameters are masked for the auditor, whatever its level', async () => {
    const probe = nonce();
    await as(app, 'county', 'analyst')({ url: `/api/search?q=${FULL_ID}&probe=${probe}` });
    await as(app, 'county', 'analyst')({ url: `/api/search?q=${encodeURIComponent('+8613900000009')}&probe=${probe}` });
    for (const level of ['county', 'province'] as const) {
      const seen = await auditorSees(level, probe);
      expect(seen).toHaveLength(2);
      const text = JSON.stringify(seen);
      expect(text).not.toContain(FULL_ID);
      expect(text).not.toContain('13900000009');
      expect(text).toContain('620102********1234');
      expect(text).toContain('+86139****0009');
    }
    // The stored entry keeps the value (its hash covers it): masking is of the answer only.
    const stored = await readTx(graph, (tx) =>
      tx.run('MATCH (a:AuditEntry) WHERE a.paramsJson CONTAINS $probe RETURN a.paramsJson AS p', { probe }),
    );
    expect(stored.records.map((r) => r.get('p') as string).join()).toContain(FULL_ID);
  });

  it('entries without a caller (no token) are for the top unit’s auditor only', async () => {
    const probe = nonce();
    expect((await app.inject({ url: `/api/entities/${E.P1}?probe=${probe}` })).statusCode).toBe(401);
    expect(await auditorSees('province', probe)).toHaveLength(1);
    expect(await auditorSees('city', probe)).toHaveLength(0);
  });

  it('verification stays global but describes only problems at entries in scope; checkpoints follow the same scope', async () => {
    const probe = nonce();
    await as(app, 'otherCity', 'officer')({ url: `/api/search?q=${FULL_ID}&probe=${probe}` });
    const row = await readTx(graph, (tx) =>
      tx.run('MATCH (a:AuditEntry) WHERE a.paramsJson CONTAINS $probe RETURN a.seq AS seq, a.resultCount AS rc', {
        probe,
      }),
    );
    const seq = row.records[0]?.get('seq') as number;
    const rc = row.records[0]?.get('rc');
    // Tamper with the other city's entry, then look as the county's auditor and as the province's.
    await writeTx(graph, (tx) => tx.run('MATCH (a:AuditEntry {seq: $seq}) SET a.resultCount = 999', { seq }));
    try {
      const county = (await as(app, 'county', 'auditor', null)({ url: '/api/audit/verify' })).json();
      expect(county.ok).toBe(false);
      expect(county.problemsOutOfScope).toBeGreaterThanOrEqual(1);
      expect(county.problems.map((p: { seq: number }) => p.seq)).not.toContain(seq);
      const province = (await as(app, 'province', 'auditor', null)({ url: '/api/audit/verify' })).json();
      expect(province.problems).toContainEqual(expect.objectContaining({ seq, kind: 'edited' }));
      expect(province.entries).toBeGreaterThan(county.entries);
    } finally {
      await writeTx(graph, (tx) => tx.run('MATCH (a:AuditEntry {seq: $seq}) SET a.resultCount = $rc', { seq, rc }));
    }
    expect((await as(app, 'province', 'auditor', null)({ url: '/api/audit/verify' })).json().ok).toBe(true);

    // Signing a checkpoint signs the whole trail: the top unit's auditor only.
    expect(
      (await as(app, 'county', 'auditor', null)({ method: 'POST', url: '/api/audit/checkpoints' })).statusCode,
    ).toBe(403);
    await as(app, 'otherCity', 'officer')({ url: `/api/search?q=x&probe=${probe}` });
    const cp = await as(app, 'province', 'auditor', null)({ method: 'POST', url: '/api/audit/checkpoints' });
    expect(cp.statusCode).toBe(201);
    const units = async (seqs: number[]) =>
      readTx(graph, async (tx) =>
        (await tx.run('UNWIND $seqs AS s MATCH (a:AuditEntry {seq: s}) RETURN a.unit AS u', { seqs })).records.map(
          (r) => r.get('u') as string | null,
        ),
      );
    const forCounty = (await as(app, 'county', 'auditor', null)({ url: '/api/audit/checkpoints' })).json()
      .items as { seq: number }[];
    for (const u of await units(forCounty.map((c) => c.seq))) expect(['620102', '620102001']).toContain(u);
    expect(forCounty.map((c) => c.seq)).not.toContain(cp.json().seq);
    const forProvince = (await as(app, 'province', 'auditor', null)({ url: '/api/audit/checkpoints' })).json()
      .items as { seq: number }[];
    expect(forProvince.map((c) => c.seq)).toContain(cp.json().seq);
  });
});

describe('9: resolution decisions follow the visibility of every record they touch', () => {
  it('an analyst who cannot see a record of a merged entity neither lists nor undoes that merge', async () => {
    // P1 has a record in the county's non-shared source; the station below the county does not see it.
    const province = as(app, 'province', 'analyst');
    const merge = await province({
      method: 'POST',
      url: '/api/resolution/merge',
      payload: { survivor: E.P1, merged: [E.P3], reason: '同一手机号，人工确认为同一人' },
    });
    expect(merge.statusCode, merge.body).toBe(201);
    const id = merge.json().id as string;
    // A decision touching only shared records stays visible to the station.
    const open = await province({
      method: 'POST',
      url: '/api/resolution/confirm',
      payload: { eids: ['P-FXC1', 'P-FXC2'], match: false, reason: '不同人' },
    });
    expect(open.statusCode, open.body).toBe(201);

    const station = as(app, 'station', 'analyst');
    const listed = (await station({ url: '/api/resolution/decisions' }))
      .json()
      .items.map((d: { id: string }) => d.id);
    expect(listed).not.toContain(id);
    expect(listed).toContain(open.json().id);
    expect((await station({ url: `/api/resolution/decisions?eid=${E.P3}` })).json().items).toEqual([]);
    const undo = await station({ method: 'POST', url: `/api/resolution/decisions/${id}/undo` });
    expect(undo.statusCode).toBe(404);
    expect(undo.json().code).toBe('ONEMAP_ERR_NOT_FOUND');
    expect(undo.body).toBe(
      (
        await station({ method: 'POST', url: '/api/resolution/decisions/D-00000000-0000-0000-0000-000000000000/undo' })
      ).body.replace('D-00000000-0000-0000-0000-000000000000', id),
    );
    // Another city sees neither the closed nor the conditional source.
    expect(
      (await as(app, 'otherCity', 'analyst')({ url: '/api/resolution/decisions' }))
        .json()
        .items.map((d: { id: string }) => d.id),
    ).not.toContain(id);
    // Nothing moved.
    const still = await readTx(graph, (tx) =>
      tx.run('MATCH (d:ResolutionDecision {id: $id}) RETURN d.undone AS u', { id }),
    );
    expect(still.records[0]?.get('u')).toBe(false);

    // The county owns the closed source and holds the grant: it lists it, but the province made it,
    // so only the province undoes it (a unit reverses its own and its units' decisions).
    const county = as(app, 'county', 'analyst');
    expect(
      (await county({ url: '/api/resolution/decisions' })).json().items.map((d: { id: string }) => d.id),
    ).toContain(id);
    expect((await county({ method: 'POST', url: `/api/resolution/decisions/${id}/undo` })).statusCode).toBe(403);
    const ok = await province({ method: 'POST', url: `/api/resolution/decisions/${id}/undo` });
    expect(ok.statusCode, ok.body).toBe(200);
    // Undone, P3 is back on its own records (all shared), P1 keeps the closed one: still hidden from the station.
    expect(
      (await station({ url: '/api/resolution/decisions' })).json().items.map((d: { id: string }) => d.id),
    ).not.toContain(id);
  });

  it('a confirmation touching a record of a conditional source is hidden from units without the grant for this purpose', async () => {
    const county = as(app, 'county', 'analyst');
    const confirm = await county({
      method: 'POST',
      url: '/api/resolution/confirm',
      payload: { eids: ['P-FX4', 'P-FXC3'], match: false, reason: '不同人' },
    });
    expect(confirm.statusCode, confirm.body).toBe(201);
    const id = confirm.json().id as string;
    expect(
      (await county({ url: '/api/resolution/decisions' })).json().items.map((d: { id: string }) => d.id),
    ).toContain(id);
    // The other county's grant expired; the wrong-purpose county's grant is for administrative cases only.
    expect(
      (await as(app, 'otherCounty', 'analyst')({ url: '/api/resolution/decisions' }))
        .json()
        .items.map((d: { id: string }) => d.id),
    ).not.toContain(id);
    expect(
      (await as(app, 'wrongPurposeCounty', 'analyst')({ url: '/api/resolution/decisions' }))
        .json()
        .items.map((d: { id: string }) => d.id),
    ).not.toContain(id);
  });
});

describe('16: unknown /api routes are audited with the caller', () => {
  it('a valid token on an unknown route leaves an entry naming the user, unit and role', async () => {
    const probe = nonce();
    const res = await as(app, 'county', 'officer', null)({ url: `/api/no/such/route?probe=${probe}` });
    expect(res.statusCode).toBe(404);
    const seen = await auditorSees('province', probe);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ user: username('county', 'officer'), unit: '620102' });
  });

  it('an unknown route answers the same 404 with or without a token; a forged token names nobody', async () => {
    const probe = nonce();
    const anon = await app.inject({ url: `/api/no/such/route?probe=${probe}` });
    const forged = await app.inject({
      url: `/api/no/such/route?probe=${probe}`,
      headers: { authorization: `Bearer ${tokenFor(app, 'county', 'officer')}x` },
    });
    expect(anon.statusCode).toBe(404);
    expect(forged.statusCode).toBe(404);
    expect(forged.json().message).toBe(anon.json().message);
    const seen = await auditorSees('province', probe);
    expect(seen.map((e) => e.user)).toEqual([null, null]);
  });
});
