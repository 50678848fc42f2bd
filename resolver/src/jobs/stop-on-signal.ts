/**
 * How a long-running command stops. The first SIGINT or SIGTERM asks it to stop cleanly (finish
 * the jobs in hand, close its connections); if that has not ended the process within `graceMs`, or
 * a second signal comes, the process hands its jobs back (`onForce`) and exits with code 1. Nothing
 * is lost by that: a job handed back is taken by another worker at once, one that could not be
 * handed back keeps its lock in Redis until it lapses and BullMQ's stall check puts it back in its
 * queue; another worker does it again (every job is idempotent). Without the deadline one job that never
 * ends, or a client that never closes, keeps a stopping worker alive forever, past any
 * orchestrator's grace period.
 */

/** Follows one named part of a stop: returns `closing`, and learns when it is done (to name what a forced stop still waited for). */
export type Track = <T>(part: string, closing: Promise<T>) => Promise<T>;
export const untracked: Track = (_part, closing) => closing;

/** How long a forced stop waits for `onForce`. */
export const FORCE_MS = 3_000;

export const STOP_SIGNALS = ['SIGINT', 'SIGTERM'] as const;
export type StopSignal = (typeof STOP_SIGNALS)[number];

export interface StopOptions {
  /** the command's name, starting every line it prints (`worker`) */
  name: string;
  /** how long a clean stop may take before the process exits anyway */
  graceMs: number;
  log?: (line: string) => void;
  /** what a forced stop does before the process ends (hand the jobs back); given at most `FORCE_MS` */
  onForce?: () => Promise<unknown>;
  /** how the process ends when the stop is forced (tests pass their own) */
  exit?: (code: number) => void;
}

/**
 * Listens for the stop signals at once (call it before the command starts anything: a signal
 * during its start is then a stop request, not Node's default instant death). Resolves with the
 * first signal; from then on the deadline runs, on an unreferenced timer: a process that stops in
 * time exits as usual, one still held by anything when it fires is ended.
 */
export function stopOnSignal(opts: StopOptions): Promise<StopSignal> {
  const log = opts.log ?? ((line: string) => console.error(line));
  const exit = opts.exit ?? ((code: number) => process.exit(code));
  return new Promise((resolve) => {
    const first = (signal: StopSignal) => {
      for (const s of STOP_SIGNALS) process.off(s, first);
      log(
        `${opts.name}: ${signal}: stopping, finishing what is in hand (at most ${opts.graceMs} ms; ${signal} again stops at once)`,
      );
      const force = (why: string) => {
        clearTimeout(timer);
        for (const s of STOP_SIGNALS) process.off(s, again);
        log(`${opts.name}: ${why}: exiting without waiting for the jobs in hand`);
        const handed = (opts.onForce?.() ?? Promise.resolve()).then(
          (what) => what !== undefined && log(`${opts.name}: ${String(what)}`),
          (e: Error) =>
            log(
              `${opts.name}: could not hand the jobs back (${e.message}); they go back to their queue when their lock lapses`,
            ),
        );
        let lateTimer: NodeJS.Timeout | undefined;
        const late = new Promise((r) => (lateTimer = setTimeout(r, FORCE_MS)));
        void Promise.race([handed, late]).then(() => {
          clearTimeout(lateTimer);
          exit(1);
        });
      };
      const again = (s: StopSignal) => force(`${s} again`);
      const timer = setTimeout(() => force(`not stopped ${opts.graceMs} ms after ${signal}`), opts.graceMs);
      timer.unref();
      for (const s of STOP_SIGNALS) process.once(s, again);
      resolve(signal);
    };
    for (const s of STOP_SIGNALS) process.once(s, first);
  });
}
