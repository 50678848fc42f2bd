import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

/** Takes the lease when free and returns a new epoch (a fencing token that only grows). */
const ACQUIRE = `if redis.call('set', KEYS[1], ARGV[1], 'PX', ARGV[2], 'NX') then return redis.call('incr', KEYS[2]) else return 0 end`;
const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;
const RAISE = `if redis.call('get', KEYS[1]) ~= ARGV[1] then return 0 end
local e = tonumber(redis.call('get', KEYS[2]) or '0')
if e < tonumber(ARGV[2]) then redis.call('set', KEYS[2], ARGV[2]); e = tonumber(ARGV[2]) end
return e`;
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

export const LEADER_KEY = 'onemap:resolve-leader';

export interface LeaderLeaseOptions {
  key?: string;
  /** the lease expires this long after its holder stops renewing it (default 5 s; the workers use 8 s) */
  ttlMs?: number;
  /** called when this process becomes leader, with the lease's epoch; leadership starts when it resolves */
  onGain?: (epoch: number) => Promise<void> | void;
  /** called when the lease is lost (not renewed in time) or released */
  onLose?: (epoch: number) => Promise<void> | void;
  onError?: (err: Error) => void;
}

/**
 * The resolve leader's lease in Redis: one process at a time holds it and runs identity
 * resolution; every process tries to take it every `ttlMs / 3` and the holder renews it as often.
 * A holder killed with -9 stops renewing and another process takes over within `ttlMs` plus one
 * try. Each taking gets a new epoch from `INCR`, written with every transaction the leader commits
 * (`fenceLeaderTx`): a stale leader (paused, partitioned) cannot commit after a newer one wrote.
 */
export class LeaderLease {
  readonly token = `${process.pid}:${randomUUID()}`;
  private timer: NodeJS.Timeout | undefined;
  private current: number | null = null;
  private busy = false;
  private readonly key: string;
  private readonly ttl: number;

  constructor(
    private readonly redis: Redis,
    private readonly opts: LeaderLeaseOptions = {},
  ) {
    this.key = opts.key ?? LEADER_KEY;
    this.ttl = opts.ttlMs ?? 5_000;
  }

  /** The epoch while this process is leader, else null. */
  get epoch(): number | null {
    return this.current;
  }

  start(): void {
    if (this.timer) return;
    void this.tick();
    this.timer = setInterval(() => void this.tick(), Math.max(50, Math.floor(this.ttl / 3)));
  }

  private async tick(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      if (this.current === null) {
        const epoch = Number(
          await this.redis.eval(ACQUIRE, 2, this.key, `${this.key}:epoch`, this.token, String(this.ttl)),
        );
        if (epoch > 0) {
          this.current = epoch;
          await this.opts.onGain?.(epoch);
        }
      } else {
        const ok = Number(await this.redis.eval(RENEW, 1, this.key, this.token, String(this.ttl)));
        if (!ok) await this.lose();
      }
    } catch (e) {
      this.opts.onError?.(e as Error);
    } finally {
      this.busy = false;
    }
  }

  private async lose(): Promise<void> {
    const epoch = this.current;
    this.current = null;
    if (epoch !== null) await this.opts.onLose?.(epoch);
  }

  /**
   * Raises this holder's epoch to at least `min` (when the graph has seen a higher epoch than
   * Redis knows, e.g. after Redis lost its data). Returns the new epoch, or null if the lease is gone.
   */
  async raiseEpoch(min: number): Promise<number | null> {
    const e = Number(await this.redis.eval(RAISE, 2, this.key, `${this.key}:epoch`, this.token, String(min)));
    if (!e) return null;
    this.current = e;
    return e;
  }

  /** Gives the lease up now (this process keeps trying to take it again). */
  async release(): Promise<void> {
    await this.redis.eval(RELEASE, 1, this.key, this.token).catch(() => undefined);
    await this.lose();
  }

  /** Stops trying and releases the lease if held (a clean stop hands over at once). */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    while (this.busy) await new Promise((r) => setTimeout(r, 10));
    if (this.current !== null) await this.release();
  }
}
