import { describe, expect, it } from 'vitest';
import { LayerBusyError, LayerCache, type LayerCacheOptions, LayerComputingError } from './layer-cache.ts';

/** A promise settled from outside, for a computation the test finishes when it chooses. */
function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** A cache on a clock the test moves, and a compute function counting its calls. */
function setup(o: Partial<LayerCacheOptions> = {}) {
  const clock = { t: 1_000_000 };
  const cache = new LayerCache({
    ttlMs: 30_000,
    waitMs: 1_000,
    maxStaleMs: 600_000,
    maxComputing: 2,
    maxQueued: 10,
    maxPerOwner: 50,
    maxEntries: 100,
    defaultRetryAfterS: 10,
    now: () => clock.t,
    ...o,
  });
  const runs: Array<ReturnType<typeof deferred<string>>> = [];
  const compute = () => {
    const d = deferred<string>();
    runs.push(d);
    return d.promise;
  };
  return { cache, clock, runs, compute };
}

/** Lets settled promises' callbacks run. */
const tick = () => new Promise((r) => setTimeout(r, 0));

describe('LayerCache', () => {
  it('callers of a cold key share one computation and get its answer', async () => {
    const { cache, runs, compute } = setup();
    const a = cache.get('k', compute);
    const b = cache.get('k', compute);
    await tick();
    expect(runs).toHaveLength(1);
    await tick();
    runs[0]?.resolve('answer');
    expect((await a).value).toBe('answer');
    expect((await b).value).toBe('answer');
    expect((await cache.get('k', compute)).value).toBe('answer');
    expect(runs).toHaveLength(1);
  });

  it('a caller waits at most waitMs, then gets LayerComputingError; the computation goes on and its answer is kept', async () => {
    const { cache, runs, compute } = setup({ waitMs: 20 });
    const first = await cache.get('k', compute).catch((e: unknown) => e);
    expect(first).toBeInstanceOf(LayerComputingError);
    expect((first as LayerComputingError).retryAfterS).toBe(10);
    await tick();
    runs[0]?.resolve('late answer');
    await tick();
    expect((await cache.get('k', compute)).value).toBe('late answer');
    expect(runs).toHaveLength(1);
  });

  it('the retry hint is what the key took last time minus what the computation under way has run', async () => {
    const { cache, clock, runs, compute } = setup({ waitMs: 0, maxStaleMs: 60_000 });
    await cache.get('k', compute).catch(() => {});
    clock.t += 45_000;
    await tick();
    runs[0]?.resolve('v1');
    await tick();
    clock.t += 200_000; // past max stale: a cold key again
    await cache.get('k', compute).catch(() => {});
    clock.t += 15_000;
    const e = await cache.get('k', compute).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(LayerComputingError);
    expect((e as LayerComputingError).retryAfterS).toBe(30);
    clock.t += 40_000; // past what it took last time: asked again after a quarter of that
    const over = await cache.get('k', compute).catch((x: unknown) => x);
    expect((over as LayerComputingError).retryAfterS).toBe(12);
  });

  it('an expired answer is served at once while ONE refresh runs, then the refreshed one', async () => {
    const { cache, clock, runs, compute } = setup();
    const cold = cache.get('k', compute);
    await tick();
    runs[0]?.resolve('old');
    const computedAt = (await cold).computedAt;
    clock.t += 31_000;
    const stale = await Promise.all([cache.get('k', compute), cache.get('k', compute), cache.get('k', compute)]);
    expect(stale.map((r) => r.value)).toEqual(['old', 'old', 'old']);
    expect(stale[0]?.computedAt).toBe(computedAt);
    expect(runs).toHaveLength(2);
    await tick();
    runs[1]?.resolve('new');
    await tick();
    const fresh = await cache.get('k', compute);
    expect(fresh.value).toBe('new');
    expect(fresh.computedAt).toBe(clock.t);
    expect(runs).toHaveLength(2);
  });

  it('an answer older than maxStaleMs is not served: the caller waits for a new computation', async () => {
    const { cache, clock, runs, compute } = setup({ waitMs: 0 });
    const cold = cache.get('k', compute).catch(() => null);
    await tick();
    runs[0]?.resolve('old');
    await cold;
    await tick();
    clock.t += 600_001;
    await expect(cache.get('k', compute)).rejects.toBeInstanceOf(LayerComputingError);
    expect(runs).toHaveLength(2);
  });

  it('an answer of an older governance epoch is served while fresh but never stale', async () => {
    const { cache, clock, runs, compute } = setup({ waitMs: 0 });
    const cold = cache.get('k', compute, 1).catch(() => null);
    await tick();
    runs[0]?.resolve('epoch 1');
    await cold;
    await tick();
    expect((await cache.get('k', compute, 2)).value).toBe('epoch 1');
    clock.t += 31_000;
    await expect(cache.get('k', compute, 2)).rejects.toBeInstanceOf(LayerComputingError);
  });

  it('at most maxComputing computations run at once; the others start as slots free', async () => {
    const { cache, runs, compute } = setup({ maxComputing: 2 });
    const answers = ['a', 'b', 'c'].map((k) => cache.get(k, compute));
    await tick();
    expect(runs).toHaveLength(2);
    await tick();
    runs[0]?.resolve('A');
    await tick();
    expect(runs).toHaveLength(3);
    await tick();
    runs[1]?.resolve('B');
    await tick();
    runs[2]?.resolve('C');
    expect((await Promise.all(answers)).map((r) => r.value)).toEqual(['A', 'B', 'C']);
  });

  it('a new key finds no room once maxQueued computations wait: LayerBusyError, nothing started', async () => {
    const { cache, runs, compute } = setup({ maxComputing: 1, maxQueued: 1, waitMs: 0 });
    await cache.get('a', compute).catch(() => {});
    await cache.get('b', compute).catch(() => {});
    const busy = await cache.get('c', compute).catch((e: unknown) => e);
    expect(busy).toBeInstanceOf(LayerBusyError);
    expect((busy as LayerBusyError).byOwner).toBe(false);
    expect(cache.pending).toBe(2);
    await tick();
    runs[0]?.resolve('A');
    await tick();
    expect(runs).toHaveLength(2);
  });

  it('a caller with maxPerOwner computations under way gets LayerBusyError for a new key; others still queue theirs', async () => {
    const { cache, runs, compute } = setup({ maxComputing: 1, maxQueued: 10, maxPerOwner: 2, waitMs: 0 });
    await cache.get('a1', compute, 0, 'alice').catch(() => {});
    await cache.get('a2', compute, 0, 'alice').catch(() => {});
    const refused = await cache.get('a3', compute, 0, 'alice').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(LayerBusyError);
    expect((refused as LayerBusyError).byOwner).toBe(true);
    // a key already under way is joined, not started: no new computation of hers
    await expect(cache.get('a1', compute, 0, 'alice')).rejects.toBeInstanceOf(LayerComputingError);
    await expect(cache.get('b1', compute, 0, 'bob')).rejects.toBeInstanceOf(LayerComputingError);
    expect(cache.pending).toBe(3);
    await tick();
    runs[0]?.resolve('A1');
    await tick();
    await tick();
    // one of hers is done: she may start another
    await expect(cache.get('a3', compute, 0, 'alice')).rejects.toBeInstanceOf(LayerComputingError);
    expect(cache.pending).toBe(3);
  });

  it('a failed computation is not cached: its callers get the error and the next caller computes again', async () => {
    const { cache, runs, compute } = setup();
    const failing = cache.get('k', compute);
    await tick();
    runs[0]?.reject(new Error('read timed out'));
    await expect(failing).rejects.toThrow('read timed out');
    const retried = cache.get('k', compute);
    await tick();
    expect(runs).toHaveLength(2);
    await tick();
    runs[1]?.resolve('answer');
    expect((await retried).value).toBe('answer');
  });

  it('a failed refresh leaves the stale answer served and lets the next caller refresh again', async () => {
    const errors: unknown[] = [];
    const { cache, clock, runs, compute } = setup({ onBackgroundError: (_k, e) => errors.push(e) });
    const cold = cache.get('k', compute);
    await tick();
    runs[0]?.resolve('old');
    await cold;
    clock.t += 31_000;
    expect((await cache.get('k', compute)).value).toBe('old');
    await tick();
    runs[1]?.reject(new Error('graph down'));
    await tick();
    expect(errors).toHaveLength(1);
    expect((await cache.get('k', compute)).value).toBe('old');
    expect(runs).toHaveLength(3);
  });
});
