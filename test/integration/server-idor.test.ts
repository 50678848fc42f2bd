/**
 * Trying to read another unit's non-shared data without asking for it by name: guessing ids
 * (IDOR), walking paths, reading aggregates and searching. The station officer and the other
 * county's analyst must learn nothing of P-FX2 (only in fx_closed, owned by county 620102),
 * of the case, or of P-FX1's non-shared phone.
 */
import type { FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import { as, useServerApp } from '../helpers/server-app.ts';
import { E } from '../helpers/server-fixtures.ts';

let app: FastifyInstance;
useServerApp({ RATE_LIMIT_PER_MINUTE: 1_000_000 }, (s) => {
  ({ app } = s);
});

const SECRET = [E.P2, E.case, E.far, 'P-FXD1', 'P-FXD2'];
const WINDOW = 'from=2026-11-01T00:00:00Z&to=2026-11-03T00:00:00Z';

function noSecrets(body: string) {
  for (const s of [...SECRET, '李娜', '13900000009', '620102199202021111', '七里河区秘密路', 'A6201022026110001', 'fx_closed']) {
    expect(body, `answer leaks ${s}`).not.toContain(s);
  }
}

describe('guessing ids (IDOR)', () => {
  for (const eid of SECRET) {
    it(`a station officer asking for ${eid} gets the same 404 as for an id that does not exist`, async () => {
      const me = as(app, 'station', 'analyst');
      const hidden = await me({ url: `/api/entities/${eid}` });
      const missing = await me({ url: '/api/entities/P-NOSUCHENTITY' });
      expect(hidden.statusCode).toBe(404);
      expect(missing.statusCode).toBe(404);
      expect(hidden.json().code).toBe(missing.json().code);
      expect(hidden.json().message.replace(eid, 'X')).toBe(missing.json().message.replace('P-NOSUCHENTITY', 'X'));
      for (const sub of ['relations', `trajectory?${WINDOW}`]) expect((await me({ url: `/api/entities/${eid}/${sub}` })).statusCode).toBe(404);
      expect((await me({ url: `/api/analysis/co-location?eid=${eid}&${WINDOW}` })).statusCode).toBe(404);
      expect((await me({ method: 'POST', url: '/api/watches', payload: { eid } })).statusCode).toBe(404);
      expect((await me({ method: 'POST', url: '/api/resolution/merge', payload: { survivor: E.P1, merged: [eid], reason: '试探' } })).statusCode).toBe(404);
      expect((await me({ method: 'POST', url: '/api/resolution/confirm', payload: { eids: [E.P1, eid], match: true, reason: '试探' } })).statusCode).toBe(404);
    });
  }

  it('a split cannot name a record of a source the viewer may not see, and answers as for a record the entity does not hold', async () => {
    // P1 holds that record (the station may not see it); P3, seen whole, does not: the two answers
    // must not tell them apart — a record the viewer may not see is one they cannot name.
    const res = await as(app, 'station', 'analyst')({ method: 'POST', url: '/api/resolution/split', payload: { eid: E.P1, rids: ['fx_closed:1'], reason: '试探' } });
    const other = await as(app, 'station', 'analyst')({ method: 'POST', url: '/api/resolution/split', payload: { eid: E.P3, rids: ['fx_closed:1'], reason: '试探' } });
    expect(res.statusCode).toBe(400);
    expect(other.statusCode).toBe(400);
    expect(res.json().message.replace(E.P1, 'X')).toBe(other.json().message.replace(E.P3, 'X'));
  });
});

describe('through paths', () => {
  it('no path runs through a non-shared edge, and the endpoints behind one are not found', async () => {
    const me = as(app, 'otherCounty', 'analyst');
    expect((await me({ url: `/api/paths?from=${E.P1}&to=${E.P2}` })).statusCode).toBe(404);
    const p4 = await me({ url: `/api/paths?from=${E.P1}&to=${E.P4}&maxHops=6` });
    // P4 is only in fx_cond (expired grant for 620103): not even the endpoint is visible.
    expect(p4.statusCode).toBe(404);
    const deep = await me({ url: `/api/entities/${E.P1}/relations?depth=3&limit=1000` });
    expect(deep.statusCode).toBe(200);
    noSecrets(deep.body);
    expect(deep.body).not.toContain(E.P4);
  });

  it('the county that owns the source does see the same path', async () => {
    const res = await as(app, 'county', 'analyst')({ url: `/api/paths?from=${E.P1}&to=${E.P2}` });
    expect(res.statusCode).toBe(200);
    expect(res.json().paths[0].nodes.map((n: { eid: string }) => n.eid)).toEqual([E.P1, E.case, E.P2]);
  });
});

describe('through aggregates', () => {
  for (const layer of [`jurisdictions?${WINDOW}`, `jurisdictions?${WINDOW}&level=city`, `hexbin?${WINDOW}`, `heat?${WINDOW}`, `trend?${WINDOW}`, 'facilities']) {
    it(`${layer.split('?')[0]} counts nothing from the non-shared source for a planner of another city`, async () => {
      const mine = await as(app, 'otherCity', 'planner', null)({ url: `/api/layers/${layer}` });
      const owner = await as(app, 'county', 'planner', null)({ url: `/api/layers/${layer}` });
      expect(mine.statusCode).toBe(200);
      noSecrets(mine.body);
      // the owner sees more, so the difference is real (in what the layers say, not in when they were computed)
      const { computedAt: _m, ...mineSaid } = mine.json();
      const { computedAt: _o, ...ownerSaid } = owner.json();
      expect(mineSaid).not.toEqual(ownerSaid);
    });
  }

  it('the trend of the other city never includes the 6 non-shared persons', async () => {
    const res = await as(app, 'otherCity', 'planner', null)({ url: `/api/layers/trend?${WINDOW}` });
    // 6 persons and 6 traces, published rounded to a multiple of 5 (issue 12.11); with the non-shared 6 it would be 10
    expect(res.json().days).toEqual([{ day: '2026-11-02', persons: 5, traces: 5 }]);
  });

  it('a planner cannot reach individual data at all', async () => {
    for (const url of [`/api/entities/${E.P1}`, '/api/search?q=zhang', `/api/entities/${E.P1}/trajectory?${WINDOW}`]) {
      const res = await as(app, 'province', 'planner')({ url });
      expect(res.statusCode).toBe(403);
    }
  });
});

describe('through search', () => {
  for (const q of ['李娜', 'li na', 'lina', '620102199202021111', '13900000009', '+8613900000009', 'A6201022026110001', '七里河测试宾馆', 'P-FXD1']) {
    it(`"${q}" finds nothing hidden for a station officer`, async () => {
      const res = await as(app, 'station', 'officer')({ url: `/api/search?q=${encodeURIComponent(q)}` });
      expect(res.statusCode).toBe(200);
      noSecrets(res.body);
      expect(res.json().total).toBe(0);
    });
  }

  it('a visible person is still found by what the viewer may see, with masked values', async () => {
    // by name: the phone the viewer sees only masked (+86138****0001) no longer finds anyone, or
    // search would confirm guesses of the hidden digits (issue 12.14, server-derived-masking.test.ts)
    const res = await as(app, 'otherCity', 'officer')({ url: `/api/search?q=${encodeURIComponent('张伟')}` });
    expect(res.json().items.map((i: { eid: string }) => i.eid)).toEqual([E.P1]);
    noSecrets(res.body);
    const profile = await as(app, 'otherCity', 'officer')({ url: `/api/entities/${E.P1}` });
    expect(profile.json().golden.phone).toMatchObject({ value: '+86138****0001', masked: true });
    const byPhone = await as(app, 'province', 'officer')({ url: '/api/search?q=13800000001' });
    expect(byPhone.json().items.map((i: { eid: string }) => i.eid).sort()).toEqual([E.P1, E.phone].sort());
  });

  it('a home seen through a grant without address rights shows no address', async () => {
    const res = await as(app, 'station', 'officer')({ url: `/api/entities/${E.home}` });
    expect(res.statusCode).toBe(200);
    expect(res.body).not.toContain('张苏滩路88号');
    const traj = await as(app, 'station', 'officer')({ url: `/api/entities/${E.P1}/trajectory?${WINDOW}` });
    expect(traj.body).not.toContain('张苏滩路88号');
    expect(traj.body).not.toContain('103.8612');
  });

  it('the profile of a visible person carries nothing from the hidden source', async () => {
    const res = await as(app, 'station', 'officer')({ url: `/api/entities/${E.P1}` });
    expect(res.statusCode).toBe(200);
    noSecrets(res.body);
  });
});
