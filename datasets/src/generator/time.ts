/**
 * Wall-clock times as seconds since 1970 in local time (UTC+8, no DST): all arithmetic
 * in UTC so the machine's time zone never changes the output.
 */

/** Seconds at local midnight of a `YYYY-MM-DD` date. */
export function dayStart(date: string): number {
  const [y, m, d] = date.split('-').map(Number);
  return Date.UTC(y as number, (m as number) - 1, d as number) / 1000;
}

const p2 = (n: number) => String(n).padStart(2, '0');

/** Time formats used by the sources. */
export type TimeFormat =
  | 'yyyy-MM-dd HH:mm:ss'
  | 'yyyy-MM-dd HH:mm'
  | 'yyyyMMddHHmmss'
  | 'iso'
  | 'yyyy/MM/dd HH:mm'
  | 'yyyy-MM-dd'
  | 'yyyyMMdd'
  | 'yyyy/MM/dd'
  | 'yyyy年M月d日';

/**
 * Format local seconds.
 * @example formatTime(dayStart('2026-03-02') + 3600, 'iso') // '2026-03-02T01:00:00+08:00'
 */
export function formatTime(sec: number, fmt: TimeFormat): string {
  const t = new Date(sec * 1000);
  const y = t.getUTCFullYear();
  const M = p2(t.getUTCMonth() + 1);
  const d = p2(t.getUTCDate());
  const h = p2(t.getUTCHours());
  const m = p2(t.getUTCMinutes());
  const s = p2(t.getUTCSeconds());
  switch (fmt) {
    case 'yyyy-MM-dd HH:mm:ss':
      return `${y}-${M}-${d} ${h}:${m}:${s}`;
    case 'yyyy-MM-dd HH:mm':
      return `${y}-${M}-${d} ${h}:${m}`;
    case 'yyyyMMddHHmmss':
      return `${y}${M}${d}${h}${m}${s}`;
    case 'iso':
      return `${y}-${M}-${d}T${h}:${m}:${s}+08:00`;
    case 'yyyy/MM/dd HH:mm':
      return `${y}/${M}/${d} ${h}:${m}`;
    case 'yyyy-MM-dd':
      return `${y}-${M}-${d}`;
    case 'yyyyMMdd':
      return `${y}${M}${d}`;
    case 'yyyy/MM/dd':
      return `${y}/${M}/${d}`;
    case 'yyyy年M月d日':
      return `${y}年${t.getUTCMonth() + 1}月${t.getUTCDate()}日`;
  }
}

/** Alternative formats a noisy record may use instead of the source's own. */
export const ALT_TIME_FORMATS: TimeFormat[] = ['yyyy/MM/dd HH:mm', 'iso', 'yyyyMMddHHmmss', 'yyyy-MM-dd HH:mm'];
export const ALT_DATE_FORMATS: TimeFormat[] = ['yyyy/MM/dd', 'yyyy年M月d日', 'yyyy-MM-dd', 'yyyyMMdd'];
