import { describe, expect, it } from 'vitest';
import { hexAggregate } from './hex-aggregate.ts';

describe('hexAggregate', () => {
  it('lets the event loop turn during a large aggregate (a layer refresh must not stall the server)', async () => {
    // 50,000 places: far more than one slice of work on any machine
    const points = Array.from({ length: 50_000 }, (_, i) => ({
      lon: 103 + (i % 1000) / 1000,
      lat: 36 + Math.floor(i / 1000) / 1000,
      subjects: [`P-${i % 7000}`],
      traces: 2,
    }));
    let done = false;
    let turnedBeforeDone = false;
    setImmediate(() => {
      turnedBeforeDone = !done;
    });
    const cells = await hexAggregate(points, { resolution: 9 });
    done = true;
    expect(turnedBeforeDone).toBe(true);
    // nothing lost to the slicing: every trace counted once, cells sorted by distinct subjects
    expect(cells.reduce((a, c) => a + c.traces, 0)).toBe(100_000);
    expect(cells.every((c, k) => k === 0 || (cells[k - 1] as { subjects: number }).subjects >= c.subjects)).toBe(true);
  });
});
