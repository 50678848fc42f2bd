/** A correction ticket shows a source's record and value: only readers who may see that source read it. */
import type { FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import { as, useServerApp } from '../helpers/server-app.ts';
import { LEVELS, type LevelName } from '../helpers/server-fixtures.ts';

let app: FastifyInstance;
useServerApp({ RATE_LIMIT_PER_MINUTE: 1_000_000 }, (s) => {
  ({ app } = s);
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
});
