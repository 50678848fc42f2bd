/**
 * Dates and date-times in the formats sources really use: `yyyyMMdd`, `yyyy-MM-dd`,
 * `yyyy/M/d`, `yyyy.MM.dd`, `yyyy年M月d日`, `yyyyMMddHHmmss`, `yyyy-MM-dd HH:mm[:ss]`,
 * ISO 8601 with `T`/offset, epoch seconds or milliseconds, Excel date serials, and with a format hint
 * `dd/MM/yyyy` or `MM/dd/yyyy`. Output: `YYYY-MM-DD` or `YYYY-MM-DDTHH:mm:ss`.
 * Impossible dates (Feb 30) are flagged, never rolled over.
 */
import { cleanText, type StdResult } from './text.ts';

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

export function isValidYmd(y: number, m: number, d: number): boolean {
  if (!(y >= 1800 && y <= 2200 && m >= 1 && m <= 12 && d >= 1)) return false;
  const dim = [31, (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  return d <= (dim[m - 1] ?? 0);
}

function build(y: number, m: number, d: number, hh?: number, mi?: number, ss?: number): StdResult | null {
  if (!isValidYmd(y, m, d)) return null;
  const date = `${y}-${pad(m)}-${pad(d)}`;
  if (hh === undefined) return { ok: true, value: date };
  if (hh > 23 || (mi ?? 0) > 59 || (ss ?? 0) > 60) return null;
  return { ok: true, value: `${date}T${pad(hh)}:${pad(mi ?? 0)}:${pad(ss ?? 0)}` };
}

const RE_COMPACT = /^(\d{4})(\d{2})(\d{2})(?:[ T]?(\d{2})(\d{2})(\d{2})?)?$/;
// the time after a space or a `T`, or straight after `日` (2024年1月5日8时5分); minutes may end
// with `分` and no seconds; an offset may follow a space (`08:00:00 +0800`)
const RE_YMD =
  /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})(?:日?[ T]|日)?(?:(\d{1,2})[:时点](\d{1,2})(?:[:分](\d{1,2})(?:\.\d+)?秒?|分)?)? ?(Z|[+-]\d{2}:?\d{2})?$/;
