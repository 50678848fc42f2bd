/**
 * The real-time bench's pushes as new events. The bench pushes copies of a source's sample records
 * (`bench-realtime.ts`) under new record ids; pushed at the sample's own times, every copy of a
 * hotel stay lands on the same hotel in the same hour as the original and as every earlier copy.
 * Run after run on a kept graph, each stay's window then held more copies (two a run: about twenty
 * after ten runs of the 1 M bench), which every co-travel derivation of a push read: a stream no
 * source sends, and a run's cost that depended on how many had run before it (on a rebuilt graph
 * the difference was inside one run's noise: docs/ingestion.md, 2026-12-06 afternoon). So each
 * pass over the template is moved to days of its own, after the
 * latest sighting the graph holds: whole days, so the times of day (night check-ins, rush hours)
 * stay the sample's; the persons, places and plates stay the same, so the pushes still meet the
 * index and the graph as before.
 */
import type { SourceCatalogEntry } from '@onemap/graph-schema';

/** `YYYY-MM-DD`, then the time and zone as written (` 16:24:50`, `T08:14:39+08:00`), kept. */
const DATED = /^(\d{4})-(\d{2})-(\d{2})([ T].*)?$/;

const DAY_MS = 86_400_000;

/** The trace time columns of a source (each trace's `atColumn` and `untilColumn`). */
export function traceTimeColumns(entry: Pick<SourceCatalogEntry, 'traces'>): string[] {
  return [...new Set((entry.traces ?? []).flatMap((t) => [t.atColumn, ...(t.untilColumn ? [t.untilColumn] : [])]))];
}

/** Days from `YYYY-MM-DD` `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  const at = (d: string) => Date.UTC(Number(d.slice(0, 4)), Number(d.slice(5, 7)) - 1, Number(d.slice(8, 10)));
  return Math.round((at(to) - at(from)) / DAY_MS);
}

/**
 * A time value moved by whole `days`, in the shape it was written in; a value that is not a
 * `YYYY-MM-DD…` string (empty, missing, another shape) is returned as it is.
 * @example shiftTime('2026-03-02 16:24:50', 30) // '2026-04-01 16:24:50'
 */
export function shiftTime(value: unknown, days: number): unknown {
  if (typeof value !== 'string' || !days) return value;
  const m = DATED.exec(value);
  if (!m) return value;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) + days * DAY_MS);
  return `${d.toISOString().slice(0, 10)}${m[4] ?? ''}`;
}

/** The first and last day (`YYYY-MM-DD`) of `columns` over `records`, or undefined when none is dated. */
export function eventDays(
  records: readonly Record<string, unknown>[],
  columns: readonly string[],
): { first: string; last: string } | undefined {
  let first: string | undefined;
  let last: string | undefined;
  for (const r of records)
    for (const c of columns) {
      const v = r[c];
      if (typeof v !== 'string' || !DATED.test(v)) continue;
      const day = v.slice(0, 10);
      if (first === undefined || day < first) first = day;
      if (last === undefined || day > last) last = day;
    }
  return first !== undefined && last !== undefined ? { first, last } : undefined;
}

/**
 * Where each pass over a template of `length` records goes: pass k (record copies `k·length` to
 * `(k+1)·length − 1`) is moved by `base + k·span` days, where `base` puts the template's first day
 * on the day after `after` (the latest sighting already in the graph; never earlier than the
 * template itself) and `span` is the template's days, first to last, both counted. So no two
 * passes, and no pass and the graph's earlier sightings, share a day.
 * @example passShifts({ length: 100, first: '2026-03-01', last: '2026-03-10', after: '2026-03-10' })(150) // 20
 */
export function passShifts(o: {
  length: number;
  first: string;
  last: string;
  after?: string;
}): (seq: number) => number {
  const base = o.after ? Math.max(0, daysBetween(o.first, o.after) + 1) : 0;
  const span = daysBetween(o.first, o.last) + 1;
  return (seq) => base + Math.floor(seq / Math.max(1, o.length)) * span;
}

/** A copy of a template record whose trace time `columns` are moved by `days` (`passShifts`). */
export function pushedCopy(
  record: Record<string, unknown>,
  columns: readonly string[],
  days: number,
): Record<string, unknown> {
  if (!days) return { ...record };
  const out = { ...record };
  for (const c of columns) if (c in out) out[c] = shiftTime(out[c], days);
  return out;
}
