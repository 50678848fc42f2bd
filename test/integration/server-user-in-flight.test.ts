/**
 * One user's burst of requests runs a few at a time and waits its turn, so it cannot hold every
 * connection of the Neo4j pool (and the audit's) while other users wait (review of 2026-12-07).
 */
import type { FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import { as, useServerApp } from '../helpers/server-app.ts';
import { E } from '../helpers/server-fixtures.ts';

let app: FastifyInstance;
useServerApp({ RATE_LIMIT_PER_MINUTE: 1_000_000, USER_MAX_IN_FLIGHT: 2, USER_MAX_WAITING: 3 }, (s) => {
  ({ app } = s);
});

describe('requests one user has in flight', () => {
  it('queues a burst past the cap and answers all of it; past the line, 429 with a reason', async () => {
    const officer = as(app, 'county', 'officer');
    const five = await Promise.all(Array.from({ length: 5 }, () => officer({ url: `/api/entities/${E.P1}` })));
    expect(five.map((r) => r.statusCode)).toEqual([200, 200, 200, 200, 200]);
    const eight = await Promise.all(Array.from({ length: 8 }, () => officer({ url: `/api/entities/${E.P1}` })));
    const codes = eight.map((r) => r.statusCode);
    expect(codes.filter((c) => c === 200)).toHaveLength(5);
    const refused = eight.filter((r) => r.statusCode === 429);
    expect(refused).toHaveLength(3);
    expect(refused[0]!.json().code).toBe('ONEMAP_ERR_RATE_LIMITED');
    // every slot was given back: the next request runs at once
    expect((await officer({ url: `/api/entities/${E.P1}` })).statusCode).toBe(200);
  });

  it('does not hold another user behind a burst', async () => {
    const officer = as(app, 'county', 'officer');
    const analyst = as(app, 'county', 'analyst');
    const [burst, other] = await Promise.all([
      Promise.all(Array.from({ length: 5 }, () => officer({ url: `/api/entities/${E.P1}` }))),
      analyst({ url: `/api/entities/${E.P1}` }),
    ]);
    expect(burst.every((r) => r.statusCode === 200)).toBe(true);
    expect(other.statusCode).toBe(200);
  });
});
