/**
 * Beijing time (Asia/Shanghai, UTC+8, no daylight saving since 1991): the one time zone every
 * OneMap user reads and every API answer states. Import-safe: the server formats answers with it,
 * the web app formats what users see and reads what they type with it.
 */

/** The explicit offset every time in an API answer carries. */
export const BEIJING_OFFSET = '+08:00';
/** IANA name of Beijing time. */
export const BEIJING_TIME_ZONE = 'Asia/Shanghai';
const OFFSET_MS = 8 * 3_600_000;

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** The Beijing wall-clock fields of an instant, as `YYYY-MM-DDTHH:mm:ss`. */
function wallClock(ms: number): string {
  const d = new Date(ms + OFFSET_MS);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

function toMs(t: number | string | Date): number {
  const ms = typeof t === 'number' ? t : typeof t === 'string' ? Date.parse(t) : t.getTime();
  if (Number.isNaN(ms)) throw new RangeError(`not a time: ${String(t)}`);
  return ms;
}

/**
 * An instant as ISO 8601 with the explicit Beijing offset.
 * @param t epoch milliseconds, an ISO string with any offset, or a Date
 * @returns `YYYY-MM-DDTHH:mm:ss+08:00`
 * @example toBeijingIso('2026-03-09T06:23:00Z') // '2026-03-09T14:23:00+08:00'
 */
export function toBeijingIso(t: number | string | Date): string {
  return `${wallClock(toMs(t))}${BEIJING_OFFSET}`;
}

/**
 * An instant as Beijing wall-clock text for people.
 * @param t epoch milliseconds, an ISO string with any offset, or a Date
 * @param precision `minute` (default) `YYYY-MM-DD HH:mm`, `second`, `date` `YYYY-MM-DD`, `day` `MM-DD`, `time` `HH:mm`
 * @example formatBeijing('2026-03-09T06:23:00Z') // '2026-03-09 14:23'
 */
export function formatBeijing(t: number | string | Date, precision: 'minute' | 'second' | 'date' | 'day' | 'time' = 'minute'): string {
  const w = wallClock(toMs(t)).replace('T', ' ');
  if (precision === 'second') return w;
  if (precision === 'date') return w.slice(0, 10);
  if (precision === 'day') return w.slice(5, 10);
  if (precision === 'time') return w.slice(11, 16);
  return w.slice(0, 16);
}

/**
 * Reads a Beijing wall-clock text (what a `datetime-local` input holds) as an instant.
 * @param local `YYYY-MM-DDTHH:mm[:ss]` or `YYYY-MM-DD`, read as Beijing time
 * @returns epoch milliseconds
 * @example parseBeijingLocal('2026-03-09T14:23') === Date.parse('2026-03-09T06:23:00Z')
 */
export function parseBeijingLocal(local: string): number {
  const base = local.length === 10 ? `${local}T00:00` : local;
  return toMs(`${base}${BEIJING_OFFSET}`);
}

/**
 * An instant as the value of a `datetime-local` input in Beijing time.
 * @example toBeijingLocalInput('2026-03-09T06:23:00Z') // '2026-03-09T14:23'
 */
export function toBeijingLocalInput(t: number | string | Date): string {
  return wallClock(toMs(t)).slice(0, 16);
}
