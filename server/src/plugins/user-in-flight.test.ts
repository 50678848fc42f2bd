import { EventEmitter } from 'node:events';
import type { FastifyReply } from 'fastify';
import { describe, expect, it } from 'vitest';
import { UserInFlight } from './user-in-flight.ts';

/** A reply whose raw response the test finishes or closes. */
const reply = () => ({ raw: Object.assign(new EventEmitter(), { destroyed: false }) }) as unknown as FastifyReply & { raw: EventEmitter & { destroyed: boolean } };
const settled = async <T>(p: Promise<T>) => {
  let done = false;
  p.then(
    () => (done = true),
    () => (done = true),
  );
  await new Promise((r) => setImmediate(r));
  return done;
};

describe('UserInFlight', () => {
  it('runs a user\u2019s requests up to the cap, queues the rest in order, and lets other users past', async () => {
    const f = new UserInFlight(2, 10);
    const [a, b, c, d] = [reply(), reply(), reply(), reply()];
    expect(await f.take('u', a)).toBe(true);
    expect(await f.take('u', b)).toBe(true);
    const third = f.take('u', c);
    const fourth = f.take('u', d);
    expect(await settled(third)).toBe(false);
    expect(f.count('u')).toEqual({ running: 2, waiting: 2 });
    // another user is not behind them
    expect(await f.take('v', reply())).toBe(true);
    a.raw.emit('finish');
    a.raw.emit('close'); // both events: the slot is given back once
    expect(await third).toBe(true);
    expect(await settled(fourth)).toBe(false);
    expect(f.count('u')).toEqual({ running: 2, waiting: 1 });
    b.raw.emit('close');
    expect(await fourth).toBe(true);
    c.raw.emit('finish');
    d.raw.emit('finish');
    expect(f.count('u')).toEqual({ running: 0, waiting: 0 });
  });

  it('refuses with 429 when the line is full, and drops a waiter whose client went away', async () => {
    const f = new UserInFlight(1, 1);
    const first = reply();
    await f.take('u', first);
    const gone = reply();
    const waiting = f.take('u', gone);
    await expect(f.take('u', reply())).rejects.toMatchObject({ statusCode: 429 });
    gone.raw.emit('close');
    expect(await waiting).toBe(false);
    expect(f.count('u')).toEqual({ running: 1, waiting: 0 });
    first.raw.emit('finish');
    expect(f.count('u')).toEqual({ running: 0, waiting: 0 });
    expect(await f.take('u', reply())).toBe(true);
  });

  it('gives the slot back at once when the client went away before it was held (its close already came)', async () => {
    const f = new UserInFlight(1, 5);
    const early = reply();
    early.raw.destroyed = true; // hung up while the caller authenticated
    expect(await f.take('u', early)).toBe(false);
    expect(f.count('u')).toEqual({ running: 0, waiting: 0 });
    // and in the line: its turn comes after it hung up, with its close already past
    const first = reply();
    await f.take('u', first);
    const late = reply();
    const waiting = f.take('u', late);
    late.raw.destroyed = true;
    first.raw.emit('finish');
    expect(await waiting).toBe(false);
    expect(f.count('u')).toEqual({ running: 0, waiting: 0 });
    expect(await f.take('u', reply())).toBe(true);
  });
});
