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
 * still form one gapless chain because each group locks the head. The writer remembers the head
 * its last group left, so a group whose head no one else moved is one statement (one round trip).
 */
export class AuditGroupCommit {
  private queue: Waiter[] = [];
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> | null = null;
  /** The head as this process's last group left it: the next group is chained onto it in one statement (`appendAuditGroup`). */
  private head: AuditHead | null = null;

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
    do {
      if (this.timer) {
        clearTimeout(this.timer);
        this.timer = null;
      }
      this.drain();
      if (this.writing) await this.writing;
    } while (this.writing || this.queue.length > 0);
  }

  private schedule(): void {
    // While groups are being written the queue fills; the writer takes it when the current group is done.
    if (this.writing || this.timer) return;
    if (this.queue.length >= this.opts.maxGroup || this.opts.windowMs <= 0) {
      this.drain();
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = null;
      this.drain();
    }, this.opts.windowMs);
  }

  /** Starts the writer unless it runs: it writes groups until the queue is empty. */
  private drain(): void {
    if (this.writing || this.queue.length === 0) return;
    this.writing = this.writeAll().finally(() => {
      this.writing = null;
      // Entries queued after the writer's last look start the next round.
      if (this.queue.length > 0) this.schedule();
    });
  }

  private async writeAll(): Promise<void> {
    while (this.queue.length > 0) {
      const group = this.queue.splice(0, Math.max(1, this.opts.maxGroup));
      try {
        const heads = await appendAuditGroup(
          this.graph,
          group.map((w) => w.input),
          this.opts,
          this.head,
        );
        this.head = heads[heads.length - 1] ?? null;
        group.forEach((w, i) => {
          const head = heads[i];
          if (head) w.resolve(head);
          else w.reject(new Error('audit entry missing from its group'));
        });
      } catch (err) {
        this.head = null;
        for (const w of group) w.reject(err);
      }
    }
  }
}
