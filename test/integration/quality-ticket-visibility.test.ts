/** A correction ticket shows a source's record and value: only readers who may see that source read it. */
import { type Graph, writeTx } from '@onemap/graph-schema/server';
import type { FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import { as, useServerApp } from '../helpers/server-app.ts';
import { FX, LEVELS, type LevelName } from '../helpers/server-fixtures.ts';

let app: FastifyInstance;
let graph: Graph;
useServerApp({ RATE_LIMIT_PER_MINUTE: 1_000_000 }, (s) => {
  ({ app, graph } = s);
});

describe('ticket visibility follows the source', () => {
  it('a unit above the reporter that may not see the source neither lists nor opens the ticket; who sees the source reads its notes masked', async () => {
    // fx_cond:1 is in the conditional source the county holds a grant on; the station inherits it.
    const opened = await as(app, 'station', 'officer')({
      method: 'POST',
      url: '/api/quality/tickets',
      payload: { rid: 'fx_cond:1', field: 'person.name', reason: '姓名有误，证件号620102198805051234' },
    });
    expect(opened.statusCode, opened.body).toBe(201);
    const id = opened.json().id as string;
    expect(opened.json().reason).toContain('姓名有误');

    let hidden = 0;
    for (const level of Object.keys(LEVELS) as LevelName[]) {
      const me = as(app, level, 'officer');
      const sees = ((await me({ url: '/api/auth/me' })).json().visibleSources as string[]).includes('fx_cond');
      const listed = ((await me({ url: '/api/quality/tickets' })).json().items as { id: string }[]).some((t) => t.id === id);
      const one = await me({ url: `/api/quality/tickets/${id}` });
      if (!sees) {
        hidden++;
        expect(listed, level).toBe(false);
        expect(one.statusCode, level).toBe(404);
      } else if (one.statusCode === 200) {
        expect(one.json().reason, level).not.toContain('620102198805051234');
      }
    }
    expect(hidden).toBeGreaterThan(0); // the rule was exercised: some unit above or beside does not see fx_cond
  });

  it('a grant for statistics opens aggregates, never a ticket: its values are read under a stated purpose from a source read for it', async () => {
    const grant = 'G-00000000-0000-0000-0000-00000000st01';
    // The city may count the conditional source's records (statistics), nothing more.
    await writeTx(graph, (tx) =>
      tx.run(
        `CREATE (:Grant {id: $grant, unitCode: $city, sourceId: $src, purposes: ['statistics'], expiresAt: datetime($exp), fields: [], revoked: false})`,
        { grant, city: LEVELS.city, src: FX.cond, exp: new Date(Date.now() + 86_400_000).toISOString() },
      ),
    );
    try {
      const opened = await as(app, 'station', 'officer')({ method: 'POST', url: '/api/quality/tickets', payload: { rid: 'fx_cond:4', field: 'person.name', reason: '姓名有误' } });
      expect(opened.statusCode, opened.body).toBe(201);
      const id = opened.json().id as string;
      const ids = async (level: LevelName, purpose: boolean) =>
        ((await as(app, level, 'officer', purpose ? undefined : null)({ url: '/api/quality/tickets' })).json().items as { id: string }[]).map((t) => t.id);
      for (const purpose of [false, true]) {
        expect(await ids('city', purpose), `city, purpose ${purpose}`).not.toContain(id);
        expect((await as(app, 'city', 'officer', purpose ? undefined : null)({ url: `/api/quality/tickets/${id}` })).statusCode).toBe(404);
      }
      // The reporter reads the source through the county's grant for cases: under a purpose only.
      expect(await ids('station', true)).toContain(id);
      expect(await ids('station', false)).not.toContain(id);
      // A malformed purpose is refused, not ignored.
      const bad = await as(app, 'station', 'officer', null)({ url: '/api/quality/tickets', headers: { 'x-onemap-purpose': 'not json' } });
      expect(bad.statusCode, bad.body).toBe(400);
    } finally {
      await writeTx(graph, (tx) => tx.run('MATCH (g:Grant {id: $grant}) DETACH DELETE g', { grant }));
    }
  });
});