/** An Excel date serial (days since 1899-12-30; a fraction is the time of day): 1954–2099 only. */
const RE_EXCEL_SERIAL = /^(\d{5})(\.\d+)?$/;
const EXCEL_SERIAL_MIN = 20_000;
const EXCEL_SERIAL_MAX = 73_000;
/** The serial of 1970-01-01. */
const EXCEL_SERIAL_EPOCH = 25_569;
const RE_DMY = /^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})(?: (\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;

/**
 * @param raw the value as delivered
 * @param format optional hint from the mapping (`dd/MM/yyyy`, `MM/dd/yyyy`, `epoch_ms`, ...)
 * @returns `YYYY-MM-DD` (date only) or `YYYY-MM-DDTHH:mm:ss`, or a reason
 * @example standardizeDate('1990年3月7日') // { ok: true, value: '1990-03-07' }
 */
export function standardizeDate(raw: string | undefined, format?: string): StdResult {
  const s = cleanText(raw);
  if (!s) return { ok: false, reason: 'empty', raw: s };
  let m = RE_COMPACT.exec(s);
  if (m && !(format && /epoch/i.test(format))) {
    const r = build(
      +m[1]!,
      +m[2]!,
      +m[3]!,
      m[4] === undefined ? undefined : +m[4],
      m[5] === undefined ? undefined : +m[5],
      m[6] === undefined ? undefined : +m[6],
    );
    return r ?? { ok: false, reason: 'impossible_date', raw: s };
  }
  m = RE_YMD.exec(s);
  if (m) {
    const r = build(
      +m[1]!,
      +m[2]!,
      +m[3]!,
      m[4] === undefined ? undefined : +m[4],
      m[5] === undefined ? undefined : +m[5],
      m[6] === undefined ? undefined : +m[6],
    );
    if (!r?.ok) return { ok: false, reason: 'impossible_date', raw: s };
    // A time that states its offset (`Z`, `+00:00`) is that instant, told in China time as every
    // time without one is: `12:00:00Z` is 20:00 here (it was read as 12:00, eight hours early).
    if (m[7] !== undefined && m[4] !== undefined) return inChinaTime(r.value, m[7]);
    return r;
  }
  m = RE_DMY.exec(s);
  if (m) {
    const monthFirst = format !== undefined && /^M/.test(format);
    const a = +m[1]!;
    const b = +m[2]!;
    if (!format && a <= 12 && b <= 12 && a !== b) return { ok: false, reason: 'ambiguous_day_month', raw: s };
    const [d, mo] = monthFirst ? [b, a] : [a, b];
    const r = build(
      +m[3]!,
      mo,
      d,
      m[4] === undefined ? undefined : +m[4],
      m[5] === undefined ? undefined : +m[5],
      m[6] === undefined ? undefined : +m[6],
    );
    return r ?? { ok: false, reason: 'impossible_date', raw: s };
  }
  m = RE_EXCEL_SERIAL.exec(s);
  if (m && !format && +m[1]! >= EXCEL_SERIAL_MIN && +m[1]! <= EXCEL_SERIAL_MAX) {
    // a date a spreadsheet exported as its number: the serial counts days of the date as written
    // (no time zone), a fraction the time of that day
    const days = +m[1]! - EXCEL_SERIAL_EPOCH;
    const seconds = m[2] === undefined ? undefined : Math.round(Number(m[2]) * 86_400);
    const dt = new Date(days * 86_400_000 + (seconds ?? 0) * 1000);
    const r =
      seconds === undefined
        ? build(dt.getUTCFullYear(), dt.getUTCMonth() + 1, dt.getUTCDate())
        : build(dt.getUTCFullYear(), dt.getUTCMonth() + 1, dt.getUTCDate(), dt.getUTCHours(), dt.getUTCMinutes(), dt.getUTCSeconds());
    if (r) return r;
  }
  if (/^\d{9,13}$/.test(s)) {
    const n = Number(s);
    const ms = s.length >= 12 || (format !== undefined && /ms|milli/i.test(format)) ? n : n * 1000;
    const dt = new Date(ms + 8 * 3600_000); // sources are in China time unless they say otherwise
    const r = build(
      dt.getUTCFullYear(),
      dt.getUTCMonth() + 1,
      dt.getUTCDate(),
      dt.getUTCHours(),
      dt.getUTCMinutes(),
      dt.getUTCSeconds(),
    );
    if (r) return r;
  }
  return { ok: false, reason: 'unrecognized_date_format', raw: s };
}

/** `YYYY-MM-DDTHH:mm:ss` at UTC offset `offset` (`Z`, `+0800`, `-02:00`) as the same instant in China time (UTC+8). */
function inChinaTime(local: string, offset: string): StdResult {
  const o = /^([+-])(\d{2}):?(\d{2})$/.exec(offset);
  const minutes = o ? (o[1] === '-' ? -1 : 1) * (+o[2]! * 60 + +o[3]!) : 0;
  const t = new Date(`${local}Z`).getTime() - minutes * 60_000 + 8 * 3_600_000;
  const d = new Date(t);
  return build(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds()) ?? { ok: false, reason: 'impossible_date', raw: local };
}

let today = '';
let todayUntil = 0;

/**
 * Today's UTC date `YYYY-MM-DD`, computed once a UTC day (a Date and its ISO string per birth
 * date or resident id were a tenth of standardizing a person).
 */
export function todayIso(): string {
  const now = Date.now();
  if (now >= todayUntil) {
    today = new Date(now).toISOString().slice(0, 10);
    todayUntil = (Math.floor(now / 86_400_000) + 1) * 86_400_000;
  }
  return today;
}

/**
 * The earliest birth date taken as stated: systems fill an unknown one with 1900-01-01 (or an
 * earlier zero date: 0001-01-01, Excel's 1899-12-30), and no one born before it is alive. Compared
 * as a date, two strangers with that placeholder and a common name agreed on it and were merged.
 */
export const EARLIEST_BIRTH_DATE = '1900-01-02';

/** Date part only (`YYYY-MM-DD`) of a standardized date or date-time; a placeholder (`EARLIEST_BIRTH_DATE`) or future date is the value's problem. */
export function standardizeBirthDate(raw: string | undefined, format?: string): StdResult {
  const r = standardizeDate(raw, format);
  if (!r.ok) return r;
  const value = r.value.slice(0, 10);
  if (value > todayIso()) return { ok: false, reason: 'future_date', raw: value };
  if (value < EARLIEST_BIRTH_DATE) return { ok: false, reason: 'placeholder_date', raw: value };
  return { ok: true, value };
}
