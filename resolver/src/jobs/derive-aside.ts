import type { Queue, Worker } from 'bullmq';

/** How often the leader checks whether another process can take its derive jobs (ms). */
export const DERIVE_ASIDE_CHECK_MS = 3_000;

/** The derive worker of one process, as `deriveAsideWhileLeading` sees it. */
export interface DeriveAside {
  /** whether this process's derive worker is paused because another one takes the jobs */
  readonly aside: boolean;
  /** checks now (the lease was gained or lost); resolves when the worker is paused or resumed */
  check(): Promise<void>;
  stop(): void;
}

/**
 * Keeps the after-commit work (quality rules, co-travel scoring, watch events) off the resolve
 * leader's event loop when it can be: while this process leads and another process runs a derive
 * worker, this process's derive worker is paused, so the derive jobs — one per group — are taken
 * by the others; when it stops leading, or no other derive worker is connected, it takes jobs
 * again. Pausing only stops taking new jobs: a job is taken by one worker and completed once,
 * whichever process runs it (BullMQ), so nothing is lost or run twice by stepping aside.
 * @param derive this process's derive worker
 * @param queue the derive queue (to list the workers connected to it)
 * @param leading whether this process is the resolve leader now
 */
export function deriveAsideWhileLeading(
  derive: Worker,
  queue: Pick<Queue, 'getWorkersCount'>,
  leading: () => boolean,
  opts: { everyMs?: number; onError?: (err: Error) => void } = {},
): DeriveAside {
  let aside = false;
  let stopped = false;
  let checking: Promise<void> | null = null;
  const check = async () => {
    // every derive worker connected, paused or not, this one included (one Redis client each)
    const others = leading() ? (await queue.getWorkersCount()) - 1 : 0;
    if (stopped) return;
    const want = leading() && others > 0;
    if (want && !aside) {
      aside = true;
      await derive.pause(true);
    } else if (!want && aside) {
      aside = false;
      derive.resume();
    }
  };
  const run = () => {
    checking ??= check()
      .catch((e: Error) => opts.onError?.(e))
      .finally(() => {
        checking = null;
      });
    return checking;
  };
  const timer = setInterval(() => void run(), opts.everyMs ?? DERIVE_ASIDE_CHECK_MS);
  timer.unref();
  return {
    get aside() {
      return aside;
    },
    check: run,
    stop() {
      stopped = true;
      clearInterval(timer);
    },
  };
}
