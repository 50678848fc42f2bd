/**
 * The layer cache: layer answers shared between viewers with the same view, computed in the
 * background and never bound by the request that asked first.
 *
 * - Fresh for `ttlMs`; then stale: served at once while ONE refresh runs, until `maxStaleMs`
 *   (older answers are not served; the caller waits as for a cold key).
 * - One computation per key; at most `maxComputing` at once (the others queue in arrival order,
 *   at most `maxQueued`), so cold layers cannot take every Neo4j connection from profiles.
 * - A caller without a servable answer waits at most `waitMs` for the computation under way, then
 *   gets `LayerComputingError` with a retry hint; the computation goes on and caches its answer.
 * - A failed computation is not cached: the next caller starts another.
 * - An answer computed under an older `epoch` (the governance data: unit names, source grades)
 *   is served while fresh, as before this cache served stale answers, but never stale.
 *
 * The key decides who shares an answer: the caller builds it from everything the answer depends
 * on (routes/api/layers.ts: the view and the query).
 */

/** A cached answer and when its computation started (ms since the epoch). */
export interface LayerAnswer<T> {
  value: T;
  computedAt: number;
}

export interface LayerCacheOptions {
  /** How long an answer is fresh (ms). */
  ttlMs: number;
  /** How long a caller without a servable answer waits for the computation under way (ms); 0 = not at all. */
  waitMs: number;
  /** Past this age (ms) an answer is not served, even while it is being refreshed. */
  maxStaleMs: number;
  /** Most computations running at once. */
  maxComputing: number;
  /** Most computations waiting for a slot; past it a new key is refused (`LayerBusyError`). */
  maxQueued: number;
  /**
   * Most computations one caller (`get`'s `owner`) has started that are still running or queued;
   * past it that caller's new key is refused (`LayerBusyError`): one planner varying a layer's
   * query filled the shared queue with keys of their own, and everyone else's new keys were refused.
   */
  maxPerOwner: number;
  /** Most answers kept (the oldest written is dropped first). */
  maxEntries: number;
  /** The retry hint (s) for a key never computed before. */
  defaultRetryAfterS: number;
  /** The clock (ms); `Date.now` unless a test injects its own. */
  now?: () => number;
  /** Called with a background computation's failure (nobody else sees it). */
  onBackgroundError?: (key: string, error: unknown) => void;
}

/** Defaults of the limits that have no config variable of their own. */
export const LAYER_CACHE_DEFAULTS = {
  /** Answers kept: at ~100 kB a county layer, some 50 MB at most. */
  maxEntries: 500,
  /** Computations queued behind the running ones: more than the map asks for at once, few enough to drain. */
  maxQueued: 50,
  /** Computations one caller may have under way: every layer the map asks for at once (facilities per kind), with room to spare; the queue holds 50. */
  maxPerOwner: 16,
  /** A first computation's retry hint (s). */
  defaultRetryAfterS: 10,
} as const;

/** The longest retry hint (s): a computation of minutes is asked for again every two. */
export const MAX_RETRY_AFTER_S = 120;

/** No answer yet: a computation is under way. `retryAfterS` says when to ask again. */
export class LayerComputingError extends Error {
  constructor(readonly retryAfterS: number) {
    super(`the layer is being computed; ask again in ${retryAfterS} s`);
    this.name = 'LayerComputingError';
  }
}

/** No answer and no room to queue its computation. */
export class LayerBusyError extends Error {
  /** @param byOwner refused because its caller has `maxPerOwner` computations under way (else: the queue is full) */
  constructor(
    readonly retryAfterS: number,
    readonly byOwner = false,
  ) {
    super(`${byOwner ? 'you have as many layers being computed as one caller may' : 'too many layers are being computed'}; ask again in ${retryAfterS} s`);
    this.name = 'LayerBusyError';
  }
}

interface Entry {
  value: unknown;
  computedAt: number;
  epoch: number;
}

interface Running {
  promise: Promise<LayerAnswer<unknown>>;
  startedAt: number;
}

export class LayerCache {
  private readonly done = new Map<string, Entry>();
  private readonly running = new Map<string, Running>();
  /** How long each key's last computation took (ms), for the retry hint; bounded like `done`. */
  private readonly durations = new Map<string, number>();
  private readonly queue: Array<() => void> = [];
  /** Computations under way (running or queued) per caller that started them. */
  private readonly owned = new Map<string, number>();
  private active = 0;
  private closed = false;
  private readonly now: () => number;

  constructor(private readonly o: LayerCacheOptions) {
    this.now = o.now ?? Date.now;
  }

