/**
 * Findings of the ninth security review (s9rev), each kept as the probe that failed before its
 * fix: two entities the caller sees alike — or one asked before and after a fact the caller may
 * not learn — must answer alike.
 * - N1 identifiers: an identifier edge (`HAS_IDENTIFIER`, one per entity and identifier) is stamped
 *   with the source of the FIRST record that stated it; its later records are only in `rids`. Every
 *   read took the edge as visible by that stamp alone, so a hidden source stating a phone first
 *   took it out of the profile, the last-digits search and the masking of completing values for a
 *   viewer whose own record states it: the missing identifier said "a hidden source (another
 *   unit's non-shared one) knew this phone before you". An edge is now seen through any of its
 *   records of a visible source (`IDENTIFIER_SEEN` in repositories/cypher.ts).
 */
import { type Graph, writeTx } from '@onemap/graph-schema/server';
import type { FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import { as, useServerApp } from '../helpers/server-app.ts';
import { FX } from '../helpers/server-fixtures.ts';

let app: FastifyInstance;

/** Two persons the station officer sees alike: a fx_open record states each one's phone. */
const N1 = {
  /** the phone was stated first by the station's own (open) source */
  openFirst: { eid: 'P-R9I1', phone: '+8613700009901', tail: '9901' },
  /** the phone was stated first by fx_closed (620102's, not shared: the station does not see it) */
  hiddenFirst: { eid: 'P-R9I2', phone: '+8613700009902', tail: '9902' },
};

async function seedN1(g: Graph) {
  await writeTx(g, async (tx) => {
    const person = (eid: string, name: string, phone: string, first: string, second: string | null) => ({
      eid,
      name,
      phone,
      inSources: [first, ...(second ? [second] : [])].sort(),
      records: [
        { rid: `${first}:${eid}`, source: first, at: '2026-10-01T00:00:00Z' },
        ...(second ? [{ rid: `${second}:${eid}`, source: second, at: '2026-10-05T00:00:00Z' }] : []),
      ],
    });
    const people = [
      person(N1.openFirst.eid, '孙九甲', N1.openFirst.phone, FX.open, null),
      person(N1.hiddenFirst.eid, '孙九乙', N1.hiddenFirst.phone, FX.closed, FX.open),
    ];
    await tx.run(
      `UNWIND $people AS p
       CREATE (e:Entity:Person {eid: p.eid, name: p.name, searchText: p.name + ' ' + p.phone, inSources: p.inSources,
                                provenance: '{"name":{"source":"' + $open + '","rid":"' + $open + ':' + p.eid + '"}}'})
       MERGE (i:Identifier {kind: 'phone', value: p.phone})
       // one edge per entity and identifier, stamped by the first record that stated it (the chunk writer's shape)
       CREATE (e)-[:HAS_IDENTIFIER {source: p.records[0].source, rid: p.records[0].rid, rids: [r IN p.records | r.rid]}]->(i)
       WITH e, p
       UNWIND p.records AS x
       CREATE (r:SourceRecord {rid: x.rid, source: x.source, recordId: p.eid, receivedAt: datetime(x.at),
                               attrs: '{"person":{"name":"' + p.name + '","phone":"' + p.phone + '"}}'})
       CREATE (r)-[:RESOLVED_TO {role: 'person', decision: 'anchor', score: 1.0, at: datetime()}]->(e)`,
      { people, open: FX.open },
    );
  });
}

useServerApp(
  { RATE_LIMIT_PER_MINUTE: 1_000_000 },
  (s) => {
    ({ app } = s);
  },
  async (g) => {
    await seedN1(g);
  },
);

const stationOfficer = () => as(app, 'station', 'officer');

describe('N1: an identifier a visible record states is seen, whichever source stated it first', () => {
  const profileIdentifiers = async (eid: string) => {
    const res = await stationOfficer()({ url: `/api/entities/${eid}` });
    expect(res.statusCode).toBe(200);
    return (res.json() as { identifiers: { kind: string; value: string; masked: boolean; source: string }[] })
      .identifiers;
  };
  const searchEids = async (q: string) => {
    const res = await stationOfficer()({ url: `/api/search?q=${encodeURIComponent(q)}` });
    expect(res.statusCode).toBe(200);
    return (res.json() as { items: { eid: string }[] }).items.map((h) => h.eid);
  };

  it('the profile lists the phone its visible record states, through that record, for both persons', async () => {
    for (const p of [N1.openFirst, N1.hiddenFirst]) {
      const ids = await profileIdentifiers(p.eid);
      expect(ids).toEqual([
        { kind: 'phone', value: `${p.phone.slice(0, 6)}****${p.tail}`, masked: true, source: FX.open },
      ]);
    }
  });

  it('the last digits the mask shows find both persons', async () => {
    expect(await searchEids(N1.openFirst.tail)).toEqual([N1.openFirst.eid]);
    expect(await searchEids(N1.hiddenFirst.tail)).toEqual([N1.hiddenFirst.eid]);
  });
});
