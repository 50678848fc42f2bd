import { describe, expect, it } from 'vitest';
import { EventLoopSlices } from './event-loop-slices.ts';

describe('EventLoopSlices', () => {
  it('lets a pending callback run during a long loop, not only after it', async () => {
    const slices = new EventLoopSlices(1);
    let ranDuringLoop = false;
    let loopDone = false;
    setImmediate(() => {
      ranDuringLoop = !loopDone;
    });
    const until = performance.now() + 20;
    while (performance.now() < until) await slices.next();
    loopDone = true;
    expect(ranDuringLoop).toBe(true);
  });

  it('is due only once its slice has lasted, and turning starts a new slice', async () => {
    const slices = new EventLoopSlices(60_000);
    expect(slices.due()).toBe(false);
    const spent = new EventLoopSlices(0);
    expect(spent.due()).toBe(true);
    let ran = false;
    setImmediate(() => {
      ran = true;
    });
    await spent.turn();
    expect(ran).toBe(true);
  });

  it('does not yield while the slice lasts', async () => {
    const slices = new EventLoopSlices(60_000);
    let ran = false;
    setImmediate(() => {
      ran = true;
    });
    for (let i = 0; i < 1000; i++) await slices.next();
    expect(ran).toBe(false);
  });
});