  /**
   * The answer for `key`: cached (fresh, or stale while one refresh runs), or `compute`d — awaited
   * for at most `waitMs`, else `LayerComputingError` while the computation goes on.
   * `compute` must compute with the view the key names, never a wider one: it runs for this
   * caller and, as a refresh, for everyone sharing the key.
   */
  async get<T>(key: string, compute: () => Promise<T>, epoch = 0, owner?: string): Promise<LayerAnswer<T>> {
    const hit = this.done.get(key);
    if (hit) {
      const age = this.now() - hit.computedAt;
      if (age < this.o.ttlMs) return hit as LayerAnswer<T>;
      if (age < this.o.maxStaleMs && hit.epoch === epoch) {
        // no room to queue a refresh: the stale answer is still served, the next caller tries again
        if (!this.running.has(key) && !this.queueFull() && !this.ownerFull(owner)) this.start(key, compute, epoch, owner);
        return hit as LayerAnswer<T>;
      }
    }
    const run = this.running.get(key) ?? this.start(key, compute, epoch, owner);
    return this.within(run, key) as Promise<LayerAnswer<T>>;
  }

  /** Computations running or queued now. */
  get pending(): number {
    return this.running.size;
  }

  /** Stops starting queued computations (running ones end with the driver). */
  close(): void {
    this.closed = true;
    for (const go of this.queue.splice(0)) go();
  }

  private start(key: string, compute: () => Promise<unknown>, epoch: number, owner?: string): Running {
    if (this.queueFull()) throw new LayerBusyError(this.o.defaultRetryAfterS);
    if (this.ownerFull(owner)) throw new LayerBusyError(this.o.defaultRetryAfterS, true);
    if (owner !== undefined) this.owned.set(owner, (this.owned.get(owner) ?? 0) + 1);
    const startedAt = this.now();
    const promise = this.slot()
      .then(async () => {
        if (this.closed) throw new Error('the layer cache is closed');
        const began = this.now();
        try {
          const value = await compute();
          const answer: Entry = { value, computedAt: began, epoch };
          this.remember(this.done, key, answer);
          this.remember(this.durations, key, this.now() - began);
          return answer as LayerAnswer<unknown>;
        } finally {
          this.release();
        }
      })
      .finally(() => {
        this.running.delete(key);
        if (owner === undefined) return;
        const left = (this.owned.get(owner) ?? 1) - 1;
        if (left > 0) this.owned.set(owner, left);
        else this.owned.delete(owner);
      });
    // a background failure is reported once here; callers that wait see it themselves
    promise.catch((e: unknown) => this.o.onBackgroundError?.(key, e));
    const run = { promise, startedAt };
    this.running.set(key, run);
    return run;
  }

  /** `run`'s answer if it comes within `waitMs`, else `LayerComputingError` (the run goes on). */
  private within(run: Running, key: string): Promise<LayerAnswer<unknown>> {
    if (this.o.waitMs <= 0) return Promise.reject(new LayerComputingError(this.retryAfter(run, key)));
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new LayerComputingError(this.retryAfter(run, key))), this.o.waitMs);
    });
    return Promise.race([run.promise, late]).finally(() => clearTimeout(timer));
  }

  /**
   * Seconds until the run should be done: its key's last duration minus what it has run (a run
   * past that is asked for again after a quarter of it, not every second), else the default.
   */
  private retryAfter(run: Running, key: string): number {
    const last = this.durations.get(key);
    const left =
      last === undefined ? this.o.defaultRetryAfterS * 1000 : Math.max(last - (this.now() - run.startedAt), last / 4);
    return Math.min(MAX_RETRY_AFTER_S, Math.max(1, Math.ceil(left / 1000)));
  }

  /** Whether `owner` has as many computations under way as one caller may. */
  private ownerFull(owner: string | undefined): boolean {
    return owner !== undefined && (this.owned.get(owner) ?? 0) >= this.o.maxPerOwner;
  }

  /** Whether a new computation would find no room in the queue (the running ones not counted). */
  private queueFull(): boolean {
    return this.running.size - this.active >= this.o.maxQueued;
  }

  private slot(): Promise<void> {
    if (this.active < this.o.maxComputing) {
      this.active++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.queue.push(() => resolve()));
  }

  /** Hands the slot to the next queued computation, or frees it. */
  private release(): void {
    const next = this.queue.shift();
    if (next) next();
    else this.active--;
  }

  private remember<V>(map: Map<string, V>, key: string, value: V): void {
    map.delete(key);
    if (map.size >= this.o.maxEntries) {
      const oldest = map.keys().next();
      if (!oldest.done) map.delete(oldest.value);
    }
    map.set(key, value);
  }
}
