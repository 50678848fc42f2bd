/**
 * Where a benchmark's memory goes, phase by phase: the process's peak RSS within each phase (all
 * its threads: the load workers are threads of this process), its RSS and this thread's JS heap at
 * the end of the phase. On Linux the peak is the kernel's high-water mark (`VmHWM`), reset at
 * each phase boundary by writing `5` to `/proc/self/clear_refs`, so every phase gets its own
 * peak, not the run's peak so far; elsewhere (or when the reset is refused) the peak column is the
 * run's peak so far (`maxRSS`). Reading it costs a small file read: call `mark` at phase
 * boundaries, not in a loop.
 */
import { readFileSync, writeFileSync } from 'node:fs';

export interface PhaseMemoryRow {
  phase: string;
  /** peak RSS within the phase (bytes); the run's peak so far when `perPhase` is false */
  peakRss: number;
  /** RSS at the end of the phase (bytes) */
  rss: number;
  /** this thread's JS heap used at the end of the phase (bytes) */
  heapUsed: number;
  /** with `liveHeap`: the heap used after a full collection at the end of the phase (bytes) */
  liveHeap?: number;
  ms: number;
}

const STATUS = '/proc/self/status';

function statusKiB(field: string): number | undefined {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(STATUS, 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

function resetPeak(): boolean {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

export class PhaseMemory {
  readonly rows: PhaseMemoryRow[] = [];
  /** true when each row's peak is that phase's own (the high-water mark could be reset) */
  readonly perPhase: boolean;
  private t0 = performance.now();

  /**
   * @param liveHeap also collect garbage at each mark and record the live heap (needs
   *   `--expose-gc`; a diagnostic: the collections change the run's time and later peaks)
   */
  constructor(private readonly liveHeap = false) {
    this.perPhase = statusKiB('VmHWM') !== undefined && resetPeak();
  }

  /** Closes the phase that ran since the last mark (or since construction) under `phase`. */
  mark(phase: string): PhaseMemoryRow {
    const hwm = this.perPhase ? statusKiB('VmHWM') : undefined;
    const m = process.memoryUsage();
    const row: PhaseMemoryRow = {
      phase,
      peakRss: Math.max(m.rss, (hwm ?? process.resourceUsage().maxRSS) * 1024),
      rss: m.rss,
      heapUsed: m.heapUsed,
      ms: performance.now() - this.t0,
    };
    const gc = (globalThis as { gc?: () => void }).gc;
    if (this.liveHeap && gc) {
      gc();
      row.liveHeap = process.memoryUsage().heapUsed;
    }
    this.rows.push(row);
    if (this.perPhase) resetPeak();
    this.t0 = performance.now();
    return row;
  }

  /** The highest peak of all phases (bytes). */
  peak(): number {
    return Math.max(0, ...this.rows.map((r) => r.peakRss));
  }

  /** One line per phase, for the bench's closing figures. */
  format(): string[] {
    const mib = (b: number) => `${(b / 2 ** 20).toFixed(0).padStart(6)} MiB`;
    const head = this.perPhase ? 'peak RSS in phase' : 'peak RSS so far';
    const live = this.rows.some((r) => r.liveHeap !== undefined);
    return [
      `  ${'phase'.padEnd(40)} ${head.padStart(17)}  RSS at end  heap used at end${live ? '  live heap' : ''}   wall`,
      ...this.rows.map(
        (r) =>
          `  ${r.phase.padEnd(40)} ${mib(r.peakRss).padStart(17)}  ${mib(r.rss)}  ${mib(r.heapUsed).padStart(16)}${live ? ` ${mib(r.liveHeap ?? 0)}` : ''}  ${(r.ms / 1000).toFixed(1).padStart(5)} s`,
      ),
    ];
  }
}
