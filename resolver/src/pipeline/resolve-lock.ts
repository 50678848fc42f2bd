import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;
const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;

export interface ResolveLockOptions {
  key?: string;
  ttlMs?: number;
  waitMs?: number;
}

/**
 * Takes the cluster-wide resolve lock in Redis (waiting for it) and renews it until the returned
 * release is called. The lock expires by itself (`ttlMs`) if its holder dies.
 */
export async function takeResolveLock(redis: Redis, opts: ResolveLockOptions = {}): Promise<() => Promise<void>> {
  const key = opts.key ?? 'onemap:resolve-lock';
  const ttl = opts.ttlMs ?? 30_000;
  const token = randomUUID();
  const deadline = Date.now() + (opts.waitMs ?? 10 * 60_000);
  let delay = 50;
  let waited = false;
  while ((await redis.set(key, token, 'PX', ttl, 'NX')) !== 'OK') {
    if (Date.now() > deadline)
      throw new Error(`could not take the resolve lock ${key} within ${opts.waitMs ?? 600_000} ms`);
    // tells a holder that keeps the lock across uses (the leader's `SharedResolveLock`) to give it up
    await redis.set(wantedKey(key), token, 'PX', WANTED_TTL_MS).catch(() => undefined);
    waited = true;
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 2, 1000);
  }
  // our own mark goes (another waiter's stays)
  if (waited) await redis.eval(RELEASE, 1, wantedKey(key), token).catch(() => undefined);
  const timer = setInterval(() => {
    redis.eval(RENEW, 1, key, token, String(ttl)).catch(() => undefined);
  }, ttl / 3);
  return async () => {
    clearInterval(timer);
    await redis.eval(RELEASE, 1, key, token).catch(() => undefined);
  };
}

/** The key a worker waiting for the lock sets (for `WANTED_TTL_MS`, renewed while it waits). */
const wantedKey = (key: string) => `${key}:wanted`;
/** A waiter polls at least once a second, so its mark outlives one poll. */
const WANTED_TTL_MS = 2_500;

/**
 * Runs `work` while holding the cluster-wide resolve lock in Redis. Resolution decisions depend
 * on every entity written before, so the resolve-and-write step is serialized across workers;
 * reading and standardizing files runs in parallel outside it. The lock expires by itself
 * (`ttlMs`) if its holder dies, and is renewed while the holder lives.
 */
export async function withResolveLock<T>(
  redis: Redis,
  work: () => Promise<T>,
  opts: ResolveLockOptions = {},
): Promise<T> {
  const release = await takeResolveLock(redis, opts);
  try {
    return await work();
  } finally {
    await release();
  }
}

/**
 * The resolve lock shared by overlapping uses in one process (the leader's pipelined groups: group
 * N+1 resolves while group N's write commits, both under the one lock). Taken by the first use,
 * released when the last use ends. So that other workers' file batches get their turn, a use that
 * starts while another worker waits for the lock (it marks `<key>:wanted` while it waits) does not
 * join the holding: it waits until every use has ended and the lock is released, lets the waiter
 * take it (up to `yieldMs`), and then waits for the lock like anyone else.
 */
export class SharedResolveLock {
  private users = 0;
  private held: Promise<() => Promise<void>> | null = null;
  private idle: { promise: Promise<void>; resolve: () => void } | null = null;
  /** the Redis release of the last holding, until it is done (a new holding waits for it) */
  private releasing: Promise<void> | null = null;
  private readonly key: string;

  constructor(
    private readonly redis: Redis,
    private readonly opts: ResolveLockOptions & { yieldMs?: number } = {},
  ) {
    this.key = opts.key ?? 'onemap:resolve-lock';
  }

  /** Uses holding (or waiting for) the lock. */
  get uses(): number {
    return this.users;
  }

  /** Starts a use: resolves once the lock is held. Every `acquire` that resolves needs one `release`. */
  async acquire(): Promise<void> {
    if (this.held && this.idle && (await this.redis.exists(wantedKey(this.key)).catch(() => 0))) {
      await this.idle.promise;
      // the waiter polls with a backoff of up to a second: give it the time to take the lock
      const until = Date.now() + (this.opts.yieldMs ?? 2_000);
      while (!this.held && Date.now() < until && (await this.redis.exists(wantedKey(this.key)).catch(() => 0))) {
        if (await this.redis.exists(this.key).catch(() => 0)) break;
        await new Promise((r) => setTimeout(r, 10));
      }
    }
    while (!this.held && this.releasing) await this.releasing;
    this.users++;
    if (!this.held) {
      let resolve!: () => void;
      this.idle = { promise: new Promise<void>((r) => (resolve = r)), resolve };
      this.held = takeResolveLock(this.redis, this.opts);
    }
    try {
      await this.held;
    } catch (e) {
      this.release();
      throw e;
    }
  }

  /** Ends a use; the last one releases the lock. */
  release(): void {
    if (--this.users > 0) return;
    const held = this.held;
    const idle = this.idle;
    this.held = null;
    this.idle = null;
    if (!held) return;
    const releasing: Promise<void> = held
      .then((free) => free())
      .catch(() => undefined)
      .finally(() => {
        if (this.releasing === releasing) this.releasing = null;
        idle?.resolve();
      });
    this.releasing = releasing;
  }
}
