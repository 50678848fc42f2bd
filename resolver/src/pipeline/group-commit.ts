/**
 * What a flush returns: each item's result, or the results and `settle`, work the flush started
 * after its commit (queueing the group's after-commit job): the callers are answered when it ends,
 * but the next flush does not wait for it.
 */
export type Flushed<R> = R[] | { results: R[]; settle: Promise<void> };

/**
 * Group commit: callers add items one at a time and get a promise each; whatever is waiting when
 * the previous flush ends (up to `maxRecords` and `maxItems`, after at most `lingerMs` more) is flushed together,
 * in one call of `flush` (the resolver writes it in one transaction). At most one flush runs at a
 * time, so under load the batches grow and the fixed cost per record falls; when idle, a lone item
 * is flushed after `lingerMs`.
 * @example
 * const gc = new GroupCommit<Push, Info>((items) => resolveAndWrite(items), { size: (p) => p.records.length });
 * const info = await gc.add(push);
 */
export class GroupCommit<T, R> {
  private waiting: { item: T; resolve: (r: R) => void; reject: (e: unknown) => void }[] = [];
  private running = false;
  /** items added and not yet answered (waiting, being flushed, or flushed and settling) */
  private unanswered = 0;

  constructor(
    private readonly flush: (items: T[]) => Promise<Flushed<R>>,
    private readonly opts: {
      size?: (item: T) => number;
      maxRecords?: number;
      maxItems?: number;
      lingerMs?: number;
      /**
       * The most records the next flush takes, given the records waiting (default: `maxRecords`,
       * whatever waits). `groupSizeFor` makes a group's size follow the backlog.
       */
      target?: (waitingRecords: number) => number;
    } = {},
  ) {}

  /** Items waiting for a flush (for the bench and tests). */
  get backlog(): number {
    return this.waiting.length;
  }

  /**
   * Items added and not answered yet: waiting, in a flush, or flushed and waiting for its `settle`
   * (a group written after its flush returned). 0 when this has nothing in hand.
   */
  get inHand(): number {
    return this.unanswered;
  }

  add(item: T): Promise<R> {
    this.unanswered++;
    const done = () => {
      this.unanswered--;
    };
    return new Promise<R>((resolve, reject) => {
      this.waiting.push({
        item,
        resolve: (r) => {
          done();
          resolve(r);
        },
        reject: (e) => {
          done();
          reject(e);
        },
      });
      if (!this.running) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      const linger = this.opts.lingerMs ?? 2;
      if (linger > 0) await new Promise((r) => setTimeout(r, linger));
      while (this.waiting.length) {
        const size = this.opts.size ?? (() => 1);
        const ceiling = this.opts.maxRecords ?? 2000;
        const target = this.opts.target;
        const max = target ? Math.min(ceiling, target(this.waiting.reduce((n, w) => n + size(w.item), 0))) : ceiling;
        const maxItems = this.opts.maxItems ?? Number.POSITIVE_INFINITY;
        const take: typeof this.waiting = [];
        let n = 0;
        while (
          this.waiting.length &&
          (take.length === 0 || (n + size(this.waiting[0]!.item) <= max && take.length < maxItems))
        ) {
          const w = this.waiting.shift()!;
          n += size(w.item);
          take.push(w);
        }
        try {
          const out = await this.flush(take.map((w) => w.item));
          const results = Array.isArray(out) ? out : out.results;
          const answer = () => {
            for (const [i, w] of take.entries()) w.resolve(results[i]!);
          };
          if (Array.isArray(out)) answer();
          else
            out.settle.then(answer, (e: unknown) => {
              for (const w of take) w.reject(e);
            });
        } catch (e) {
          for (const w of take) w.reject(e);
        }
      }
    } finally {
      this.running = false;
    }
  }
}

/**
 * A group's size that follows the backlog: half of what waits, at least `min` records, at most
 * `max`. A short queue is cut into small groups, pipelined (the first half is resolved and its
 * write begins while the rest waits a group's cycle less than it would in one big group); a
 * long queue, when the leader is behind, gives the biggest groups, whose fixed cost per record
 * is least. What arrives while a group commits joins the next one, so a steady flow settles where
 * a group's cycle takes about as long as its records take to arrive.
 * @example groupSizeFor(60, { min: 20, max: 2000 }) // 30
 */
export function groupSizeFor(waitingRecords: number, o: { min: number; max: number }): number {
  return Math.max(o.min, Math.min(o.max, Math.ceil(waitingRecords / 2)));
}
