import { describe, expect, it, vi } from 'vitest';
import { GroupCommit, groupSizeFor } from './group-commit.ts';
import { GROUP_MAX_PUSHES, REALTIME_CONCURRENCY } from './realtime-ingest.ts';

/**
 * A queue worker with `slots` (BullMQ's concurrency) over a queue that always has jobs waiting:
 * a job holds its slot until its group has flushed. Flushes end only when the test says so.
 * Returns the size of each flush.
 */
async function groupsUnderBacklog(slots: number, maxItems: number, flushes: number): Promise<number[]> {
  const sizes: number[] = [];
  const ends: (() => void)[] = [];
  let inFlight = 0;
  const gc = new GroupCommit<number, number>(
    (items) =>
      new Promise((resolve) => {
        sizes.push(items.length);
        ends.push(() => resolve(items));
      }),
    { maxItems, lingerMs: 0 },
  );
  const fill = () => {
    for (; inFlight < slots; inFlight++) void gc.add(inFlight).then(() => inFlight--);
  };
  fill();
  for (let i = 0; i < flushes; i++) {
    await vi.waitFor(() => expect(sizes).toHaveLength(i + 1));
    fill(); // what the worker takes while the group commits: only its free slots
    ends[i]!();
    await new Promise((r) => setTimeout(r, 0)); // the group's jobs are answered and leave their slots
  }
  return sizes;
}

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

  it('a flush returning `settle` lets the next flush start at once, and answers its callers only when it settles', async () => {
    const flushes: number[][] = [];
    const settles: { resolve: () => void; reject: (e: Error) => void }[] = [];
    const gc = new GroupCommit<number, number>(
      async (items) => {
        flushes.push(items);
        const settle = new Promise<void>((resolve, reject) => settles.push({ resolve, reject }));
        return { results: items.map((i) => i * 10), settle };
      },
      { maxItems: 1, lingerMs: 0 },
    );
    const answered: number[] = [];
    const a = gc.add(1).then((r) => (answered.push(r), r));
    const b = gc.add(2).then((r) => (answered.push(r), r));
    const c = gc.add(3);
    // all three flushed, in order, while no settle has ended
    await vi.waitFor(() => expect(flushes).toEqual([[1], [2], [3]]));
    expect(answered).toEqual([]);
    settles[0]!.resolve();
    expect(await a).toBe(10);
    expect(answered).toEqual([10]);
    settles[1]!.resolve();
    expect(await b).toBe(20);
    // a settle that fails fails its own callers only (their jobs are retried)
    settles[2]!.reject(new Error('redis down'));
    await expect(c).rejects.toThrow('redis down');
    expect(await Promise.all([gc.add(4), (await vi.waitFor(() => settles[3]!)).resolve()])).toEqual([40, undefined]);
  });

  it('inHand counts every item until it is answered: waiting, in a flush, and flushed but not settled; failures too', async () => {
    const settles: { resolve: () => void; reject: (e: Error) => void }[] = [];
    const gc = new GroupCommit<number, number>(
      async (items) => {
        if (items.includes(9)) throw new Error('neo4j down');
        const settle = new Promise<void>((resolve, reject) => settles.push({ resolve, reject }));
        return { results: items, settle };
      },
      { maxItems: 1, lingerMs: 0 },
    );
    expect(gc.inHand).toBe(0);
    const a = gc.add(1);
    const b = gc.add(2);
    expect(gc.inHand).toBe(2);
    // both flushed, neither settled: the flushes have returned, the items are still in hand
    await vi.waitFor(() => expect(settles).toHaveLength(2));
    expect(gc.backlog).toBe(0);
    expect(gc.inHand).toBe(2);
    settles[0]!.resolve();
    await a;
    expect(gc.inHand).toBe(1);
    settles[1]!.reject(new Error('redis down'));
    await expect(b).rejects.toThrow('redis down');
    expect(gc.inHand).toBe(0);
    // a flush that throws answers its items too
    await expect(gc.add(9)).rejects.toThrow('neo4j down');
    expect(gc.inHand).toBe(0);
  });
  it('never puts more than maxItems in one flush', async () => {
    const flushes: number[][] = [];
    const gc = new GroupCommit<number, number>(async (items) => (flushes.push(items), items), {
      maxItems: 3,
      lingerMs: 5,
    });
    await Promise.all([1, 2, 3, 4, 5, 6, 7].map((n) => gc.add(n)));
    expect(flushes.map((f) => f.length)).toEqual([3, 3, 1]);
  });

  it('under a backlog the real-time workers keep every group full, not big and tiny in turn (jobs hold their slot until their group commits)', async () => {
    // what the leader did with 64 slots and no cap on a group: a group of nearly every slot, then one
    // of the few slots left free while it committed, each paying the whole fixed cost of a group
    const before = await groupsUnderBacklog(64, Number.POSITIVE_INFINITY, 6);
    expect(Math.min(...before.slice(1))).toBeLessThan(8);
    const sizes = await groupsUnderBacklog(REALTIME_CONCURRENCY, GROUP_MAX_PUSHES, 6);
    // after the first group (the first job alone, or a full group), every group is a full one
    expect(sizes.slice(1, 6)).toEqual(Array.from({ length: 5 }, () => GROUP_MAX_PUSHES));
  });

  it('a group follows the backlog: a short queue is cut into small groups, a long one gives full groups', async () => {
    const target = (w: number) => groupSizeFor(w, { min: 20, max: 2000 });
    const run = async (pushes: number) => {
      const flushes: number[] = [];
      const gc = new GroupCommit<number, number>(
        async (items) => (flushes.push(items.reduce((a, b) => a + b, 0)), items),
        { size: (n) => n, maxRecords: 2000, maxItems: GROUP_MAX_PUSHES, lingerMs: 5, target },
      );
      await Promise.all(Array.from({ length: pushes }, () => gc.add(10)));
      return flushes;
    };
    // 8 pushes of 10 records waiting: not one 80-record group, but groups of a few pushes
    const short = await run(8);
    expect(short.reduce((a, b) => a + b, 0)).toBe(80);
    expect(Math.max(...short)).toBeLessThanOrEqual(40);
    expect(short.length).toBeGreaterThan(1);
    // 400 pushes waiting (the leader behind): the first groups are as big as the caps allow
    const long = await run(400);
    expect(long.reduce((a, b) => a + b, 0)).toBe(4000);
    expect(long[0]).toBe(GROUP_MAX_PUSHES * 10);
    expect(long[1]).toBe(GROUP_MAX_PUSHES * 10);
  });

  it('groupSizeFor: half of what waits, within its floor and ceiling', () => {
    expect(groupSizeFor(0, { min: 20, max: 2000 })).toBe(20);
    expect(groupSizeFor(60, { min: 20, max: 2000 })).toBe(30);
    expect(groupSizeFor(10_000, { min: 20, max: 2000 })).toBe(2000);
  });
});
