import { describe, expect, it } from 'vitest';
import { GroupCommit } from './group-commit.ts';

describe('GroupCommit', () => {
  it('flushes what waits together, one flush at a time, and answers each caller with its own result', async () => {
    const flushes: number[][] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const gc = new GroupCommit<number, string>(
      async (items) => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        flushes.push(items);
        await new Promise((r) => setTimeout(r, 20));
        inFlight--;
        return items.map((i) => `done ${i}`);
      },
      { lingerMs: 0 },
    );
    const first = gc.add(1);
    const rest = [2, 3, 4, 5].map((i) => gc.add(i));
    expect(await Promise.all([first, ...rest])).toEqual(['done 1', 'done 2', 'done 3', 'done 4', 'done 5']);
    expect(maxInFlight).toBe(1);
    expect(flushes.flat()).toEqual([1, 2, 3, 4, 5]);
    expect(flushes.length).toBeLessThan(5);
  });

  it('never puts more than maxRecords in one flush (a bigger single item goes alone)', async () => {
    const flushes: number[][] = [];
    const gc = new GroupCommit<number, number>(async (items) => (flushes.push(items), items), {
      size: (n) => n,
      maxRecords: 10,
      lingerMs: 5,
    });
    await Promise.all([4, 4, 4, 30, 1].map((n) => gc.add(n)));
    for (const f of flushes) if (f.length > 1) expect(f.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(10);
    expect(flushes.flat().sort((a, b) => a - b)).toEqual([1, 4, 4, 4, 30]);
  });

  it('a failed flush rejects exactly the callers in it; later items still flush', async () => {
    let calls = 0;
    const gc = new GroupCommit<number, number>(async (items) => {
      calls++;
      if (calls === 1) throw new Error('neo4j down');
      return items;
    });
    const a = gc.add(1);
    await expect(a).rejects.toThrow('neo4j down');
    expect(await gc.add(2)).toBe(2);
  });
});
