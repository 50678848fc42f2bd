/**
 * Series linking (类案串并) and multi-scene collision (多点碰撞) through the API on the real graph:
 * the series of a case with each link's reasons, what a viewer who may not see a source never gets,
 * masking of the MO summary, purpose, role and audit.
 */
import type { Graph } from '@onemap/graph-schema/server';
import { readTx } from '@onemap/graph-schema/server';
import type { FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import { MASKED, SR, seedMaskedSummaryCase, seedSeriesFixture } from '../helpers/series-fixtures.ts';
import { as, PURPOSE, useServerApp } from '../helpers/server-app.ts';
import { username } from '../helpers/server-fixtures.ts';

let graph: Graph;
let app: FastifyInstance;
useServerApp(
  { RATE_LIMIT_PER_MINUTE: 1_000_000 },
  (s) => {
    ({ app, graph } = s);
  },
  async (graph) => {
    await seedSeriesFixture(graph);
    await seedMaskedSummaryCase(graph);
  },
);

type Link = {
  a: string;
  b: string;
  score: number;
  features: { feature: string; value: unknown; level: string; contribution: number }[];
  sharedWords: string[];
};
const series = (level: 'county' | 'otherCity' | 'province', eid: string = SR.sr1) =>
  as(app, level, 'analyst')({ url: `/api/analysis/series?eid=${eid}` });
const feature = (l: Link, name: string) => l.features.find((f) => f.feature === name);
const linkOf = (links: Link[], x: string, y: string) =>
  links.find((l) => (l.a === x && l.b === y) || (l.a === y && l.b === x));
/** Every eid an answer mentions anywhere. */
const mentioned = (body: unknown) => new Set(JSON.stringify(body).match(/[A-Z]-[A-Z0-9-]+/g) ?? []);

describe('GET /api/analysis/series: a case’s likely series with reasons', () => {
  it('links the cases of one offender (shared suspect, his car near the scenes) and not the look-alike or another type', async () => {
    const res = await series('county');
    expect(res.statusCode).toBe(200);
    const b = res.json();
    const members = b.cases
      .filter((c: any) => c.inSeries)
      .map((c: any) => c.entity.eid)
      .sort();
    expect(members).toEqual([SR.sr1, SR.sr2, SR.sr3, SR.sr4, MASKED.sr5].sort());
    expect(members).not.toContain(SR.la1);
    expect(mentioned(b).has(SR.ot1)).toBe(false);
    // cases come by time, placed for the map
    const times = b.cases.map((c: any) => c.occurredAt);
    expect([...times].sort()).toEqual(times);
    expect(b.cases.find((c: any) => c.entity.eid === SR.sr1)).toMatchObject({
      caseType: '盗窃',
      occurredAt: '2026-12-01T02:10:00+08:00',
      lon: 103.83,
      lat: 36.06,
    });
  });

  it('explains each link: the shared suspect, phone and car; the car near both scenes; contributions summing to the score', async () => {
    const b = (await series('county')).json();
    const l12 = linkOf(b.links, SR.sr1, SR.sr2) as Link;
    expect(feature(l12, 'sharedEntities')?.value).toEqual(expect.arrayContaining([SR.offender, SR.phone, SR.car]));
    expect(feature(l12, 'sharedEntities')?.contribution).toBeGreaterThan(0);
    const l13 = linkOf(b.links, SR.sr1, SR.sr3) as Link;
    expect(feature(l13, 'sharedEntities')?.value).toEqual([]);
    expect(feature(l13, 'trajectory')?.value).toEqual(expect.arrayContaining([SR.car, SR.offender]));
    // someone routinely near a scene (sighted there on 3+ days around it) is not evidence
    expect(feature(l13, 'trajectory')?.value).not.toContain(SR.commuter);
    for (const l of b.links as Link[]) {
      expect(l.score).toBeCloseTo(
        l.features.reduce((s, f) => s + f.contribution, 0),
        1,
      );
      expect(l.features.map((f) => f.feature)).toEqual([
        'caseType',
        'moText',
        'spaceTime',
        'timeOfDay',
        'sharedEntities',
        'trajectory',
      ]);
    }
    expect(b.links.some((l: Link) => l.score >= b.threshold)).toBe(true);
    // the names behind the reasons, as the viewer may see them
    expect(b.entities.map((e: any) => e.eid)).toEqual(expect.arrayContaining([SR.offender, SR.car]));
  });

  it('lists the look-alike as a near miss with its reasons, not as part of the series', async () => {
    const b = (await series('county')).json();
    const la = b.cases.find((c: any) => c.entity.eid === SR.la1);
    if (la) expect(la.inSeries).toBe(false);
    for (const l of b.links as Link[]) expect([l.a, l.b]).not.toContain(SR.la1);
  });

  it('never shows a case the viewer cannot see: another city gets the series without the non-shared case, anywhere in the answer', async () => {
    const b = (await series('otherCity')).json();
    const m = mentioned(b);
    expect(m.has(SR.sr4)).toBe(false);
    expect(m.has(SR.hidden)).toBe(false);
    const members = b.cases.filter((c: any) => c.inSeries).map((c: any) => c.entity.eid);
    expect(members).toEqual(expect.arrayContaining([SR.sr1, SR.sr2]));
    // and asking from that case answers exactly like a case that does not exist
    const hidden = await series('otherCity', SR.sr4);
    const missing = await series('otherCity', 'C-SR-NOPE');
    expect(hidden.statusCode).toBe(404);
    expect(missing.statusCode).toBe(404);
    expect(hidden.json().code).toBe(missing.json().code);
  });

  it('compares MO summaries only where the viewer may read them; a masked summary is “masked”, not dissimilar', async () => {
    // another city sees SR5 (same suspect) with its grade-4 summary masked: never compared, no shared words
    const other = (await series('otherCity')).json();
    const sr5 = other.cases.find((c: any) => c.entity.eid === MASKED.sr5);
    expect(sr5).toMatchObject({ inSeries: true, description: { masked: true } });
    expect(sr5.description.value).not.toContain('锡纸');
    const masked = linkOf(other.links, SR.sr1, MASKED.sr5) as Link;
    expect(feature(masked, 'moText')).toMatchObject({ level: 'masked', value: null, contribution: 0 });
    expect(masked.sharedWords).toEqual([]);
    // the owner county reads it and gets it compared
    const owner = (await series('county')).json();
    expect(owner.cases.find((c: any) => c.entity.eid === MASKED.sr5).description).toMatchObject({ masked: false });
    const plainLink = linkOf(owner.links, SR.sr1, MASKED.sr5) as Link;
    expect(typeof feature(plainLink, 'moText')?.value).toBe('number');
    expect(plainLink.sharedWords).toContain('锡纸');
    const b = owner;
    for (const c of b.cases) {
      const masked = c.description?.masked ?? true;
      const links = (b.links as Link[]).filter((l) => l.a === c.entity.eid || l.b === c.entity.eid);
      for (const l of links) {
        const mo = feature(l, 'moText');
        if (masked) {
          expect(mo?.level).toBe('masked');
          expect(mo?.contribution).toBe(0);
          expect(l.sharedWords).toEqual([]);
        }
      }
    }
    const plain = (b.cases as any[]).filter((c) => c.description && !c.description.masked).map((c) => c.entity.eid);
    if (plain.includes(SR.sr1) && plain.includes(SR.sr3)) {
      const l = linkOf(b.links, SR.sr1, SR.sr3) as Link;
      expect(typeof feature(l, 'moText')?.value).toBe('number');
      expect(l.sharedWords).toContain('锡纸');
    }
  });

  it('a `limit` that cuts the series keeps the case asked about and says truncated', async () => {
    const b = (await as(app, 'county', 'analyst')({ url: `/api/analysis/series?eid=${SR.sr3}&limit=1` })).json();
    const members = b.cases.filter((c: { inSeries: boolean }) => c.inSeries).map((c: { entity: { eid: string } }) => c.entity.eid);
    expect(members).toHaveLength(2);
    expect(members).toContain(SR.sr3);
    expect(b.truncated).toBe(true);
  });

  it('takes cases only (400 ONEMAP_ERR_NOT_A_CASE), needs a purpose (428) and the analyst role (403)', async () => {
    const person = await series('county', SR.offender);
    expect(person.statusCode).toBe(400);
    expect(person.json().code).toBe('ONEMAP_ERR_NOT_A_CASE');
    expect((await as(app, 'county', 'analyst', null)({ url: `/api/analysis/series?eid=${SR.sr1}` })).statusCode).toBe(
      428,
    );
    expect((await as(app, 'county', 'planner')({ url: `/api/analysis/series?eid=${SR.sr1}` })).statusCode).toBe(403);
    expect((await as(app, 'county', 'analyst')({ url: '/api/analysis/series?eid=bad%20id' })).statusCode).toBe(400);
  });

  it('is audited with who, purpose and the number of cases answered', async () => {
    const res = await series('county', SR.sr2);
    const rows = await readTx(graph, async (tx) =>
      (
        await tx.run(
          "MATCH (a:AuditEntry) WHERE a.route = '/api/analysis/series' AND a.paramsJson CONTAINS $eid RETURN properties(a) AS a ORDER BY a.seq DESC LIMIT 1",
          { eid: SR.sr2 },
        )
      ).records.map((x) => x.get('a')),
    );
    expect(rows[0]).toMatchObject({ user: username('county', 'analyst'), outcome: 'allowed', status: 200 });
    expect(Number(rows[0].resultCount)).toBe(res.json().cases.length);
    expect(JSON.parse(rows[0].purposeJson)).toEqual(PURPOSE);
  });
});

describe('POST /api/analysis/scene-collision: who was near these scenes at those times', () => {
  const body = { cases: [SR.sr1, SR.sr2, SR.sr3], radiusM: 1000, beforeMinutes: 180, afterMinutes: 120 };
  const post = (level: 'county' | 'otherCity', payload: object = body) =>
    as(app, level, 'analyst')({ method: 'POST', url: '/api/analysis/scene-collision', payload });

  it('ranks by the number of scenes: the walker near all three first, the car near two, nobody near only one', async () => {
    const res = await post('county');
    expect(res.statusCode).toBe(200);
    const b = res.json();
    expect(b.scenes.map((s: any) => s.case.eid)).toEqual(body.cases);
    expect(b.matches[0]).toMatchObject({ entity: { eid: SR.walker }, scenes: 3 });
    expect(b.matches[0].hits.map((h: any) => h.window)).toEqual([0, 1, 2]);
    const car = b.matches.find((m: any) => m.entity.eid === SR.car);
    expect(car).toMatchObject({ scenes: 2 });
    expect(car.hits.map((h: any) => h.window)).toEqual([0, 2]);
    expect(b.matches.map((m: any) => m.entity.eid)).not.toContain(SR.one);
    for (let i = 1; i < b.matches.length; i++) expect(b.matches[i].scenes).toBeLessThanOrEqual(b.matches[i - 1].scenes);
    // sightings of the non-shared source count for a unit that may see it
    expect(b.matches.find((m: any) => m.entity.eid === SR.hidden)).toMatchObject({ scenes: 2 });
  });

  it('minScenes 1 lets the one-scene subject in; a narrow window in time leaves the car out', async () => {
    const all = (await post('county', { ...body, minScenes: 1 })).json();
    expect(all.matches.map((m: any) => m.entity.eid)).toContain(SR.one);
    const narrow = (await post('county', { ...body, beforeMinutes: 10 })).json();
    expect(narrow.matches.map((m: any) => m.entity.eid)).not.toContain(SR.car);
  });

  it('never counts a sighting the viewer may not see, and a case the viewer cannot see is a 404', async () => {
    const b = (await post('otherCity')).json();
    expect(mentioned(b).has(SR.hidden)).toBe(false);
    const hidden = await post('otherCity', { ...body, cases: [SR.sr1, SR.sr4] });
    expect(hidden.statusCode).toBe(404);
  });

  it('refuses bad bodies with a clear 400: one case, a person, an unknown field', async () => {
    expect((await post('county', { cases: [SR.sr1] })).statusCode).toBe(400);
    const person = await post('county', { cases: [SR.sr1, SR.offender] });
    expect(person.statusCode).toBe(400);
    expect(person.json().code).toBe('ONEMAP_ERR_NOT_A_CASE');
    expect((await post('county', { ...body, radiusKm: 3 })).statusCode).toBe(400);
  });
});
