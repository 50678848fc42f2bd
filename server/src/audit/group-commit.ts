import type { Graph } from '@onemap/graph-schema/server';
import type { AuditHead } from '../repositories/audit.ts';
import { type AppendOptions, type AuditInput, appendAuditGroup } from './chain.ts';

/** Group-commit settings (server config `AUDIT_GROUP_WINDOW_MS`, `AUDIT_GROUP_MAX`). */
export interface GroupCommitOptions extends AppendOptions {
  /** How long the first entry of a group waits for others before the group is written, in ms. */
  windowMs: number;
  /** Most entries chained in one transaction; a longer queue is written in several groups. */
  maxGroup: number;
}

interface Waiter {
  input: AuditInput;
  resolve: (head: AuditHead) => void;
  reject: (err: unknown) => void;
}

/**
 * Audit appends in groups: every request's entry waits (at most `windowMs`, or while the previous
 * group is being written) and is chained with the others in ONE transaction under the head's lock.
 * `append` resolves only once its entry has committed and rejects when the group could not be
 * written, so "no audit entry, no answer" holds per request. One writer per process, so a process
 * holds the head lock once per group instead of once per request; several processes (replicas)
 * still form one gapless chain because each group locks the head.
 */
export class AuditGroupCommit {
  private queue: Waiter[] = [];
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> | null = null;

  constructor(
    private readonly graph: Graph,
    private readonly opts: GroupCommitOptions,
  ) {}

  /** Queues one entry; resolves with its sequence number and hash after its group committed. */
  append(input: AuditInput): Promise<AuditHead> {
    return new Promise<AuditHead>((resolve, reject) => {
      this.queue.push({ input, resolve, reject });
      this.schedule();
    });
  }

  /** Writes whatever is waiting and waits for the writes in flight (for shutdown). */
  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    while (this.writing || this.queue.length > 0) {
      if (!this.writing) this.writing = this.writeGroup();
      await this.writing;
    }
  }

  private schedule(): void {
    // While a group is being written, the queue fills and the next group starts when it finishes.
    if (this.writing || this.timer) return;
    if (this.queue.length >= this.opts.maxGroup || this.opts.windowMs === 0) {
      this.writing = this.writeGroup();
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = null;
      if (!this.writing) this.writing = this.writeGroup();
    }, this.opts.windowMs);
  }

  private async writeGroup(): Promise<void> {
    const group = this.queue.splice(0, this.opts.maxGroup);
    try {
      if (group.length === 0) return;
      try {
        const heads = await appendAuditGroup(
          this.graph,
          group.map((w) => w.input),
          this.opts,
        );
        group.forEach((w, i) => {
          const head = heads[i];
          if (head) w.resolve(head);
          else w.reject(new Error('audit entry missing from its group'));
        });
      } catch (err) {
        for (const w of group) w.reject(err);
      }
    } finally {
      this.writing = null;
      if (this.queue.length > 0) {
        this.writing = this.writeGroup();
      }
    }
  }
}
